package policytest

import (
	"testing"

	"github.com/palisade-wasm/palisade/policies"
)

// TestLanguageExample runs the cases of examples/language_test.yaml, the
// tour of macros, presence, every value of a header, time and networks,
// so the example stays true.
func TestLanguageExample(t *testing.T) {
	p, f, err := LoadCases("../examples/language_test.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Cases) == 0 {
		t.Fatal("no cases")
	}
	for _, c := range f.Cases {
		r, err := c.Build()
		if err != nil {
			t.Fatal(err)
		}
		d := p.Decide(r)
		got := "deny"
		if d.Action == policies.Allow {
			got = "allow"
		}
		if got != c.Expect.Decision || p.RuleName(d) != c.Expect.Rule {
			t.Errorf("%s: %s by %q (%s), want %s by %q", c.Name, got, p.RuleName(d), d.Reason, c.Expect.Decision, c.Expect.Rule)
		}
	}
}

// TestExamplesWithMemos decides the cases of every example with claims
// memos as the plugin keeps them per token: a fresh memo, the same memo
// warm, and one memo pair for all the cases of a file (read again for each
// payload), against the decision without.
func TestExamplesWithMemos(t *testing.T) {
	for _, file := range []string{"language_test.yaml", "seed_test.yaml", "twenty_test.yaml"} {
		p, f, err := LoadCases("../examples/" + file)
		if err != nil {
			t.Fatal(err)
		}
		var sharedUser, sharedThing policies.ClaimsMemo
		for _, c := range f.Cases {
			r, err := c.Build()
			if err != nil {
				t.Fatal(err)
			}
			want := p.Decide(r)
			var user, thing policies.ClaimsMemo
			for _, m := range []struct {
				name        string
				user, thing *policies.ClaimsMemo
			}{{"cold", &user, &thing}, {"warm", &user, &thing}, {"shared", &sharedUser, &sharedThing}, {"shared warm", &sharedUser, &sharedThing}} {
				r.User.Memo, r.Thing.Memo = m.user, m.thing
				if got := p.Decide(r); got != want {
					t.Errorf("%s: %s: with a memo (%s) %+v, without %+v", file, c.Name, m.name, got, want)
				}
			}
		}
	}
}

// TestNowField: a case's request.now must be RFC 3339.
func TestNowField(t *testing.T) {
	c := Case{Name: "x", Request: RequestSpec{Now: "2026-01-01"}}
	if _, err := c.Build(); err == nil || err.Error() != `case "x": request.now: parsing time "2026-01-01" as "2006-01-02T15:04:05Z07:00": cannot parse "" as "T"` {
		t.Errorf("error %v", err)
	}
}
