package demo

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/json"
	"net/http"
	"time"
)

// IDP is the demo identity provider make run starts: a P-256 key made at
// start (a demo key lives as long as the demo), its JWKS served at
// /.well-known/jwks.json, and tokens minted on the spot.
type IDP struct {
	Issuer string
	KID    string
	key    *ecdsa.PrivateKey
}

// NewIDP makes a demo provider for issuer.
func NewIDP(issuer string) (*IDP, error) {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	return &IDP{Issuer: issuer, KID: "demo-" + time.Now().UTC().Format("20060102T150405"), key: k}, nil
}

// Handler serves the JWKS.
func (d *IDP) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/.well-known/jwks.json" {
			http.NotFound(w, r)
			return
		}
		jwk, _ := JWK(d.key.Public(), d.KID)
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{"keys": []any{jwk}})
	})
}

// Token mints a token for sub with audience aud, valid for ttl (negative:
// already expired), with extra claims.
func (d *IDP) Token(sub, aud string, ttl time.Duration, extra map[string]any) (string, error) {
	now := time.Now()
	c := map[string]any{"iss": d.Issuer, "sub": sub, "aud": aud, "iat": now.Unix(), "exp": now.Add(ttl).Unix()}
	if ttl < 0 {
		c["iat"] = now.Add(2 * ttl).Unix()
	}
	for k, v := range extra {
		c[k] = v
	}
	return Sign(d.key, d.KID, c)
}
