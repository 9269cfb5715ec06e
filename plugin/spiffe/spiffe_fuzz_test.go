package spiffe

import (
	"strings"
	"testing"
)

// FuzzParse checks that an accepted ID re-assembles from its parts, obeys
// the character rules, and that a refused one is the zero ID.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"spiffe://shop.example/ns/payments/sa/payments", "spiffe://td", "spiffe://td/", "spiffe://TD/x", "spiffe://td/a/../b", "spiffe://td/ns/a/sa/b/c"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id, err := Parse(s)
		if err != nil {
			if !id.IsZero() {
				t.Fatalf("refused %q but returned %v", s, id)
			}
			return
		}
		if "spiffe://"+id.TrustDomain()+id.Path() != s {
			t.Fatalf("%q does not re-assemble from %q + %q", s, id.TrustDomain(), id.Path())
		}
		if strings.ContainsAny(id.TrustDomain(), "ABCDEFGHIJKLMNOPQRSTUVWXYZ:@%/") || strings.Contains(id.Path(), "//") || strings.HasSuffix(id.Path(), "/") {
			t.Fatalf("accepted malformed %q", s)
		}
		if ns, sa, ok := id.Kubernetes(); ok && id.Path() != "/ns/"+ns+"/sa/"+sa {
			t.Fatalf("Kubernetes() of %q = %q, %q", s, ns, sa)
		}
	})
}
