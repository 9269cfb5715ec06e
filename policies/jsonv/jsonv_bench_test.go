package jsonv

import (
	"testing"

	"github.com/tidwall/gjson"
)

// BenchmarkGet reads claims the way policies and the filter do, with
// jsonv and with gjson, the library it replaces.
func BenchmarkGet(b *testing.B) {
	const claims = `{"iss":"https://idp.example","sub":"alice","aud":["orders"],"exp":1700000000,"realm_access":{"roles":["staff","admin"]},"https://example.com/tenant":"t1","cnf":{"x5t#S256":"abc"}}`
	for _, bc := range []struct{ name, path string }{
		{"member", "sub"},
		{"nested", "realm_access.roles.1"},
		{"escaped", `https://example\.com/tenant`},
		{"missing", "nope"},
	} {
		b.Run(bc.name+"/jsonv", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				Get(claims, bc.path)
			}
		})
		b.Run(bc.name+"/gjson", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				gjson.Get(claims, bc.path)
			}
		})
	}
}

func BenchmarkValid(b *testing.B) {
	const doc = `{"keys":[{"kty":"RSA","kid":"k1","use":"sig","alg":"RS256","n":"0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw","e":"AQAB"}]}`
	b.Run("jsonv", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			Valid(doc)
		}
	})
	b.Run("gjson", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			gjson.Valid(doc)
		}
	})
}
