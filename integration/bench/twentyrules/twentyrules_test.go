package twentyrules

import (
	"context"
	"testing"

	"github.com/palisade-wasm/palisade/integration/bench/seedpolicy"
	"github.com/palisade-wasm/palisade/policies"
	"github.com/palisade-wasm/palisade/policies/policytest"
)

// twentyCases is policies/examples/twenty_test.yaml, read from the
// repository so that every engine is held to the cases Palisade's
// `palisade policy test` runs.
const twentyCases = "../../../policies/examples/twenty_test.yaml"

type engine struct {
	name string
	d    seedpolicy.Decider
}

// engines builds every engine on the 20-rule policy, Palisade's from
// twenty.yaml, and returns the cases.
func engines(t testing.TB) ([]policytest.Case, []engine) {
	t.Helper()
	p, f, err := policytest.LoadCases(twentyCases)
	if err != nil {
		t.Fatal(err)
	}
	opa, err := NewOPA(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	ced, err := NewCedar()
	if err != nil {
		t.Fatal(err)
	}
	cl, err := NewCEL()
	if err != nil {
		t.Fatal(err)
	}
	return f.Cases, []engine{{"palisade", seedpolicy.NewPalisade(p)}, {"opa", opa}, {"cedar-go", ced}, {"cel-go", cl}}
}

// TestSameDecisions holds every engine, Palisade included, to each case's
// expected decision and deciding rule: the alternatives are benchmarked
// only because they decide the policy as Palisade does.
func TestSameDecisions(t *testing.T) {
	cases, es := engines(t)
	for _, c := range cases {
		if c.Expect.Decision != "allow" && c.Expect.Decision != "deny" {
			t.Fatalf("%s: case expects %q", c.Name, c.Expect.Decision)
		}
		want := seedpolicy.Decision{Allow: c.Expect.Decision == "allow", Rule: c.Expect.Rule}
		for _, e := range es {
			t.Run(c.Name+"/"+e.name, func(t *testing.T) {
				r, err := c.Build()
				if err != nil {
					t.Fatal(err)
				}
				got, err := e.d.Decide(r)
				if err != nil {
					t.Fatal(err)
				}
				if got != want {
					t.Errorf("got %+v, want %+v", got, want)
				}
			})
		}
	}
}

// TestCasesCoverEveryRule checks the case file itself: each of the twenty
// rules decides at least one case, and each is also met by a case it does
// not decide, as issue #5 asks (an allow rule and a deny for it).
func TestCasesCoverEveryRule(t *testing.T) {
	p, f, err := policytest.LoadCases(twentyCases)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Rules) != 20 {
		t.Fatalf("twenty.yaml has %d rules", len(p.Rules))
	}
	decides := map[string]int{}
	for _, c := range f.Cases {
		decides[c.Expect.Rule]++
	}
	for _, rule := range p.Rules {
		if decides[rule.Name] == 0 {
			t.Errorf("no case decided by %s", rule.Name)
		}
	}
	if n := len(f.Cases); n < 2*len(p.Rules) {
		t.Errorf("%d cases, want at least two per rule", n)
	}
	if decides[""] < 10 {
		t.Errorf("%d cases denied by default, want at least 10", decides[""])
	}
}

// benchCase returns the case named name, a request make bench measures.
func benchCase(t testing.TB, cases []policytest.Case, name string) (*policies.Request, seedpolicy.Decision) {
	t.Helper()
	for _, c := range cases {
		if c.Name == name {
			r, err := c.Build()
			if err != nil {
				t.Fatal(err)
			}
			return r, seedpolicy.Decision{Allow: c.Expect.Decision == "allow", Rule: c.Expect.Rule}
		}
	}
	t.Fatalf("%s: no case %q", twentyCases, name)
	return nil, seedpolicy.Decision{}
}
