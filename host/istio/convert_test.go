package istio

import (
	"strings"
	"testing"

	"github.com/palisade-wasm/palisade/plugin/config"
	"github.com/palisade-wasm/palisade/policies"
	"github.com/tidwall/gjson"
)

// convert converts docs and checks the result is a configuration the
// plugin accepts; it returns the compiled policy and the notes.
func convert(t *testing.T, docs string) (*policies.Policy, []string, string) {
	t.Helper()
	r, err := Convert([]byte(docs))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := config.Parse(r.Config); err != nil {
		t.Fatalf("plugin refuses the converted configuration: %v\n%s", err, r.Config)
	}
	doc := gjson.GetBytes(r.Config, "policy")
	if !doc.Exists() {
		return nil, r.Notes, string(r.Config)
	}
	p, err := policies.Compile([]byte(doc.Raw), "policy")
	if err != nil {
		t.Fatalf("policy: %v\n%s", err, doc.Raw)
	}
	return p, r.Notes, string(r.Config)
}

func svc(ns, sa string) policies.Service {
	return policies.Service{Authenticated: true, ID: "spiffe://cluster.local/ns/" + ns + "/sa/" + sa, TrustDomain: "cluster.local", Namespace: ns, ServiceAccount: sa}
}

func user(iss, sub, claims string) policies.Principal {
	return policies.Principal{Authenticated: true, Issuer: iss, Subject: sub, Audience: []string{"orders"}, Claims: []byte(claims)}
}

type decision struct {
	name  string
	req   policies.Request
	allow bool
}

func check(t *testing.T, p *policies.Policy, cases []decision) {
	t.Helper()
	for _, c := range cases {
		r := c.req
		if r.Method == "" {
			r.Method = "GET"
		}
		if r.Path == "" {
			r.Path = "/"
		}
		d := p.Decide(&r)
		if got := d.Action == policies.Allow; got != c.allow {
			t.Errorf("%s: allow = %v (rule %q, %s), want %v", c.name, got, p.RuleName(d), d.Reason, c.allow)
		}
	}
}

// The examples follow the shapes of Istio's authorization documentation:
// what each request must come to is Istio's documented behaviour.

func TestAllowServiceAccountAndMethods(t *testing.T) {
	p, notes, _ := convert(t, `
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: httpbin, namespace: foo}
spec:
  action: ALLOW
  rules:
  - from:
    - source:
        principals: ["cluster.local/ns/default/sa/curl"]
    - source:
        namespaces: ["dev"]
    to:
    - operation:
        methods: ["GET"]
        paths: ["/info*"]
    - operation:
        methods: ["POST"]
        paths: ["/data"]
    when:
    - key: request.auth.claims[iss]
      values: ["https://accounts.google.com"]
`)
	if len(notes) != 0 {
		t.Errorf("notes: %q", notes)
	}
	google := user("https://accounts.google.com", "alice", `{"iss":"https://accounts.google.com"}`)
	check(t, p, []decision{
		{"curl GET /info with a Google token", policies.Request{Path: "/info/x", Service: svc("default", "curl"), User: google}, true},
		{"dev namespace POST /data", policies.Request{Method: "POST", Path: "/data", Service: svc("dev", "any"), User: google}, true},
		{"curl POST /info", policies.Request{Method: "POST", Path: "/info", Service: svc("default", "curl"), User: google}, false},
		{"curl without a token", policies.Request{Path: "/info", Service: svc("default", "curl")}, false},
		{"another service", policies.Request{Path: "/info", Service: svc("default", "other"), User: google}, false},
		{"no peer identity", policies.Request{Path: "/info", User: google}, false},
		{"token of another issuer", policies.Request{Path: "/info", Service: svc("default", "curl"), User: user("https://evil", "a", `{"iss":"https://evil"}`)}, false},
	})
}

func TestDenyOverridesAllow(t *testing.T) {
	p, _, _ := convert(t, `
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: deny-admin, namespace: foo}
spec:
  action: DENY
  rules:
  - to:
    - operation: {paths: ["/admin*"], notMethods: ["OPTIONS"]}
  - from:
    - source: {notNamespaces: ["foo"]}
    to:
    - operation: {methods: ["DELETE"]}
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: allow-all, namespace: foo}
spec:
  rules:
  - {}
`)
	check(t, p, []decision{
		{"GET /", policies.Request{Service: svc("bar", "x")}, true},
		{"GET /admin", policies.Request{Path: "/admin/users", Service: svc("foo", "x")}, false},
		{"OPTIONS /admin", policies.Request{Method: "OPTIONS", Path: "/admin", Service: svc("foo", "x")}, true},
		{"DELETE from foo", policies.Request{Method: "DELETE", Service: svc("foo", "x")}, true},
		{"DELETE from bar", policies.Request{Method: "DELETE", Service: svc("bar", "x")}, false},
		{"DELETE without identity", policies.Request{Method: "DELETE"}, false},
	})
}

func TestAllowNothingAndNoPolicies(t *testing.T) {
	p, _, _ := convert(t, `
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: allow-nothing, namespace: foo}
spec: {}
`)
	check(t, p, []decision{{"anything", policies.Request{Service: svc("foo", "x"), User: user("i", "s", "{}")}, false}})

	// A DENY policy without rules denies nothing: no policy at all.
	p, _, cfg := convert(t, `
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: deny-nothing}
spec: {action: DENY}
`)
	if p != nil {
		t.Errorf("a policy from a DENY without rules:\n%s", cfg)
	}
}

