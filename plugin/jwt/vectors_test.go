package jwt

import (
	"crypto/ed25519"
	"encoding/base64"
	"os"
	"testing"

	"github.com/buger/jsonparser"
)

// TestRFC8037Ed25519 checks the Ed25519 example of RFC 8037 appendix A.4
// (testdata/rfc_vectors.json): a signature made by another implementation
// verifies here, and a one-bit change does not. Its payload is a sentence,
// not a claims set, so this test stops at the signature.
func TestRFC8037Ed25519(t *testing.T) {
	doc, err := os.ReadFile("testdata/rfc_vectors.json")
	if err != nil {
		t.Fatal(err)
	}
	tok, _ := jsonparser.GetString(doc, "rfc8037_a4_ed25519", "token")
	x, _ := jsonparser.GetString(doc, "rfc8037_a4_ed25519", "jwk", "x")
	pub, err := base64.RawURLEncoding.DecodeString(x)
	if err != nil {
		t.Fatal(err)
	}
	parsed, err := parseJWS(tok)
	if err != nil {
		t.Fatalf("parseJWS: %v", err)
	}
	if parsed.Alg != EdDSA || string(parsed.Payload) != "Example of Ed25519 signing" {
		t.Fatalf("parsed %v %q", parsed.Alg, parsed.Payload)
	}
	key := &Key{Public: ed25519.PublicKey(pub)}
	if !parsed.verifySignature(key) {
		t.Fatal("the RFC's signature does not verify")
	}
	parsed.signature[0] ^= 1
	if parsed.verifySignature(key) {
		t.Fatal("a flipped bit verifies")
	}
	if _, err := Parse(tok); err == nil {
		t.Error("Parse accepted a payload that is not a claims set")
	}
}
