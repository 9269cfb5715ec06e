package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const seedCases = "../../../policies/examples/seed_test.yaml"

func TestPolicyCommand(t *testing.T) {
	code, out, errs := runCmd(t, "policy", "check", "../../../policies/examples/seed.yaml")
	if code != 0 || out != "../../../policies/examples/seed.yaml: ok: 6 rules, deny-overrides, default deny\n" {
		t.Errorf("check: %d %q %q", code, out, errs)
	}
	code, out, _ = runCmd(t, "policy", "test", seedCases)
	if code != 0 || out != "ok\t"+seedCases+"\t8 cases\n" {
		t.Errorf("test: %d %q", code, out)
	}
	code, out, _ = runCmd(t, "policy", "explain", seedCases, "alice may not read bob's orders")
	if code != 0 || !strings.Contains(out, "allow  customer-reads-own-orders                     condition false") ||
		!strings.Contains(out, "decision: deny by the default") {
		t.Errorf("explain: %d\n%s", code, out)
	}
}

func TestPolicyTestFailures(t *testing.T) {
	dir := t.TempDir()
	seed, _ := os.ReadFile("../../../policies/examples/seed.yaml")
	os.WriteFile(filepath.Join(dir, "p.yaml"), seed, 0o600)
	os.WriteFile(filepath.Join(dir, "cases.yaml"), []byte(`policy: p.yaml
cases:
  - name: wrong expectation
    request: {method: GET, path: /customers/bob/orders/7}
    user: {sub: alice}
    expect: {decision: allow, rule: customer-reads-own-orders}
`), 0o600)
	code, out, _ := runCmd(t, "policy", "test", filepath.Join(dir, "cases.yaml"))
	want := "--- FAIL: wrong expectation\n    got deny by the default, want allow by rule customer-reads-own-orders\nFAIL\t" + filepath.Join(dir, "cases.yaml") + "\t1 of 1 cases failed\n"
	if code != 1 || out != want {
		t.Errorf("exit %d, output:\n%s\nwant:\n%s", code, out, want)
	}
	os.WriteFile(filepath.Join(dir, "bad.yaml"), []byte("rules:\n  - name: r\n    action: allow\n    when: user.sub ==\n"), 0o600)
	code, _, errs := runCmd(t, "policy", "check", filepath.Join(dir, "bad.yaml"))
	if code != 1 || !strings.Contains(errs, `policy.rules[0].when (rule "r"): 1:12: unexpected end of expression, expected a value`) {
		t.Errorf("check of a bad policy: %d %q", code, errs)
	}
}

func TestImportIstio(t *testing.T) {
	dir := t.TempDir()
	f := filepath.Join(dir, "policy.yaml")
	doc := "apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata: {name: a, namespace: foo}\n" +
		"spec:\n  rules:\n  - to: [{operation: {methods: [GET], ports: [\"80\"]}}]\n"
	if err := os.WriteFile(f, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	var out, errb strings.Builder
	if code := run([]string{"import", "istio", f}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	if !strings.Contains(out.String(), `"default": "deny"`) || !strings.Contains(errb.String(), "note: AuthorizationPolicy foo/a rules[0]: ports not converted") {
		t.Fatalf("stdout:\n%s\nstderr:\n%s", out.String(), errb.String())
	}
	if code := run([]string{"import", "istio", filepath.Join(dir, "missing.yaml")}, &out, &errb); code != 1 {
		t.Fatalf("missing file: exit %d", code)
	}
	if code := run([]string{"import", "envoy"}, &out, &errb); code != 2 {
		t.Fatalf("unknown source: exit %d", code)
	}
}

// TestPolicyAuditMode: check and explain show which rules are in audit
// mode and what one would have decided.
func TestPolicyAuditMode(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "p.yaml"), []byte(`rules:
  - name: orders
    action: allow
    match: {paths: ["/orders/**"]}
  - name: no-bulk-export
    action: deny
    mode: audit
    match: {paths: ["/orders/export"]}
`), 0o600)
	os.WriteFile(filepath.Join(dir, "cases.yaml"), []byte(`policy: p.yaml
cases:
  - name: export
    request: {method: GET, path: /orders/export}
    expect: {decision: allow, rule: orders}
`), 0o600)
	code, out, errs := runCmd(t, "policy", "check", filepath.Join(dir, "p.yaml"))
	if want := filepath.Join(dir, "p.yaml") + ": ok: 2 rules (1 in audit mode: no-bulk-export), deny-overrides, default deny\n"; code != 0 || out != want {
		t.Errorf("check: %d %q %q, want %q", code, out, errs, want)
	}
	code, out, errs = runCmd(t, "policy", "explain", filepath.Join(dir, "cases.yaml"))
	want := `export: GET /orders/export
  allow  orders                                        applies
  deny   no-bulk-export                                applies (audit mode: decides nothing)
  decision: allow by rule orders
  audit mode: rule no-bulk-export would deny
`
	if code != 0 || out != want {
		t.Errorf("explain: %d %q\n%s\nwant:\n%s", code, errs, out, want)
	}
	os.WriteFile(filepath.Join(dir, "bad.yaml"), []byte("rules:\n  - name: r\n    action: deny\n    mode: shadow\n"), 0o600)
	code, _, errs = runCmd(t, "policy", "check", filepath.Join(dir, "bad.yaml"))
	if code != 1 || !strings.Contains(errs, `policy.rules[0].mode (rule "r"): must be enforce or audit, not "shadow"`) {
		t.Errorf("check of an unknown mode: %d %q", code, errs)
	}
}