func TestRequireJWT(t *testing.T) {
	p, notes, cfg := convert(t, `
apiVersion: security.istio.io/v1
kind: RequestAuthentication
metadata: {name: jwt-example, namespace: foo}
spec:
  selector: {matchLabels: {app: httpbin}}
  jwtRules:
  - issuer: "testing@secure.istio.io"
    jwksUri: "https://raw.example.com/security/tools/jwt/samples/jwks.json"
    outputPayloadToHeader: x-jwt-payload
    outputClaimToHeaders: [{header: x-jwt-claim-group, claim: group}]
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: require-jwt, namespace: foo}
spec:
  selector: {matchLabels: {app: httpbin}}
  action: ALLOW
  rules:
  - from:
    - source:
        requestPrincipals: ["testing@secure.istio.io/testing@secure.istio.io"]
    when:
    - key: request.auth.claims[groups]
      values: ["group1"]
`)
	for _, want := range []string{`"issuer": "testing@secure.istio.io"`, `"cluster": "outbound|443||raw.example.com"`, `"path": "/security/tools/jwt/samples/jwks.json"`,
		`"from_params": [`, `"forward_payload_header": "x-jwt-payload"`, `"require_user": false`} {
		if !strings.Contains(cfg, want) {
			t.Errorf("configuration lacks %s:\n%s", want, cfg)
		}
	}
	if !hasNote(notes, "ServiceEntry") || !hasNote(notes, "selector") || !hasNote(notes, "without exp") {
		t.Errorf("notes: %q", notes)
	}
	const iss = "testing@secure.istio.io"
	check(t, p, []decision{
		{"token with group1 in a list", policies.Request{User: user(iss, iss, `{"groups":["group1","group2"]}`)}, true},
		{"token with group1 as a string", policies.Request{User: user(iss, iss, `{"groups":"group1"}`)}, true},
		{"token without group1", policies.Request{User: user(iss, iss, `{"groups":["group2"]}`)}, false},
		{"token without groups", policies.Request{User: user(iss, iss, `{}`)}, false},
		{"token of another subject", policies.Request{User: user(iss, "bob", `{"groups":["group1"]}`)}, false},
		{"no token", policies.Request{}, false},
	})
}

func TestHeadersHostsAndUnconvertible(t *testing.T) {
	p, notes, _ := convert(t, `
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: mixed, namespace: foo}
spec:
  rules:
  - to: [{operation: {hosts: ["*.example.com"], ports: ["8080"]}}]
  - to: [{operation: {hosts: ["API.example.org"]}}]
    when:
    - key: request.headers[X-Version]
      values: ["v2*"]
    - key: source.ip
      notValues: ["10.0.0.9"]
  - when:
    - key: request.headers[x-canary]
      values: ["*"]
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: block, namespace: foo}
spec:
  action: DENY
  rules:
  - from: [{source: {ipBlocks: ["192.168.0.0/16"]}}]
    to: [{operation: {paths: ["/private"]}}]
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: ext, namespace: foo}
spec: {action: CUSTOM, provider: {name: opa}, rules: [{}]}
`)
	for _, want := range []string{"foo/mixed rules[0]", "ports", "never allows", "192.168.0.0/16", "denies more", "CUSTOM"} {
		if !hasNote(notes, want) {
			t.Errorf("no note about %q: %q", want, notes)
		}
	}
	hdr := func(v string) [][2]string { return [][2]string{{"x-version", v}} }
	check(t, p, []decision{
		{"ports rule never allows", policies.Request{Host: "a.example.com"}, false},
		{"host any case, header prefix", policies.Request{Host: "api.example.org", Headers: hdr("v2.1"), SourceIP: "10.0.0.1"}, true},
		{"header missing", policies.Request{Host: "api.example.org", SourceIP: "10.0.0.1"}, false},
		{"any value of a present header", policies.Request{Headers: [][2]string{{"x-canary", ""}}}, true},
		{"header other", policies.Request{Host: "api.example.org", Headers: hdr("v1"), SourceIP: "10.0.0.1"}, false},
		{"excluded address", policies.Request{Host: "api.example.org", Headers: hdr("v2"), SourceIP: "10.0.0.9"}, false},
		{"unconvertible range widens the deny", policies.Request{Host: "api.example.org", Headers: hdr("v2"), SourceIP: "10.0.0.1", Path: "/private"}, false},
	})
}

func TestRefusesWhatItDoesNotKnow(t *testing.T) {
	for _, doc := range []string{
		"apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata: {name: x}\nspec: {action: MAYBE}\n",
		"apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata: {name: x}\nspec: {rules: [{from: [{source: {principal: [a]}}]}]}\n",
		"apiVersion: security.istio.io/v1\nkind: RequestAuthentication\nmetadata: {name: x}\nspec: {jwtRules: [{issuer: a, jwksURI: b}]}\n",
		"{{{",
	} {
		if _, err := Convert([]byte(doc)); err == nil {
			t.Errorf("accepted %q", doc)
		}
	}
	r, err := Convert([]byte("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n"))
	if err != nil || !hasNote(r.Notes, "not an Istio security resource") {
		t.Errorf("ConfigMap: %v %q", err, r.Notes)
	}
}

func hasNote(notes []string, s string) bool {
	for _, n := range notes {
		if strings.Contains(n, s) {
			return true
		}
	}
	return false
}
