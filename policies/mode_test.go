package policies

import (
	"strings"
	"testing"
)

// TestRuleModeAudit is the roll-out of a new deny rule: in audit mode it
// changes no decision, and each decision says what it would have done.
func TestRuleModeAudit(t *testing.T) {
	doc := func(combining string) []byte {
		return []byte(`{"combining":"` + combining + `","default":"deny","rules":[
			{"name":"orders","action":"allow","match":{"paths":["/orders/**"]}},
			{"name":"new-no-bulk-export","action":"deny","mode":"audit","match":{"paths":["/orders/export"]}},
			{"name":"new-broken","action":"deny","mode":"audit","match":{"paths":["/orders/broken"]},"when":"user.claims.missing == 1"},
			{"name":"new-public","action":"allow","mode":"audit","match":{"paths":["/public/**"]}},
			{"name":"new-public-too","action":"allow","mode":"audit","match":{"paths":["/public/**"]}}]}`)
	}
	tests := []struct {
		combining, path string
		action          Action
		rule            string
		shadowRule      string
		shadowAction    Action
		shadowReason    string
	}{
		{"deny-overrides", "/orders/7", Allow, "orders", "", 0, ""},
		{"deny-overrides", "/orders/export", Allow, "orders", "new-no-bulk-export", Deny, "rule"},
		{"deny-overrides", "/orders/broken", Allow, "orders", "new-broken", Deny, "condition_error"},
		// Denied anyway (by the default): the rule would have decided all
		// the same, and says so; only the first of two would have.
		{"deny-overrides", "/public/x", Deny, "", "new-public", Allow, "rule"},
		{"deny-overrides", "/other", Deny, "", "", 0, ""},
		// The allow comes first: first-applicable would not reach the deny.
		{"first-applicable", "/orders/export", Allow, "orders", "", 0, ""},
		{"permit-overrides", "/orders/export", Allow, "orders", "", 0, ""},
	}
	for _, tc := range tests {
		p, err := Compile(doc(tc.combining), "policy")
		if err != nil {
			t.Fatal(err)
		}
		d := p.Decide(&Request{Method: "GET", Path: tc.path})
		if d.Action != tc.action || p.RuleName(d) != tc.rule {
			t.Errorf("%s %s: decided %v by %q, want %v by %q", tc.combining, tc.path, d.Action, p.RuleName(d), tc.action, tc.rule)
		}
		if p.ShadowRuleName(d) != tc.shadowRule || tc.shadowRule != "" && (d.ShadowAction != tc.shadowAction || d.ShadowReason != tc.shadowReason) {
			t.Errorf("%s %s: audit mode %q would %v (%s), want %q would %v (%s)", tc.combining, tc.path,
				p.ShadowRuleName(d), d.ShadowAction, d.ShadowReason, tc.shadowRule, tc.shadowAction, tc.shadowReason)
		}
	}
}

func TestRuleModeErrors(t *testing.T) {
	tests := []struct{ doc, want string }{
		{`{"rules":[{"name":"a","action":"deny","mode":"dry-run"}]}`, `policy.rules[0].mode (rule "a"): must be enforce or audit, not "dry-run"`},
		{`{"rules":[{"name":"a","action":"deny","mode":true}]}`, `policy.rules[0].mode (rule "a"): must be enforce or audit, not true`},
		{`{"rules":[{"name":"a","action":"audit","mode":"audit"}]}`, "policy.rules[0].mode (rule \"a\"): an audit rule never decides: mode audit is for allow and deny rules"},
	}
	for _, tc := range tests {
		if _, err := Compile([]byte(tc.doc), "policy"); err == nil || err.Error() != tc.want {
			t.Errorf("%s: %v, want %s", tc.doc, err, tc.want)
		}
	}
	for _, ok := range []string{
		`{"rules":[{"name":"a","action":"audit","mode":"enforce"}]}`,
		`{"rules":[{"name":"a","action":"deny","mode":"enforce"}]}`,
	} {
		if _, err := Compile([]byte(ok), "policy"); err != nil {
			t.Errorf("%s: %v", ok, err)
		}
	}
}

func TestRuleModeExplain(t *testing.T) {
	p, err := Compile([]byte(`{"rules":[{"name":"try","action":"deny","mode":"audit"},{"name":"all","action":"allow"}]}`), "policy")
	if err != nil {
		t.Fatal(err)
	}
	traces, d := p.Explain(&Request{Method: "GET", Path: "/"})
	if traces[0].Mode != ModeAudit || traces[1].Mode != ModeEnforce || d.Action != Allow || p.ShadowRuleName(d) != "try" || d.ShadowAction != Deny {
		t.Errorf("traces %+v decision %+v", traces, d)
	}
	// Unconditional, but in audit mode: it denies nothing yet.
	if w := strings.Join(p.Warnings(), "\n"); w != `rule "try" denies every request once enforced (it is in audit mode)` {
		t.Errorf("warnings %q", w)
	}
}
