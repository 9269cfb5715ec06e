package policies

import "testing"

// TestRepeatedValues: a header or query parameter sent several times has
// no single value; a rule reading one fails closed, whichever value an
// attacker put first or last (Envoy CVE-2021-32777).
func TestRepeatedValues(t *testing.T) {
	p, err := Compile([]byte(`{"default":"deny","rules":[
		{"name":"deny-debug","action":"deny","when":"request.headers[\"x-debug\"] == \"1\""},
		{"name":"tenant-a","action":"allow","when":"request.headers[\"x-tenant\"] == \"a\" && request.query[\"view\"] == \"summary\""}]}`), "policy")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		headers [][2]string
		query   string
		allow   bool
		reason  string
	}{
		{"single values", [][2]string{{"x-debug", "0"}, {"x-tenant", "a"}}, "view=summary", true, "rule"},
		{"tenant twice, a first", [][2]string{{"x-debug", "0"}, {"x-tenant", "a"}, {"x-tenant", "b"}}, "view=summary", false, "default"},
		{"tenant twice, a last", [][2]string{{"x-debug", "0"}, {"x-tenant", "b"}, {"x-tenant", "a"}}, "view=summary", false, "default"},
		{"parameter twice", [][2]string{{"x-debug", "0"}, {"x-tenant", "a"}}, "view=summary&view=full", false, "default"},
		{"debug twice trips the deny", [][2]string{{"x-tenant", "a"}, {"x-debug", "0"}, {"x-debug", "1"}}, "view=summary", false, "condition_error"},
		{"debug once, not 1", [][2]string{{"x-tenant", "a"}, {"x-debug", "0"}}, "view=summary", true, "rule"},
	}
	for _, tc := range tests {
		d := p.Decide(&Request{Method: "GET", Path: "/", Headers: tc.headers, Query: tc.query})
		if (d.Action == Allow) != tc.allow || d.Reason != tc.reason {
			t.Errorf("%s: %v %s, want allow=%v %s", tc.name, d.Action, d.Reason, tc.allow, tc.reason)
		}
	}
}

// TestRouteMatch: rules select on the Envoy route name, and the policy
// says it needs it (the plugin reads xds.route_name only then).
func TestRouteMatch(t *testing.T) {
	p, err := Compile([]byte(`{"default":"deny","rules":[{"name":"public","action":"allow","match":{"routes":["public-api"]}}]}`), "policy")
	if err != nil {
		t.Fatal(err)
	}
	if !p.Uses("route") {
		t.Error("Uses(route) = false")
	}
	for route, allow := range map[string]bool{"public-api": true, "admin-api": false, "": false, "Public-API": false} {
		if d := p.Decide(&Request{Method: "GET", Path: "/", Route: route}); (d.Action == Allow) != allow {
			t.Errorf("route %q: %v", route, d.Action)
		}
	}
	q, _ := Compile([]byte(`{"rules":[{"name":"r","action":"allow"}]}`), "policy")
	if q.Uses("route") {
		t.Error("a policy without routes uses them")
	}
}
