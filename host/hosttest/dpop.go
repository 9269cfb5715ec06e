package hosttest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"encoding/json"
	"strconv"
	"sync/atomic"
	"testing"
	"time"
)

// DPoPClient is a client holding a DPoP key (a fresh P-256 key): it signs
// proofs (RFC 9449) and names the thumbprint an issuer binds tokens to.
type DPoPClient struct {
	key *ecdsa.PrivateKey
	jwk map[string]string
}

// NewDPoPClient generates a client key.
func NewDPoPClient(t testing.TB) *DPoPClient {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := k.PublicKey.Bytes() // 0x04 || X || Y
	return &DPoPClient{key: k, jwk: map[string]string{
		"kty": "EC", "crv": "P-256", "x": b64.EncodeToString(b[1:33]), "y": b64.EncodeToString(b[33:]),
	}}
}

// JKT is the key's RFC 7638 thumbprint, computed here independently of
// the plugin: the required members in lexicographic order.
func (c *DPoPClient) JKT() string {
	canon := `{"crv":"` + c.jwk["crv"] + `","kty":"EC","x":"` + c.jwk["x"] + `","y":"` + c.jwk["y"] + `"}`
	sum := sha256.Sum256([]byte(canon))
	return b64.EncodeToString(sum[:])
}

// ATH is the ath claim of a proof presented with token.
func ATH(token string) string {
	sum := sha256.Sum256([]byte(token))
	return b64.EncodeToString(sum[:])
}

var jtiSeq atomic.Uint64

// ProofFor signs a valid proof for one request: method, url (htu), the
// access token (ath), issued now, with a fresh jti.
func (c *DPoPClient) ProofFor(t testing.TB, method, url, token string) string {
	return c.Proof(t, map[string]any{
		"jti": "jti-" + strconv.FormatUint(jtiSeq.Add(1), 10) + "-" + strconv.FormatInt(time.Now().UnixNano(), 36),
		"htm": method, "htu": url, "iat": time.Now().Unix(), "ath": ATH(token),
	}, nil)
}

// Proof signs claims as a proof; header members in hdr replace the
// defaults (typ dpop+jwt, alg ES256, jwk the public key), a nil value
// removing one. For building broken proofs.
func (c *DPoPClient) Proof(t testing.TB, claims map[string]any, hdr map[string]any) string {
	t.Helper()
	h := map[string]any{"typ": "dpop+jwt", "alg": "ES256", "jwk": c.jwk}
	for k, v := range hdr {
		if v == nil {
			delete(h, k)
		} else {
			h[k] = v
		}
	}
	hb, _ := json.Marshal(h)
	cb, _ := json.Marshal(claims)
	input := b64.EncodeToString(hb) + "." + b64.EncodeToString(cb)
	d := sha256.Sum256([]byte(input))
	r, s, err := ecdsa.Sign(rand.Reader, c.key, d[:])
	if err != nil {
		t.Fatal(err)
	}
	sig := make([]byte, 64)
	r.FillBytes(sig[:32])
	s.FillBytes(sig[32:])
	return input + "." + b64.EncodeToString(sig)
}
