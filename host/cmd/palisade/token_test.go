package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const testKey = "../../../plugin/jwt/testdata/p256.pem"

func runCmd(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(args, &out, &errb)
	return code, out.String(), errb.String()
}

// palisade token sign, jwks and verify together: what the first makes,
// the third verifies with the second's keys, exactly as the plugin would.
func TestTokenCommand(t *testing.T) {
	dir := t.TempDir()
	code, jwks, errs := runCmd(t, "token", "jwks", "-key", testKey, "-kid", "demo")
	if code != 0 {
		t.Fatalf("jwks: %d %s", code, errs)
	}
	cfg := `{"providers":[{"name":"demo","issuer":"https://idp.demo","audiences":["app"],"local_jwks":` + jwks + `}]}`
	cfgPath := filepath.Join(dir, "plugin.json")
	os.WriteFile(cfgPath, []byte(cfg), 0o600)

	mint := func(extra ...string) string {
		args := append([]string{"token", "sign", "-key", testKey, "-kid", "demo", "-iss", "https://idp.demo", "-sub", "alice", "-aud", "app"}, extra...)
		code, tok, errs := runCmd(t, args...)
		if code != 0 {
			t.Fatalf("sign: %d %s", code, errs)
		}
		return strings.TrimSpace(tok)
	}
	tests := []struct {
		name  string
		token string
		args  []string
		code  int
		out   string
	}{
		{name: "valid", token: mint("-claim", `roles=["clinician"]`), code: 0, out: "valid\nprovider: demo\n"},
		{name: "expired", token: mint("-ttl", "-2h"), code: 1, out: "invalid: expired\n"},
		{name: "valid in the past", token: mint("-ttl", "-2h"), args: []string{"--now", "1"}, code: 1, out: "invalid: issued_in_future\n"},
		{name: "tampered", token: mint()[:20] + "x" + mint()[21:], code: 1, out: "invalid: "},
		{name: "garbage", token: "abc", code: 1, out: "invalid: token_malformed\n"},
		{name: "wrong audience", token: mint("-aud", "other"), code: 1, out: "invalid: wrong_audience\n"},
		{name: "claims as JSON", token: mint("-claims", `{"iat":1900000000,"exp":2000000000,"scope":"a b"}`), args: []string{"--now", "1950000000"}, code: 0, out: "valid\nprovider: demo\n"},
		{name: "claims as JSON, after their exp", token: mint("-claims", `{"iat":1900000000,"exp":2000000000}`), args: []string{"--now", "2000000100"}, code: 1, out: "invalid: expired\n"},
	}
	for _, bad := range []string{`[1]`, `null`, `{"exp":`} {
		code, _, errs := runCmd(t, "token", "sign", "-key", testKey, "-claims", bad)
		if code != 2 || errs != "palisade token sign: -claims: must be a JSON object\n" {
			t.Errorf("sign -claims %s: exit %d, stderr %q", bad, code, errs)
		}
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"token", "verify", "--config", cfgPath}, tc.args...)
			code, out, errs := runCmd(t, append(args, tc.token)...)
			if code != tc.code || !strings.HasPrefix(out, tc.out) {
				t.Errorf("exit %d, output %q (stderr %q); want %d and %q", code, out, errs, tc.code, tc.out)
			}
			if tc.code == 0 && !strings.Contains(out, `"sub": "alice"`) {
				t.Errorf("claims not printed: %s", out)
			}
		})
	}
}

// token verify never fetches: a provider with remote_jwks, with or without
// OIDC discovery, is verified with the key set given by -jwks, and without
// one the answer is the plugin's jwks_unavailable.
func TestTokenVerifyDiscoveryProvider(t *testing.T) {
	dir := t.TempDir()
	_, jwks, _ := runCmd(t, "token", "jwks", "-key", testKey, "-kid", "demo")
	jwksPath, cfgPath := filepath.Join(dir, "jwks.json"), filepath.Join(dir, "plugin.json")
	os.WriteFile(jwksPath, []byte(jwks), 0o600)
	os.WriteFile(cfgPath, []byte(`{"providers":[{"name":"demo","issuer":"https://idp.demo/realms/a","audiences":["app"],
		"remote_jwks":{"cluster":"idp","discovery":{"jwks_clusters":[{"origin":"https://keys.idp.demo","cluster":"keys"}]}}}]}`), 0o600)
	_, tok, _ := runCmd(t, "token", "sign", "-key", testKey, "-kid", "demo", "-iss", "https://idp.demo/realms/a", "-sub", "alice", "-aud", "app")
	tok = strings.TrimSpace(tok)
	if code, out, errs := runCmd(t, "token", "verify", "--config", cfgPath, "--jwks", jwksPath, tok); code != 0 || !strings.HasPrefix(out, "valid\nprovider: demo\n") {
		t.Errorf("with -jwks: exit %d, %q %q", code, out, errs)
	}
	if code, out, _ := runCmd(t, "token", "verify", "--config", cfgPath, tok); code != 1 || out != "invalid: jwks_unavailable\n" {
		t.Errorf("without -jwks: exit %d, %q", code, out)
	}
}
