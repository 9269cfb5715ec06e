package twentyrules

import "testing"

// BenchmarkTwentyRules decides the 20-rule policy with Palisade and with
// each alternative, for the two "bench: ..." cases of twenty_test.yaml: a
// patient reading her own records (allowed by rule 17) and another
// patient's (no rule applies: the default denies). Every engine gets the
// request as a filter has it, the token payload as JSON, its conversion
// included.
func BenchmarkTwentyRules(b *testing.B) {
	cases, es := engines(b)
	for _, e := range es {
		for _, bc := range []struct{ name, casename string }{
			{"allow", "bench: a patient reads her own records"},
			{"deny", "bench: a patient may not read another patient's records"},
		} {
			b.Run(e.name+"/"+bc.name, func(b *testing.B) {
				r, want := benchCase(b, cases, bc.casename)
				b.ReportAllocs()
				for b.Loop() {
					if d, err := e.d.Decide(r); err != nil || d != want {
						b.Fatal(d, err)
					}
				}
			})
		}
	}
}
