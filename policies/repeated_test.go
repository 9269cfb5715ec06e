package policies

import (
	"strings"
	"testing"
)

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

func TestRuleResponse(t *testing.T) {
	p, err := Compile([]byte(`{"default":"allow","rules":[{"name":"hide","action":"deny","match":{"paths":["/internal/**"]},
		"response":{"status":404,"body":"{\"error\":\"not_found\"}","headers":{"Content-Type":"application/json"}}}]}`), "policy")
	if err != nil {
		t.Fatal(err)
	}
	d := p.Decide(&Request{Method: "GET", Path: "/internal/x"})
	resp := p.Rules[d.Rule].Response
	if d.Action != Deny || resp == nil || resp.Status != 404 || resp.Body != `{"error":"not_found"}` || len(resp.Headers) != 1 || resp.Headers[0] != [2]string{"content-type", "application/json"} {
		t.Fatalf("decision %+v response %+v", d, resp)
	}
	for doc, want := range map[string]string{
		`{"rules":[{"name":"a","action":"allow","response":{"status":404}}]}`:                        `policy.rules[0].response (rule "a"): only a deny rule answers with a response`,
		`{"rules":[{"name":"a","action":"deny","response":{"status":200}}]}`:                         `policy.rules[0].response.status (rule "a"): must be an HTTP status from 300 to 599 (a deny never answers 2xx), not 200`,
		`{"rules":[{"name":"a","action":"deny","response":{"headers":{"x":"a\r\nset-cookie: s"}}}]}`: `policy.rules[0].response.headers.x (rule "a"): must be a header name with a string value without CR, LF or NUL`,
		`{"rules":[{"name":"a","action":"deny","response":{"headers":{"bad name":"v"}}}]}`:           `policy.rules[0].response.headers.bad name (rule "a"): must be a header name with a string value without CR, LF or NUL`,
		`{"rules":[{"name":"a","action":"deny","response":{"code":404}}]}`:                           `policy.rules[0].response.code (rule "a"): unknown field (a response has status, body and headers)`,
	} {
		if _, err := Compile([]byte(doc), "policy"); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want %s", doc, err, want)
		}
	}
}
