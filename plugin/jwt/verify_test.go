package jwt_test

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/palisade-wasm/palisade/plugin/jwt"
)

const issuer = "https://idp.example"

var now = time.Unix(1_800_000_000, 0)

var keys = jwt.Keys{
	{KID: "rsa", Public: &rsaKey.PublicKey},
	{KID: "p256", Public: &p256.PublicKey},
	{KID: "p384", Public: &p384.PublicKey},
	{KID: "p521", Public: &p521.PublicKey},
	{KID: "ed", Public: edKey.Public().(ed25519.PublicKey)},
	{KID: "small", Public: &rsaSmall.PublicKey},
}

func verifier() *jwt.Verifier {
	return &jwt.Verifier{Issuer: issuer, Audiences: []string{"orders"}, Keys: keys, ClockSkew: time.Minute, RequireExpiry: true}
}

func claims(extra ...any) map[string]any {
	c := map[string]any{"iss": issuer, "sub": "alice", "aud": "orders", "exp": now.Unix() + 600, "iat": now.Unix() - 10}
	for i := 0; i+1 < len(extra); i += 2 {
		if extra[i+1] == nil {
			delete(c, extra[i].(string))
			continue
		}
		c[extra[i].(string)] = extra[i+1]
	}
	return c
}

// Every algorithm verifies, and the same token with its payload tampered
// never does.
func TestAlgorithms(t *testing.T) {
	tests := []struct {
		alg, kid string
		key      any
	}{
		{"RS256", "rsa", rsaKey}, {"RS384", "rsa", rsaKey}, {"RS512", "rsa", rsaKey},
		{"PS256", "rsa", rsaKey}, {"PS384", "rsa", rsaKey}, {"PS512", "rsa", rsaKey},
		{"ES256", "p256", p256}, {"ES384", "p384", p384}, {"ES512", "p521", p521},
		{"EdDSA", "ed", edKey},
	}
	for _, tc := range tests {
		t.Run(tc.alg, func(t *testing.T) {
			tok := sign(t, tc.alg, tc.kid, tc.key, claims())
			v, err := verifier().Verify(tok, now)
			if err != nil {
				t.Fatalf("valid token: %v", err)
			}
			if v.Claims.Subject != "alice" || v.Token.Alg.String() != tc.alg {
				t.Errorf("claims %+v alg %v", v.Claims, v.Token.Alg)
			}
			parts := strings.Split(tok, ".")
			forged := parts[0] + "." + enc.EncodeToString([]byte(`{"iss":"`+issuer+`","sub":"admin","aud":"orders","exp":1800000600}`)) + "." + parts[2]
			if _, err := verifier().Verify(forged, now); !errors.Is(err, jwt.ErrBadSignature) {
				t.Errorf("tampered payload: %v, want bad signature", err)
			}
		})
	}
}

func TestHMAC(t *testing.T) {
	secret := []byte("a shared secret of at least thirty-two bytes")
	v := verifier()
	v.Secret = secret
	v.Algorithms = []jwt.Alg{jwt.HS256, jwt.HS512}
	for _, alg := range []string{"HS256", "HS512"} {
		if _, err := v.Verify(sign(t, alg, "", secret, claims()), now); err != nil {
			t.Errorf("%s: %v", alg, err)
		}
	}
	if _, err := v.Verify(sign(t, "HS384", "", secret, claims()), now); !errors.Is(err, jwt.ErrAlgNotAllowed) {
		t.Errorf("HS384 not listed: %v", err)
	}
	if _, err := v.Verify(sign(t, "HS256", "", []byte("another secret of thirty-two bytes!!"), claims()), now); !errors.Is(err, jwt.ErrBadSignature) {
		t.Errorf("wrong secret: %v", err)
	}
}

// rsaPublicAsSecret returns the forms of the RSA public key an attacker
// would use as an HMAC secret (the RS256 -> HS256 confusion).
func rsaPublicAsSecret() map[string][]byte {
	der, _ := x509.MarshalPKIXPublicKey(&rsaKey.PublicKey)
	jwk, _ := json.Marshal(map[string]string{"kty": "RSA", "n": enc.EncodeToString(rsaKey.N.Bytes()), "e": "AQAB"})
	return map[string][]byte{
		"pem": pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}),
		"der": der,
		"jwk": jwk,
	}
}

