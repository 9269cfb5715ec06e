package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/palisade-wasm/palisade/host/hosttest"
)

// fakeOP is an OpenID provider's web server on 127.0.0.1: it answers
// each path (with its query) as set, and records every request as
// "host path?query".
type fakeOP struct {
	*httptest.Server
	mu     sync.Mutex
	routes map[string]fakeAnswer
	seen   []string
}

type fakeAnswer struct {
	status int
	body   string
}

func newFakeOP(t *testing.T) *fakeOP {
	op := &fakeOP{routes: map[string]fakeAnswer{}}
	op.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		op.mu.Lock()
		op.seen = append(op.seen, r.Host+" "+r.URL.RequestURI())
		a, ok := op.routes[r.URL.RequestURI()]
		op.mu.Unlock()
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.WriteHeader(a.status)
		io.WriteString(w, a.body)
	}))
	t.Cleanup(op.Close)
	return op
}

func (op *fakeOP) serve(path string, status int, body string) {
	op.mu.Lock()
	op.routes[path] = fakeAnswer{status, body}
	op.mu.Unlock()
}

// requests returns the requests seen so far.
func (op *fakeOP) requests() []string {
	op.mu.Lock()
	defer op.mu.Unlock()
	return append([]string(nil), op.seen...)
}

// saw reports whether the server was asked for want ("host path").
func (op *fakeOP) saw(want string) bool {
	for _, s := range op.requests() {
		if s == want {
			return true
		}
	}
	return false
}

const (
	discoveryIssuer = "https://idp.example/realms/shop"
	discoveryPath   = "/realms/shop/.well-known/openid-configuration"
)

// discoveryConfig is a provider for discoveryIssuer with discovery through
// cluster "idp", and origin https://keys.idp.example on cluster "keys".
func discoveryConfig() string {
	return `{"providers":[{"name":"idp","issuer":"` + discoveryIssuer + `","audiences":["orders"],
		"remote_jwks":{"cluster":"idp","timeout_seconds":2,"refetch_interval_seconds":1,
			"discovery":{"jwks_clusters":[{"origin":"https://keys.idp.example","cluster":"keys"}]}}}]}`
}

func discoveryDoc(issuer, jwksURI string) string {
	return `{"issuer":"` + issuer + `","authorization_endpoint":"` + issuer + `/auth","jwks_uri":"` + jwksURI + `",
		"response_types_supported":["code"],"subject_types_supported":["public"],"id_token_signing_alg_values_supported":["ES256"]}`
}

