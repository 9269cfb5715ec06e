package provider

import (
	"encoding/base64"
	"errors"
	"math"
	"strings"
	"time"

	"github.com/palisade-wasm/palisade/plugin/jwt"
	"github.com/palisade-wasm/palisade/policies/jsonv"
)

// Introspection checks opaque (non-JWT) tokens with the issuer's RFC 7662
// introspection endpoint, reached through a configured cluster.
type Introspection struct {
	Cluster, Path, Authority string
	// ClientID and ClientSecret authenticate this proxy to the endpoint
	// (HTTP Basic, RFC 7662 section 2.1).
	ClientID, ClientSecret string
	Timeout                time.Duration
	// CacheDuration bounds how long an answer is reused; never past the
	// token's exp.
	CacheDuration time.Duration
}

// Errors of introspection.
var (
	ErrInactive                 = errors.New("token is not active")
	ErrIntrospectionUnavailable = errors.New("introspection endpoint unavailable")
)

func parseIntrospection(f jsonv.Result, fp string) (*Introspection, error) {
	if !f.IsObject() {
		return nil, &Error{fp, "must be an object"}
	}
	in := &Introspection{Timeout: 2 * time.Second, CacheDuration: time.Minute}
	var err error
	f.ForEach(func(k, v jsonv.Result) bool {
		kp := fp + "." + k.String()
		switch k.String() {
		case "cluster":
			in.Cluster = v.String()
		case "path":
			in.Path = v.String()
		case "authority":
			in.Authority = v.String()
		case "client_id":
			in.ClientID = v.String()
		case "client_secret":
			in.ClientSecret = v.String()
		case "timeout_seconds", "cache_seconds":
			if v.Type != jsonv.Number || v.Num <= 0 || v.Num > 86400 {
				err = &Error{kp, "must be a positive number of seconds"}
				break
			}
			d := time.Duration(v.Num * float64(time.Second))
			if k.String() == "timeout_seconds" {
				in.Timeout = d
			} else {
				in.CacheDuration = d
			}
		default:
			err = &Error{kp, "unknown field"}
		}
		return err == nil
	})
	switch {
	case err != nil:
		return nil, err
	case in.Cluster == "":
		return nil, &Error{fp + ".cluster", "is required"}
	case !strings.HasPrefix(in.Path, "/"):
		return nil, &Error{fp + ".path", "must be a path starting with /"}
	case in.ClientID == "" || in.ClientSecret == "":
		return nil, &Error{fp, "needs client_id and client_secret"}
	}
	if in.Authority == "" {
		in.Authority = in.Cluster
	}
	return in, nil
}

// Request returns the headers and body of the introspection request for
// token (RFC 7662 section 2.1).
func (in *Introspection) Request(token string) ([][2]string, []byte) {
	basic := base64.StdEncoding.EncodeToString([]byte(formEscape(in.ClientID) + ":" + formEscape(in.ClientSecret)))
	headers := [][2]string{
		{":method", "POST"}, {":path", in.Path}, {":authority", in.Authority},
		{"content-type", "application/x-www-form-urlencoded"}, {"accept", "application/json"},
		{"authorization", "Basic " + basic},
	}
	return headers, []byte("token=" + formEscape(token) + "&token_type_hint=access_token")
}

// Introspector returns the provider that introspects opaque tokens.
func Introspector(providers []*Provider) *Provider {
	for _, p := range providers {
		if p.Introspection != nil {
			return p
		}
	}
	return nil
}

// IsJWS reports whether a token has the shape of a compact JWS (two dots);
// anything else is opaque.
func IsJWS(token string) bool { return strings.Count(token, ".") == 2 }

// Introspected turns an introspection answer (RFC 7662 section 2.2) into
// an identity, checking what the provider requires: active, exp, iss, aud.
func (p *Provider) Introspected(status int, body []byte, now time.Time) (*Identity, error) {
	if status != 200 || !jsonv.ValidBytes(body) {
		return nil, ErrIntrospectionUnavailable
	}
	r := jsonv.ParseBytes(body)
	if !r.IsObject() {
		return nil, ErrIntrospectionUnavailable
	}
	if r.Get("active").Type != jsonv.True {
		return nil, ErrInactive
	}
	var c jwt.Claims
	c.Subject, c.Issuer, c.ID = r.Get("sub").String(), r.Get("iss").String(), r.Get("jti").String()
	if aud := r.Get("aud"); aud.IsArray() {
		aud.ForEach(func(_, a jsonv.Result) bool { c.Audience = append(c.Audience, a.String()); return true })
	} else if aud.Exists() {
		c.Audience = []string{aud.String()}
	}
	c.Scope = strings.Fields(r.Get("scope").String())
	skew := p.Verifier.ClockSkew.Seconds()
	t := float64(now.UnixNano()) / 1e9
	if exp := r.Get("exp"); exp.Exists() {
		if exp.Type != jsonv.Number || math.IsInf(exp.Num, 0) {
			return nil, ErrIntrospectionUnavailable
		}
		c.Expiry, c.HasExpiry = exp.Num, true
		if t >= c.Expiry+skew {
			return nil, jwt.ErrExpired
		}
	} else if p.Verifier.RequireExpiry {
		return nil, jwt.ErrMissingClaim
	}
	if p.Verifier.Issuer != "" && c.Issuer != "" && c.Issuer != p.Verifier.Issuer {
		return nil, jwt.ErrWrongIssuer
	}
	if len(p.Verifier.Audiences) > 0 {
		match := false
		for _, a := range c.Audience {
			for _, w := range p.Verifier.Audiences {
				match = match || a == w
			}
		}
		if !match {
			return nil, jwt.ErrWrongAudience
		}
	}
	id := &Identity{Provider: p, Claims: c, Payload: append([]byte(nil), body...)}
	limit := now.Add(p.Introspection.CacheDuration)
	id.Expiry = limit
	if c.HasExpiry {
		if e := time.Unix(0, int64(c.Expiry*1e9)); e.Before(limit) {
			id.Expiry = e
		}
	}
	return id, nil
}

// formEscape encodes s for an application/x-www-form-urlencoded body
// (RFC 7662 section 2.1 sends the token that way, and RFC 6749 section
// 2.3.1 the client credentials). Written here rather than importing
// net/url, which costs palisade.wasm far more than these lines.
func formEscape(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '-', c == '.', c == '_', c == '~':
			b.WriteByte(c)
		case c == ' ':
			b.WriteByte('+')
		default:
			b.WriteByte('%')
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&15])
		}
	}
	return b.String()
}