func TestAttacks(t *testing.T) {
	good := sign(t, "ES256", "p256", p256, claims())
	// A token whose text differs in the standard base64 alphabet: the
	// signature is random, and about one in fifteen has neither - nor _.
	urlAlphabet := good
	for !strings.ContainsAny(urlAlphabet, "-_") {
		urlAlphabet = sign(t, "ES256", "p256", p256, claims())
	}
	parts := strings.Split(good, ".")
	type tcase struct {
		name   string
		token  string
		reason string
	}
	tests := []tcase{
		{"alg none", enc.EncodeToString([]byte(`{"alg":"none"}`)) + "." + parts[1] + ".", "alg_not_allowed"},
		{"alg None", enc.EncodeToString([]byte(`{"alg":"None"}`)) + "." + parts[1] + ".", "alg_not_allowed"},
		{"alg NONE", enc.EncodeToString([]byte(`{"alg":"NONE"}`)) + "." + parts[1] + ".", "alg_not_allowed"},
		{"alg nOnE with signature", enc.EncodeToString([]byte(`{"alg":"nOnE"}`)) + "." + parts[1] + "." + parts[2], "alg_not_allowed"},
		{"alg unknown", signRaw(t, "HS256", []byte("k"), `{"alg":"HS1024"}`, `{}`), "alg_not_allowed"},
		{"alg es256 lower case", enc.EncodeToString([]byte(`{"alg":"es256","kid":"p256"}`)) + "." + parts[1] + "." + parts[2], "alg_not_allowed"},
		{"alg not a string", enc.EncodeToString([]byte(`{"alg":256}`)) + "." + parts[1] + "." + parts[2], "token_malformed"},
		{"no alg", enc.EncodeToString([]byte(`{"kid":"p256"}`)) + "." + parts[1] + "." + parts[2], "token_malformed"},
		{"crit", signRaw(t, "ES256", p256, `{"alg":"ES256","kid":"p256","crit":["exp"],"exp":1}`, mustJSON(claims())), "token_malformed"},
		{"b64 false", signRaw(t, "ES256", p256, `{"alg":"ES256","kid":"p256","b64":false}`, mustJSON(claims())), "token_malformed"},
		{"jwe", parts[0] + "." + parts[1] + "." + parts[2] + ".x.y", "token_malformed"},
		{"two segments", parts[0] + "." + parts[1], "token_malformed"},
		{"one segment", parts[0], "token_malformed"},
		{"empty payload", parts[0] + ".." + parts[2], "token_malformed"},
		{"thousands of dots", "a" + strings.Repeat(".", 10000), "token_malformed"},
		{"more dots than the size cap", strings.Repeat(".", jwt.MaxTokenBytes+1), "token_too_large"},
		{"dots under the cap", strings.Repeat(".", 5000), "token_malformed"},
		{"too large", sign(t, "ES256", "p256", p256, claims("pad", strings.Repeat("x", jwt.MaxTokenBytes))), "token_too_large"},
		{"duplicate header name", signRaw(t, "ES256", p256, `{"alg":"ES256","kid":"p256","alg":"ES256"}`, mustJSON(claims())), "token_malformed"},
		{"duplicate claim", signRaw(t, "ES256", p256, `{"alg":"ES256","kid":"p256"}`, `{"iss":"`+issuer+`","sub":"alice","sub":"admin","aud":"orders","exp":1800000600}`), "token_malformed"},
		{"duplicate claim by escape", signRaw(t, "ES256", p256, `{"alg":"ES256","kid":"p256"}`, `{"iss":"`+issuer+`","sub":"alice","s\u0075b":"admin","aud":"orders","exp":1800000600}`), "token_malformed"},
		{"duplicate nested claim", signRaw(t, "ES256", p256, `{"alg":"ES256","kid":"p256"}`, `{"iss":"`+issuer+`","aud":"orders","exp":1800000600,"realm_access":{"roles":["a"],"roles":["admin"]}}`), "token_malformed"},
		{"deeply nested", signRaw(t, "ES256", p256, `{"alg":"ES256","kid":"p256"}`, `{"iss":"`+issuer+`","aud":"orders","exp":1800000600,"x":`+strings.Repeat("[", 100)+strings.Repeat("]", 100)+`}`), "token_malformed"},
		{"invalid utf-8", signRaw(t, "ES256", p256, `{"alg":"ES256","kid":"p256"}`, "{\"iss\":\""+issuer+"\",\"aud\":\"orders\",\"exp\":1800000600,\"sub\":\"\xff\xfe\"}"), "token_malformed"},
		{"payload not an object", signRaw(t, "ES256", p256, `{"alg":"ES256","kid":"p256"}`, `["iss"]`), "token_malformed"},
		{"trailing data after payload", signRaw(t, "ES256", p256, `{"alg":"ES256","kid":"p256"}`, mustJSON(claims())+` {}`), "token_malformed"},
		{"padded base64", parts[0] + "=." + parts[1] + "." + parts[2], "token_malformed"},
		{"standard base64 alphabet", strings.NewReplacer("-", "+", "_", "/").Replace(urlAlphabet), "token_malformed"},
		{"newline in token", parts[0] + "\n." + parts[1] + "." + parts[2], "token_malformed"},
		{"non-canonical trailing bits", parts[0][:len(parts[0])-1] + nextChar(parts[0][len(parts[0])-1]) + "." + parts[1] + "." + parts[2], "token_malformed"},
		{"exp not a number", sign(t, "ES256", "p256", p256, claims("exp", "1800000600")), "token_malformed"},
		{"exp overflowing", signRaw(t, "ES256", p256, `{"alg":"ES256","kid":"p256"}`, `{"iss":"`+issuer+`","aud":"orders","exp":1e999}`), "token_malformed"},
		{"aud not strings", sign(t, "ES256", "p256", p256, claims("aud", []any{"orders", 7})), "token_malformed"},
		{"iss not a string", sign(t, "ES256", "p256", p256, claims("iss", []string{issuer})), "token_malformed"},
		{"ecdsa r = s = 0", parts[0] + "." + parts[1] + "." + enc.EncodeToString(make([]byte, 64)), "bad_signature"},
		{"ecdsa DER signature", parts[0] + "." + parts[1] + "." + enc.EncodeToString(derSignature(t, parts[0]+"."+parts[1])), "bad_signature"},
		{"embedded jwk of the attacker", embeddedJWK(t), "unknown_kid"},
		{"kid path traversal", sign(t, "ES256", "../../../../dev/null", p256, claims()), "unknown_kid"},
		{"kid of a key of another type", sign(t, "ES256", "rsa", p256, claims()), "key_mismatch"},
		{"kid unknown", sign(t, "ES256", "p256-next", p256, claims()), "unknown_kid"},
		{"signed by an unknown key", sign(t, "ES256", "p256", p384Wrong(t), claims()), "bad_signature"},
		{"rsa key under 2048 bits", sign(t, "RS256", "small", rsaSmall, claims()), "key_mismatch"},
	}
	for form, secret := range rsaPublicAsSecret() {
		tests = append(tests, tcase{"HS256 with the RSA public key as " + form, sign(t, "HS256", "rsa", secret, claims()), "alg_not_allowed"})
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v, err := verifier().Verify(tc.token, now)
			if err == nil {
				t.Fatalf("verified: %+v", v.Claims)
			}
			if r := jwt.Reason(err); r != tc.reason {
				t.Errorf("reason %q (%v), want %q", r, err, tc.reason)
			}
			if strings.Contains(err.Error(), "alice") || strings.Contains(err.Error(), issuer) {
				t.Errorf("error %q quotes the token", err)
			}
		})
	}
}

