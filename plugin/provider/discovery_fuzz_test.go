package provider

import (
	"errors"
	"strings"
	"testing"

	"github.com/palisade-wasm/palisade/policies/jsonv"
	"github.com/tidwall/gjson"
)

// FuzzJWKSTarget: any document either yields a target on a configured
// cluster whose path is a request target and whose authority is a host,
// or an error of one of the four categories; and a document accepted is
// one whose issuer is the configured one. Seeded from TestJWKSTarget's
// kinds of documents (testdata/fuzz/FuzzJWKSTarget holds more).
func FuzzJWKSTarget(f *testing.F) {
	for _, s := range []string{
		`{"issuer":"https://idp.example/realms/shop","jwks_uri":"https://idp.example/realms/shop/certs"}`,
		`{"issuer":"https://idp.example/realms/shop","jwks_uri":"https://keys.idp.example/v1/jwks?tenant=shop"}`,
		`{"issuer":"https://idp.example/realms/shop","jwks_uri":"http://169.254.169.254/latest/meta-data/"}`,
		`{"issuer":"https://idp.example/realms/shop","jwks_uri":"https://keys.idp.example@169.254.169.254/"}`,
		`{"issuer":"https://evil.example","issuer":"https://idp.example/realms/shop","jwks_uri":"https://idp.example/k"}`,
		`{"issuer":"https:\/\/idp.example\/realms\/shop","jwks_uri":"https:\/\/idp.example\/k"}`,
		`[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]`,
		`<html>503</html>`,
	} {
		f.Add([]byte(s))
	}
	ps, err := Parse(jsonv.Parse(`[{"name":"a","issuer":"https://idp.example/realms/shop","remote_jwks":{"cluster":"idp","discovery":{"jwks_clusters":[{"origin":"https://keys.idp.example","cluster":"keys"}]}}}]`), "providers")
	if err != nil {
		f.Fatal(err)
	}
	d := ps[0].Remote.Discovery
	f.Fuzz(func(t *testing.T, doc []byte) {
		tg, err := d.JWKSTarget(doc)
		if err != nil {
			if tg != (Target{}) {
				t.Fatalf("error %v with a target %+v", err, tg)
			}
			if !errors.Is(err, ErrDiscoveryMalformed) && !errors.Is(err, ErrDiscoveryIssuer) && !errors.Is(err, ErrDiscoveryJWKSURI) && !errors.Is(err, ErrDiscoveryOrigin) {
				t.Fatalf("error outside the categories: %v", err)
			}
			return
		}
		if tg.Cluster != "idp" && tg.Cluster != "keys" {
			t.Fatalf("target on cluster %q", tg.Cluster)
		}
		if tg.Authority != "idp.example" && tg.Authority != "keys.idp.example" || tg.Cluster == "idp" != (tg.Authority == "idp.example") {
			t.Fatalf("authority %q on cluster %q", tg.Authority, tg.Cluster)
		}
		if !strings.HasPrefix(tg.Path, "/") || strings.ContainsAny(tg.Path, "# \\\"\r\n") {
			t.Fatalf("path %q", tg.Path)
		}
		if gjson.GetBytes(doc, "issuer").String() != d.Issuer {
			t.Fatalf("accepted a document whose issuer is not %s", d.Issuer)
		}
	})
}
