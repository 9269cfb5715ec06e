package policies

import (
	"encoding/json"
	"testing"
)

// TestMacroErrors: what a person editing a policy reads for a macro
// Palisade refuses, pinned verbatim.
func TestMacroErrors(t *testing.T) {
	tests := []struct{ when, want string }{
		{`user.scope.all(user, user == "x")`, `policy.rules[0].when (rule "r"): 1:16: the variable of all() may not be named "user", which is an attribute; choose another name
 | user.scope.all(user, user == "x")
 | ...............^`},
		{`[1].exists(now, true)`, `policy.rules[0].when (rule "r"): 1:12: the variable of exists() may not be named "now", which is an attribute; choose another name
 | [1].exists(now, true)
 | ...........^`},
		{`user.scope.exists(s.x, true)`, `policy.rules[0].when (rule "r"): 1:19: the first argument of exists() must be a simple name
 | user.scope.exists(s.x, true)
 | ..................^`},
		{`user.scope.exists_one(s)`, `policy.rules[0].when (rule "r"): 1:12: exists_one() takes a variable and a condition, like list.exists_one(x, x > 0)
 | user.scope.exists_one(s)
 | ...........^`},
		{`request.method.all(c, true)`, `policy.rules[0].when (rule "r"): 1:16: expression of type string cannot be the range of all() (must be a list or a map)
 | request.method.all(c, true)
 | ...............^`},
		{`request.headers.exists(h, h == "x")`, `policy.rules[0].when (rule "r"): 1:17: exists() cannot range over the request's headers or parameters; test a name with "x" in request.headers
 | request.headers.exists(h, h == "x")
 | ................^`},
		{`user.scope.all(s, s)`, `policy.rules[0].when (rule "r"): 1:19: expected type bool but found string
 | user.scope.all(s, s)
 | ..................^`},
		{`user.scope.map(s, s)`, `policy.rules[0].when (rule "r"): 1:12: the map() macro is not supported yet
 | user.scope.map(s, s)
 | ...........^`},
		{`[1].exists(a, [1].exists(b, [1].exists(c, [1].exists(d, [1].exists(e, [1].exists(f, [1].exists(g, [1].exists(h, [1].exists(i, true)))))))))`,
			`policy.rules[0].when (rule "r"): 1:117: macros nested more than 8 deep
 | [1].exists(a, [1].exists(b, [1].exists(c, [1].exists(d, [1].exists(e, [1].exists(f, [1].exists(g, [1].exists(h, [1].exists(i, true)))))))))
 | ....................................................................................................................^`},
	}
	for _, tc := range tests {
		doc := `{"rules":[{"name":"r","action":"allow","when":` + jsonString(tc.when) + `}]}`
		if _, err := Compile([]byte(doc), "policy"); err == nil || err.Error() != tc.want {
			t.Errorf("%s:\n%v\nwant:\n%s", tc.when, err, tc.want)
		}
	}
}

// TestMacroVariables: variables live in slots by nesting depth; a
// sibling macro reuses its slot, a nested one never clobbers its
// parent's, and the innermost of two same-named variables is read.
func TestMacroVariables(t *testing.T) {
	r := fixture()
	for src, want := range map[string]string{
		`[1, 2].all(x, [10, 20].exists(y, y == x * 10))`:                                                          "",
		`[1, 2].all(x, [3].exists(y, y > x) && x < 3) && ["a"].exists(x, x == "a")`:                               "true",
		`[1, 2].exists(x, [5].all(x, x == 5) && x == 2)`:                                                          "true",
		`user.scope.exists(s, [s].exists(t, t == s) && s == "orders:write")`:                                      "true",
		`user.claims.authorization.permissions.exists(p, p.scopes.exists(s, p.rsid == "billing" && s == "read"))`: "true",
	} {
		e, err := compileExpr(src)
		if want == "" {
			if err == nil {
				t.Errorf("%s compiles", src)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", src, err)
			continue
		}
		if got := show(e(r)); got != want {
			t.Errorf("%s = %s, want %s", src, got, want)
		}
	}
}

// TestMacrosDoNotAllocate: exists over a claims array of objects and all
// over a string list read the token payload and the request in place.
func TestMacrosDoNotAllocate(t *testing.T) {
	p, err := Compile([]byte(`{"rules":[{"name":"r","action":"allow","when":`+
		jsonString(`user.claims.authorization.permissions.exists(p, p.rsid == "billing" && "read" in p.scopes) && user.scope.all(s, s.startsWith("orders:"))`)+`}]}`), "policy")
	if err != nil {
		t.Fatal(err)
	}
	r := fixture()
	if d := p.Decide(r); d.Action != Allow {
		t.Fatalf("decision %+v", d)
	}
	if n := testing.AllocsPerRun(100, func() { p.Decide(r) }); n != 0 {
		t.Errorf("%v allocations per decision", n)
	}
}

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// TestMacroBudget: nested macros over lists a request brings cannot run
// away: past 100,000 iterations in one decision the condition is an
// error, and a deny rule on it trips (fails closed); the budget is per
// decision, not per policy lifetime.
func TestMacroBudget(t *testing.T) {
	p, err := Compile([]byte(`{"default":"allow","rules":[{"name":"triples","action":"deny","when":`+
		jsonString(`request.headerValues["x"].exists(a, request.headerValues["x"].exists(b, request.headerValues["x"].exists(c, a == "1" && b == "2" && c == "3")))`)+`}]}`), "policy")
	if err != nil {
		t.Fatal(err)
	}
	many := func(n int) *Request {
		r := &Request{}
		for range n {
			r.Headers = append(r.Headers, [2]string{"x", "0"})
		}
		return r
	}
	tests := []struct {
		values int
		action Action
		reason string
	}{
		{10, Allow, "default"},          // 1,110 iterations
		{46, Allow, "default"},          // 99,498
		{47, Deny, "condition_error"},   // past 100,000
		{1000, Deny, "condition_error"}, // stops at the budget, not at 10^9
		{10, Allow, "default"},          // a new decision, a new budget
	}
	for _, tc := range tests {
		if d := p.Decide(many(tc.values)); d.Action != tc.action || d.Reason != tc.reason {
			t.Errorf("%d values: %v %s, want %v %s", tc.values, d.Action, d.Reason, tc.action, tc.reason)
		}
	}
}