func mustJSON(v any) string { b, _ := json.Marshal(v); return string(b) }

// nextChar returns a base64url character that decodes to the same bytes
// only if trailing bits are ignored.
func nextChar(c byte) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	i := strings.IndexByte(alphabet, c)
	return string(alphabet[(i&^3)|((i+1)&3)])
}

func derSignature(t *testing.T, input string) []byte {
	d := sha256Sum([]byte(input))
	sig, err := ecdsa.SignASN1(randReader{}, p256, d)
	if err != nil {
		t.Fatal(err)
	}
	return sig
}

func p384Wrong(t *testing.T) *ecdsa.PrivateKey {
	k, _ := ecdsa.GenerateKey(p256.Curve, randReader{})
	return k
}

// embeddedJWK is a token carrying its own (attacker's) key in the header,
// signed with it: keys never come from the token.
func embeddedJWK(t *testing.T) string {
	att, _ := ecdsa.GenerateKey(p256.Curve, randReader{})
	b, _ := att.PublicKey.Bytes()
	jwk := map[string]string{"kty": "EC", "crv": "P-256", "x": enc.EncodeToString(b[1:33]), "y": enc.EncodeToString(b[33:])}
	h, _ := json.Marshal(map[string]any{"alg": "ES256", "jwk": jwk, "kid": "attacker"})
	return signRaw(t, "ES256", att, string(h), mustJSON(claims()))
}