// TestDiscovery is the OIDC discovery behaviour table, run in both hosts
// against a real provider on 127.0.0.1: where the key set is fetched
// from, and every refused document ending in 401 (fail closed), logged
// and counted.
func TestDiscovery(t *testing.T) {
	k1 := hosttest.NewIssuer(t, discoveryIssuer, "k1", "p256.pem")
	tok := k1.Token(t, map[string]any{"sub": "alice", "aud": "orders", "exp": time.Now().Unix() + 600})
	tests := []struct {
		name       string
		status     int    // of the discovery document
		doc        string // the discovery document
		wantStatus int    // 0: the request continues, as alice
		idpSaw     []string
		keysSaw    []string
		log        string // in the error or warn log
	}{
		{name: "key set on the issuer's origin", status: 200, doc: discoveryDoc(discoveryIssuer, "https://idp.example/realms/shop/certs"),
			idpSaw: []string{"idp.example " + discoveryPath, "idp.example /realms/shop/certs"}},
		{name: "key set on a mapped origin", status: 200, doc: discoveryDoc(discoveryIssuer, "https://keys.idp.example/v1/jwks?tenant=shop"),
			idpSaw: []string{"idp.example " + discoveryPath}, keysSaw: []string{"keys.idp.example /v1/jwks?tenant=shop"}},
		{name: "document of another issuer", status: 200, doc: discoveryDoc("https://evil.example/realms/shop", "https://idp.example/realms/shop/certs"),
			wantStatus: 401, log: `discover jwks of provider idp (cluster idp, ` + discoveryPath + `): discovery: discovery document for another issuer: issuer is not "https://idp.example/realms/shop"; document refused`},
		{name: "issuer with a trailing slash", status: 200, doc: discoveryDoc(discoveryIssuer+"/", "https://idp.example/realms/shop/certs"),
			wantStatus: 401, log: `discovery document for another issuer`},
		{name: "jwks_uri on an unmapped origin", status: 200, doc: discoveryDoc(discoveryIssuer, "https://169.254.169.254/latest/meta-data/iam"),
			wantStatus: 401, log: `discovery: jwks_uri origin maps to no cluster: https://169.254.169.254 (add it to remote_jwks.discovery.jwks_clusters to allow it); document refused`},
		{name: "jwks_uri over http", status: 200, doc: discoveryDoc(discoveryIssuer, "http://169.254.169.254/latest/meta-data/iam"),
			wantStatus: 401, log: `discovery: unusable jwks_uri: jwks_uri must use https`},
		{name: "jwks_uri with userinfo", status: 200, doc: discoveryDoc(discoveryIssuer, "https://keys.idp.example@169.254.169.254/"),
			wantStatus: 401, log: `jwks_uri must not carry userinfo`},
		{name: "garbage", status: 200, doc: `<html>it works</html>`,
			wantStatus: 401, log: `discovery: malformed discovery document: not valid JSON`},
		{name: "over 64 KiB", status: 200, doc: `{"issuer":"` + discoveryIssuer + `","x":"` + strings.Repeat("a", 70000) + `","jwks_uri":"https://idp.example/realms/shop/certs"}`,
			wantStatus: 401, log: `over 64 KiB`},
		{name: "server error", status: 503, doc: `unavailable`,
			wantStatus: 401, log: `discover jwks of provider idp (cluster idp, ` + discoveryPath + `): status "503"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var idp, keys *fakeOP // each host's own
			setup := func(t *testing.T) map[string]string {
				idp, keys = newFakeOP(t), newFakeOP(t)
				idp.serve(discoveryPath, tc.status, tc.doc)
				idp.serve("/realms/shop/certs", 200, k1.JWKS())
				keys.serve("/v1/jwks?tenant=shop", 200, k1.JWKS())
				return map[string]string{"idp": idp.URL, "keys": keys.URL}
			}
			forEachHostWithClusters(t, discoveryConfig(), setup, func(t *testing.T, h pluginHost) {
				if !h.started() {
					t.Fatal("configuration refused")
				}
				out := h.request(t, req("/orders", bearer(tok)), nil)
				if tc.wantStatus == 0 {
					if user, _ := header(out.headers, "x-palisade-user"); out.action != "continue" || user != "alice" {
						t.Fatalf("got %+v, want continue as alice", out)
					}
				} else if out.action != "respond" || out.status != tc.wantStatus || !strings.Contains(out.body, `"reason":"jwks_unavailable"`) {
					t.Fatalf("got %+v, want %d jwks_unavailable", out, tc.wantStatus)
				}
				for _, want := range tc.idpSaw {
					if !idp.saw(want) {
						t.Errorf("the provider was not asked for %q: %q", want, idp.requests())
					}
				}
				for _, want := range tc.keysSaw {
					if !keys.saw(want) {
						t.Errorf("the key server was not asked for %q: %q", want, keys.requests())
					}
				}
				fetches, failures := h.counter(t, "palisade_oidc_discovery_fetches_total"), h.counter(t, "palisade_oidc_discovery_failures_total")
				if tc.wantStatus == 0 {
					if fetches < 1 || failures != 0 {
						t.Errorf("%d discovery fetches, %d failures; want some and none", fetches, failures)
					}
					return
				}
				if fetches != 0 || failures < 1 {
					t.Errorf("%d discovery fetches, %d failures; want none and some", fetches, failures)
				}
				if n := len(idp.requests()); n < 1 || len(keys.requests()) != 0 || idp.saw("idp.example /realms/shop/certs") {
					t.Errorf("a key set was fetched after a refused document: %q %q", idp.requests(), keys.requests())
				}
				logged := strings.Join(append(h.logs("error"), h.logs("warn")...), "\n")
				if !strings.Contains(logged, tc.log) {
					t.Errorf("log lacks %q:\n%s", tc.log, logged)
				}
			})
		})
	}
}

// TestDiscoveryRotation: the provider moves its key set (a new jwks_uri
// with a new key); a token signed with the new key names a kid the keys
// lack, which refreshes the discovery document, and the key set is
// fetched from its new place.
func TestDiscoveryRotation(t *testing.T) {
	k1 := hosttest.NewIssuer(t, discoveryIssuer, "k1", "p256.pem")
	k2 := hosttest.NewIssuer(t, discoveryIssuer, "k2", "p384.pem")
	claims := func() map[string]any {
		return map[string]any{"sub": "alice", "aud": "orders", "exp": time.Now().Unix() + 600}
	}
	var idp, keys *fakeOP
	setup := func(t *testing.T) map[string]string {
		idp, keys = newFakeOP(t), newFakeOP(t)
		idp.serve(discoveryPath, 200, discoveryDoc(discoveryIssuer, "https://idp.example/realms/shop/certs"))
		idp.serve("/realms/shop/certs", 200, k1.JWKS())
		keys.serve("/v2/jwks", 200, k2.JWKS())
		return map[string]string{"idp": idp.URL, "keys": keys.URL}
	}
	forEachHostWithClusters(t, discoveryConfig(), setup, func(t *testing.T, h pluginHost) {
		if out := h.request(t, req("/orders", bearer(k1.Token(t, claims()))), nil); out.action != "continue" {
			t.Fatalf("before the rotation: %+v", out)
		}
		idp.serve(discoveryPath, 200, discoveryDoc(discoveryIssuer, "https://keys.idp.example/v2/jwks"))
		if out := h.request(t, req("/orders", bearer(k2.Token(t, claims()))), nil); out.action != "continue" {
			t.Fatalf("after the rotation: %+v", out)
		}
		if !keys.saw("keys.idp.example /v2/jwks") {
			t.Errorf("the new key set was not fetched from its new place: %q", keys.requests())
		}
	})
}

// TestDiscoveryRecovers: a provider down at start refuses requests (401),
// and once it is back, after the backoff, tokens pass again.
func TestDiscoveryRecovers(t *testing.T) {
	k1 := hosttest.NewIssuer(t, discoveryIssuer, "k1", "p256.pem")
	tok := k1.Token(t, map[string]any{"sub": "alice", "aud": "orders", "exp": time.Now().Unix() + 600})
	var idp *fakeOP
	setup := func(t *testing.T) map[string]string {
		idp = newFakeOP(t)
		idp.serve(discoveryPath, 503, "down")
		idp.serve("/realms/shop/certs", 200, k1.JWKS())
		return map[string]string{"idp": idp.URL, "keys": idp.URL}
	}
	forEachHostWithClusters(t, discoveryConfig(), setup, func(t *testing.T, h pluginHost) {
		if out := h.request(t, req("/orders", bearer(tok)), nil); out.status != 401 {
			t.Fatalf("provider down: %+v, want 401", out)
		}
		idp.serve(discoveryPath, 200, discoveryDoc(discoveryIssuer, "https://idp.example/realms/shop/certs"))
		deadline := time.Now().Add(10 * time.Second)
		for {
			time.Sleep(1100 * time.Millisecond) // past the first backoff
			out := h.request(t, req("/orders", bearer(tok)), nil)
			if out.action == "continue" {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("no recovery once the provider was back: %+v", out)
			}
		}
	})
}
