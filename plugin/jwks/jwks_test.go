package jwks_test

import (
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/buger/jsonparser"
	"github.com/palisade-wasm/palisade/plugin/jwks"
	"github.com/palisade-wasm/palisade/plugin/jwt"
)

// TestRFCVectors: the example tokens of RFC 7515 appendix A.2 (RS256) and
// A.3 (ES256), with the public keys the RFC publishes as JWKs, verify with
// the clock set before their exp (1300819380), and not after it.
func TestRFCVectors(t *testing.T) {
	doc, err := os.ReadFile("../jwt/testdata/rfc_vectors.json")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"rfc7515_a2_rs256", "rfc7515_a3_es256"} {
		t.Run(name, func(t *testing.T) {
			jwk, _, _, _ := jsonparser.Get(doc, name, "jwk")
			tok, _ := jsonparser.GetString(doc, name, "token")
			set, err := jwks.Parse([]byte(`{"keys":[` + string(jwk) + `]}`))
			if err != nil {
				t.Fatal(err)
			}
			v := &jwt.Verifier{Issuer: "joe", Keys: set, RequireExpiry: true}
			got, err := v.Verify(tok, time.Unix(1300819380-3600, 0))
			if err != nil {
				t.Fatalf("RFC example does not verify: %v", err)
			}
			if got.Claims.Issuer != "joe" {
				t.Errorf("iss %q", got.Claims.Issuer)
			}
			if _, err := v.Verify(tok, time.Unix(1300819380+1, 0)); !errors.Is(err, jwt.ErrExpired) {
				t.Errorf("after exp: %v, want expired", err)
			}
		})
	}
}

func TestParse(t *testing.T) {
	doc := `{"keys":[
	 {"kty":"EC","crv":"P-256","kid":"a","use":"sig","alg":"ES256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"},
	 {"kty":"OKP","crv":"Ed25519","kid":"b","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo","key_ops":["verify"]},
	 {"kty":"oct","kid":"c","k":"c2VjcmV0"},
	 {"kty":"RSA","kid":"d","n":"AQAB","e":"AQAB"},
	 {"kty":"EC","crv":"P-256","kid":"e","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"AAAAzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"},
	 {"kty":"EC","crv":"P-256","kid":"f","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0","d":"jpsQnnGQmL-YBIffH1136cLSG1l1gGYIlIpNlV4D_dQ"},
	 {"kty":"EC","crv":"secp256k1","kid":"g"},
	 {"kty":"RSA","kid":"h","alg":"HS256","n":"AQAB","e":"AQAB"},
	 "not a key"
	]}`
	set, err := jwks.Parse([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	if len(set.Keys) != 2 || set.Keys[0].KID != "a" || set.Keys[1].KID != "b" {
		t.Fatalf("keys %+v", set.Keys)
	}
	want := []string{
		"key 2: carries private or secret key material",
		"key 3: rsa modulus under 2048 bits",
		"key 4: ec point is not on the curve",
		"key 5: carries private or secret key material",
		"key 6: ec curve is not P-256, P-384 or P-521",
		"key 7: alg is not a supported signature algorithm",
		"key 8: not an object",
	}
	if strings.Join(set.Skipped, "\n") != strings.Join(want, "\n") {
		t.Errorf("skipped:\n%s\nwant:\n%s", strings.Join(set.Skipped, "\n"), strings.Join(want, "\n"))
	}
}

func TestParse_Errors(t *testing.T) {
	tests := []struct {
		doc  string
		want string
	}{
		{`{"keys":[]}`, "jwks: no usable key"},
		{`{"keys":[{"kty":"oct","k":"c2VjcmV0"}]}`, "jwks: no usable key"},
		{`{"keys":{}}`, `jwks: no "keys" array`},
		{`{}`, `jwks: no "keys" array`},
		{`garbage`, "jwks: malformed key set"},
		{``, "jwks: malformed key set"},
	}
	for _, tc := range tests {
		_, err := jwks.Parse([]byte(tc.doc))
		if err == nil || err.Error() != tc.want {
			t.Errorf("Parse(%q) = %v, want %q", tc.doc, err, tc.want)
		}
	}
}