func TestClaims(t *testing.T) {
	tests := []struct {
		name   string
		claims map[string]any
		edit   func(*jwt.Verifier)
		reason string
	}{
		{"valid", claims(), nil, ""},
		{"aud array", claims("aud", []string{"billing", "orders"}), nil, ""},
		{"wrong audience", claims("aud", "billing"), nil, "wrong_audience"},
		{"no audience", claims("aud", nil), nil, "wrong_audience"},
		{"audience not checked when none configured", claims("aud", "billing"), func(v *jwt.Verifier) { v.Audiences = nil }, ""},
		{"wrong issuer", claims("iss", "https://evil.example"), nil, "wrong_issuer"},
		{"issuer differs by a slash", claims("iss", issuer+"/"), nil, "wrong_issuer"},
		{"expired", claims("exp", now.Unix()-61), nil, "expired"},
		{"expired within skew", claims("exp", now.Unix()-59), nil, ""},
		{"fractional exp", claims("exp", float64(now.Unix())+0.5), nil, ""},
		{"no exp", claims("exp", nil), nil, "missing_claim"},
		{"no exp allowed", claims("exp", nil), func(v *jwt.Verifier) { v.RequireExpiry = false }, ""},
		{"not yet valid", claims("nbf", now.Unix()+61), nil, "not_yet_valid"},
		{"nbf within skew", claims("nbf", now.Unix()+59), nil, ""},
		{"issued in the future", claims("iat", now.Unix()+120), nil, "issued_in_future"},
		{"too old", claims("iat", now.Unix()-3700), func(v *jwt.Verifier) { v.MaxAge = time.Hour }, "token_too_old"},
		{"max age needs iat", claims("iat", nil), func(v *jwt.Verifier) { v.MaxAge = time.Hour }, "missing_claim"},
		{"scope split", claims("scope", "orders:read  orders:write"), nil, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v := verifier()
			if tc.edit != nil {
				tc.edit(v)
			}
			_, err := v.Verify(sign(t, "ES256", "p256", p256, tc.claims), now)
			if r := jwt.Reason(err); r != tc.reason {
				t.Errorf("reason %q (%v), want %q", r, err, tc.reason)
			}
		})
	}
}

func TestScopeAndAudience(t *testing.T) {
	v, err := verifier().Verify(sign(t, "ES256", "p256", p256, claims("scope", "orders:read orders:write", "aud", []string{"orders", "billing"})), now)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(v.Claims.Scope, ","); got != "orders:read,orders:write" {
		t.Errorf("scope %q", got)
	}
	if got := strings.Join(v.Claims.Audience, ","); got != "orders,billing" {
		t.Errorf("aud %q", got)
	}
	v, err = verifier().Verify(sign(t, "ES256", "p256", p256, claims("scp", []string{"a", "b"})), now)
	if err != nil || strings.Join(v.Claims.Scope, ",") != "a,b" {
		t.Errorf("scp: %v %v", v, err)
	}
}

func TestTyp(t *testing.T) {
	v := verifier()
	v.Typ = "at+jwt"
	for typ, want := range map[string]string{"at+jwt": "", "AT+JWT": "", "application/at+jwt": "", "JWT": "wrong_type", "": "wrong_type"} {
		h := `{"alg":"ES256","kid":"p256"}`
		if typ != "" {
			h = `{"alg":"ES256","kid":"p256","typ":"` + typ + `"}`
		}
		_, err := v.Verify(signRaw(t, "ES256", p256, h, mustJSON(claims())), now)
		if r := jwt.Reason(err); r != want {
			t.Errorf("typ %q: reason %q, want %q", typ, r, want)
		}
	}
}

// A hostile token costs bounded work and allocation whatever its shape
// (golang-jwt CVE-2025-30204: "Bearer " followed by thousands of dots).
func TestHostileTokenCostIsBounded(t *testing.T) {
	hostile := strings.Repeat(".", jwt.MaxTokenBytes)
	if n := testing.AllocsPerRun(50, func() { jwt.Parse(hostile) }); n > 2 {
		t.Errorf("%v allocations for a token of dots", n)
	}
}
