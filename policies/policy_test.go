package policies

import (
	"encoding/json"
	"os"
	"reflect"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// seedJSON is examples/seed.yaml in the JSON form the plugin reads.
func seedJSON(t testing.TB) []byte {
	b, err := os.ReadFile("examples/seed.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var v any
	if err := yaml.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	j, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return j
}

func seedPolicy(t testing.TB) *Policy {
	t.Helper()
	p, err := Compile(seedJSON(t), "policy")
	if err != nil {
		t.Fatalf("Compile: %v", err)
	}
	return p
}

const (
	payments = "spiffe://shop.example/ns/payments/sa/payments"
	reco     = "spiffe://video.example/ns/reco/sa/recommendation"
	delivery = "spiffe://video.example/ns/delivery/sa/delivery"
)

// The seed examples of DESIGN.md, as golden decisions.
func TestSeedExamples(t *testing.T) {
	p := seedPolicy(t)
	user := func(sub string, claims string) Principal {
		return Principal{Authenticated: true, Subject: sub, Claims: []byte(claims)}
	}
	tests := []struct {
		name    string
		method  string
		path    string
		user    Principal
		service string
		thing   string
		action  Action
		rule    string
		reason  string
	}{
		{"payments service reads payments", "GET", "/payments/2024/inv-7", Principal{}, payments, "", Allow, "payments-read-by-payments-service", "rule"},
		{"another service may not", "GET", "/payments/2024/inv-7", Principal{}, reco, "", Deny, "", "default"},
		{"payments service may not write", "POST", "/payments/2024", Principal{}, payments, "", Deny, "", "default"},
		{"alice reads her orders", "GET", "/customers/alice/orders/7", user("alice", `{}`), "", "", Allow, "customer-reads-own-orders", "rule"},
		{"alice may not read bob's", "GET", "/customers/bob/orders/7", user("alice", `{}`), "", "", Deny, "", "default"},
		{"anonymous may not", "GET", "/customers/alice/orders", Principal{}, "", "", Deny, "", "default"},
		{"history for its user", "GET", "/users/alice/history/2024", user("alice", `{}`), "", "", Allow, "history-for-its-user-and-recommendations", "rule"},
		{"history for recommendations", "GET", "/users/alice/history", Principal{}, reco, "", Allow, "history-for-its-user-and-recommendations", "rule"},
		{"history never for delivery, even with the user's token", "GET", "/users/alice/history", user("alice", `{}`), delivery, "", Deny, "history-never-to-video-delivery", "rule"},
		{"clinician on a compliant device", "GET", "/records/42", user("dr-who", `{"roles":["clinician"]}`), "", `{"compliant":true}`, Allow, "records-for-clinicians-on-compliant-devices", "rule"},
		{"clinician on a non-compliant device", "GET", "/records/42", user("dr-who", `{"roles":["clinician"]}`), "", `{"compliant":false}`, Deny, "", "default"},
		{"clinician without a device token", "GET", "/records/42", user("dr-who", `{"roles":["clinician"]}`), "", `{}`, Deny, "", "default"},
		{"staff on a compliant device", "GET", "/records/42", user("nurse", `{"roles":["staff"]}`), "", `{"compliant":true}`, Deny, "", "default"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := &Request{Method: tc.method, Path: tc.path, User: tc.user,
				Service: Service{Authenticated: tc.service != "", ID: tc.service},
				Thing:   Principal{Authenticated: tc.thing != "", Claims: []byte(tc.thing)}}
			d := p.Decide(r)
			if d.Action != tc.action || p.RuleName(d) != tc.rule || d.Reason != tc.reason {
				t.Errorf("got %v by %q (%s), want %v by %q (%s)", d.Action, p.RuleName(d), d.Reason, tc.action, tc.rule, tc.reason)
			}
			if strings.HasPrefix(tc.path, "/records/") != (d.Audited != 0) {
				t.Errorf("audited = %b", d.Audited)
			}
		})
	}
}

func TestCombining(t *testing.T) {
	doc := func(combining string) []byte {
		return []byte(`{"combining":"` + combining + `","rules":[
			{"name":"allow-a","action":"allow","match":{"paths":["/a/**"]}},
			{"name":"deny-a-b","action":"deny","match":{"paths":["/a/b"]}},
			{"name":"deny-broken","action":"deny","match":{"paths":["/c"]},"when":"user.claims.missing == 1"},
			{"name":"allow-c","action":"allow","match":{"paths":["/c"]}}]}`)
	}
	tests := []struct {
		combining, path string
		action          Action
		rule, reason    string
	}{
		{"deny-overrides", "/a/b", Deny, "deny-a-b", "rule"},
		{"deny-overrides", "/a/x", Allow, "allow-a", "rule"},
		{"deny-overrides", "/c", Deny, "deny-broken", "condition_error"},
		{"deny-overrides", "/z", Deny, "", "default"},
		{"first-applicable", "/a/b", Allow, "allow-a", "rule"},
		{"first-applicable", "/c", Deny, "deny-broken", "condition_error"},
		{"permit-overrides", "/a/b", Allow, "allow-a", "rule"},
		{"permit-overrides", "/c", Allow, "allow-c", "rule"},
	}
	for _, tc := range tests {
		p, err := Compile(doc(tc.combining), "policy")
		if err != nil {
			t.Fatal(err)
		}
		d := p.Decide(&Request{Method: "GET", Path: tc.path})
		if d.Action != tc.action || p.RuleName(d) != tc.rule || d.Reason != tc.reason {
			t.Errorf("%s %s: got %v by %q (%s), want %v by %q (%s)", tc.combining, tc.path, d.Action, p.RuleName(d), d.Reason, tc.action, tc.rule, tc.reason)
		}
	}
}

func TestTemplates(t *testing.T) {
	tests := []struct {
		tmpl, path string
		ok         bool
		params     string
	}{
		{"/", "/", true, ""},
		{"/a", "/a", true, ""},
		{"/a", "/a/", false, ""},
		{"/a", "/b", false, ""},
		{"/a/*", "/a/x", true, ""},
		{"/a/*", "/a", false, ""},
		{"/a/*", "/a/x/y", false, ""},
		{"/a/**", "/a", true, ""},
		{"/a/**", "/a/x/y", true, ""},
		{"/a/**", "/ab", false, ""},
		{"/c/{id}/o/**", "/c/42/o/7", true, "id=42"},
		{"/c/{id}/o/{o}", "/c/42/o/7", true, "id=42,o=7"},
		{"/c/{id}", "/c/", false, ""},
	}
	for _, tc := range tests {
		tp, err := compileTemplate(tc.tmpl, false)
		if err != nil {
			t.Fatal(err)
		}
		r := &Request{}
		ok := tp.match(tc.path, r)
		var ps []string
		for _, p := range r.params[:r.nparam] {
			ps = append(ps, p[0]+"="+p[1])
		}
		if ok != tc.ok || ok && strings.Join(ps, ",") != tc.params {
			t.Errorf("%s ~ %s: %v %v, want %v %s", tc.tmpl, tc.path, ok, ps, tc.ok, tc.params)
		}
	}
}

// Errors for people: the rule, the field, line and column, a caret.
func TestCompileErrors(t *testing.T) {
	doc := `{"rules":[
	{"name":"r1","action":"allow","when":"user.sub == "},
	{"name":"r2","action":"permit"},
	{"name":"r3","action":"allow","when":"request.method == 1"},
	{"name":"r4","action":"allow","match":{"paths":["/a/**/b"]}},
	{"name":"r5","action":"allow","when":"request.path"}]}`
	_, err := Compile([]byte(doc), "policy")
	want := `policy.rules[0].when (rule "r1"): 1:13: unexpected end of expression, expected a value
 | user.sub == 
 | ............^
policy.rules[1].action (rule "r2"): must be allow, deny or audit, not "permit"
policy.rules[2].when (rule "r3"): 1:16: found no matching overload for _==_ applied to (string, int)
 | request.method == 1
 | ...............^
policy.rules[3].match.paths[0] (rule "r4"): 1:4: ** may only end a path template (it matches the rest of the path)
 | /a/**/b
 | ...^
policy.rules[4].when (rule "r5"): 1:1: a condition must be a bool, not string
 | request.path
 | ^`
	if err == nil || err.Error() != want {
		t.Errorf("errors:\n%v\nwant:\n%s", err, want)
	}
}

func TestDecideDoesNotAllocate(t *testing.T) {
	p := seedPolicy(t)
	r := &Request{Method: "GET", Path: "/records/42", User: Principal{Authenticated: true, Subject: "dr", Claims: []byte(`{"roles":["clinician"]}`)},
		Thing: Principal{Authenticated: true, Claims: []byte(`{"compliant":true}`)}}
	if n := testing.AllocsPerRun(100, func() { p.Decide(r) }); n != 0 {
		t.Errorf("Decide allocates %v times", n)
	}
}

func TestExplain(t *testing.T) {
	p := seedPolicy(t)
	r := &Request{Method: "GET", Path: "/records/42", User: Principal{Authenticated: true, Subject: "dr", Claims: []byte(`{"roles":["clinician"]}`)},
		Thing: Principal{Claims: []byte(`{"compliant":false}`)}}
	traces, d := p.Explain(r)
	if d.Action != Deny || d.Reason != "default" {
		t.Errorf("decision %+v", d)
	}
	tr := traces[4]
	want := []ClauseTrace{{"'clinician' in user.claims.roles", "true"}, {"thing.claims.compliant == true", "false"}}
	if tr.Name != "records-for-clinicians-on-compliant-devices" || !tr.Matched || tr.Condition != "false" || !reflect.DeepEqual(tr.Clauses, want) {
		t.Errorf("trace %+v", tr)
	}
	if traces[0].Matched {
		t.Errorf("payments rule matched /records/42")
	}
}

func TestWarnings(t *testing.T) {
	p, err := Compile([]byte(`{"combining":"first-applicable","rules":[
		{"name":"always","action":"allow","when":"1 == 1"},
		{"name":"everything","action":"deny"},
		{"name":"never-reached","action":"allow","match":{"paths":["/x"]}}]}`), "policy")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		`rule "always": its condition does not depend on the request (always true)`,
		`rule "everything" applies to every request: the rules after it are unreachable`,
	}
	if got := p.Warnings(); !reflect.DeepEqual(got, want) {
		t.Errorf("warnings %q", got)
	}
}
