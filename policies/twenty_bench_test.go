package policies_test

import (
	"testing"

	"github.com/palisade-wasm/palisade/policies"
	"github.com/palisade-wasm/palisade/policies/policytest"
)

// BenchmarkTwenty decides the two "bench: ..." cases of the 20-rule policy
// (examples/twenty_test.yaml), the requests make bench and the plugin's
// BenchmarkDecision measure: "memo" with a ClaimsMemo, as the plugin
// decides for a cached token, "no-memo" reading the claims afresh each
// time. Run it inside wasm too, where a map lookup or a call costs what
// natively a dozen do:
//
//	GOWASIRUNTIME=wazero PATH=$PATH:$(go env GOROOT)/lib/wasm GOOS=wasip1 GOARCH=wasm \
//		go test -exec go_wasip1_wasm_exec -run '^$' -bench Twenty ./policies
func BenchmarkTwenty(b *testing.B) {
	p, f, err := policytest.LoadCases("examples/twenty_test.yaml")
	if err != nil {
		b.Fatal(err)
	}
	for _, bc := range []struct{ name, c string }{
		{"allow", "bench: a patient reads her own records"},
		{"deny", "bench: a patient may not read another patient's records"},
	} {
		var c *policytest.Case
		for i := range f.Cases {
			if f.Cases[i].Name == bc.c {
				c = &f.Cases[i]
			}
		}
		if c == nil {
			b.Fatalf("no case %q", bc.c)
		}
		for _, memo := range []bool{false, true} {
			name := bc.name + "/no-memo"
			if memo {
				name = bc.name + "/memo"
			}
			b.Run(name, func(b *testing.B) {
				r, err := c.Build()
				if err != nil {
					b.Fatal(err)
				}
				if memo {
					r.User.Memo = new(policies.ClaimsMemo)
				}
				want := c.Expect
				b.ReportAllocs()
				for b.Loop() {
					if d := p.Decide(r); d.Action.String() != want.Decision || p.RuleName(d) != want.Rule {
						b.Fatalf("%s: got %v %q, want %s %q", bc.c, d.Action, p.RuleName(d), want.Decision, want.Rule)
					}
				}
			})
		}
	}
}
