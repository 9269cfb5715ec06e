package integration

import (
	"crypto/tls"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/palisade-wasm/palisade/host"
	"github.com/palisade-wasm/palisade/host/envoyconfig"
	"github.com/palisade-wasm/palisade/host/gateway"
	"github.com/palisade-wasm/palisade/host/hosttest"
)

// OIDC discovery end to end: the gateway with palisade.wasm and two VMs,
// an OpenID provider and a separate key server on 127.0.0.1, both over
// TLS with certificates of a test CA the clusters trust.

const (
	oidcIssuer = "https://idp.example/realms/shop"
	oidcPath   = "/realms/shop/.well-known/openid-configuration"
)

// opServer is a TLS web server answering each path (with its query) as
// set; it records every request as "host path?query".
type opServer struct {
	*httptest.Server
	mu     sync.Mutex
	routes map[string]string // path -> body; a body "503" answers 503
	seen   []string
}

func newOPServer(t *testing.T, pki *hosttest.PKI) *opServer {
	s := &opServer{routes: map[string]string{}}
	s.Server = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.seen = append(s.seen, r.Host+" "+r.URL.RequestURI())
		body, ok := s.routes[r.URL.RequestURI()]
		s.mu.Unlock()
		switch {
		case !ok:
			http.NotFound(w, r)
		case body == "503":
			http.Error(w, "unavailable", http.StatusServiceUnavailable)
		default:
			io.WriteString(w, body)
		}
	}))
	cert, err := tls.LoadX509KeyPair(pki.CertFile, pki.KeyFile)
	if err != nil {
		t.Fatal(err)
	}
	s.TLS = &tls.Config{Certificates: []tls.Certificate{cert}}
	s.StartTLS()
	t.Cleanup(s.Close)
	return s
}

func (s *opServer) serve(path, body string) {
	s.mu.Lock()
	s.routes[path] = body
	s.mu.Unlock()
}

func (s *opServer) saw(want string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, r := range s.seen {
		if r == want {
			return true
		}
	}
	return false
}

func (s *opServer) requests() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.seen...)
}

func oidcDoc(issuer, jwksURI string) string {
	return `{"issuer":"` + issuer + `","authorization_endpoint":"` + issuer + `/protocol/openid-connect/auth","jwks_uri":"` + jwksURI + `",
		"response_types_supported":["code"],"subject_types_supported":["public"],"id_token_signing_alg_values_supported":["ES256","ES384"]}`
}

// oidcGateway is a gateway whose provider finds its keys by discovery on
// cluster idp, with https://keys.idp.example mapped to cluster keys; both
// clusters speak TLS. It returns the gateway, the plugin's log lines and
// the admin address (for /stats/prometheus).
type oidcGateway struct {
	*gateway.Gateway
	mu   sync.Mutex
	logs []string
}

func newOIDCGateway(t *testing.T, pki *hosttest.PKI, idp, keys *opServer, app int, cacheSeconds int) *oidcGateway {
	plugin := `{"providers":[{"name":"idp","issuer":"` + oidcIssuer + `","audiences":["orders"],
		"remote_jwks":{"cluster":"idp","timeout_seconds":2,"cache_duration_seconds":` + strconv.Itoa(cacheSeconds) + `,"refetch_interval_seconds":1,
			"discovery":{"jwks_clusters":[{"origin":"https://keys.idp.example","cluster":"keys"}]}}}]}`
	cfg := wasmConfig(t, plugin, map[string]int{"app": app, "idp": port(idp.Server), "keys": port(keys.Server)})
	for _, name := range []string{"idp", "keys"} {
		c := cfg.Clusters[name]
		c.TLS, c.CAFile = true, pki.CAFile
		cfg.Clusters[name] = c
	}
	cfg.Admin = &envoyconfig.Address{Host: "127.0.0.1"}
	g := &oidcGateway{}
	g.Gateway = runGatewayLogging(t, cfg, 2, func(l host.LogLevel, msg string) {
		g.mu.Lock()
		g.logs = append(g.logs, l.String()+": "+msg)
		g.mu.Unlock()
	})
	return g
}

func (g *oidcGateway) logged(sub string) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	for _, l := range g.logs {
		if strings.Contains(l, sub) {
			return true
		}
	}
	return false
}

// counter reads one plugin counter from the admin listener.
func (g *oidcGateway) counter(t *testing.T, name string) int {
	resp, err := http.Get("http://" + g.AdminAddr().String() + "/stats/prometheus")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	m := regexp.MustCompile(`(?m)^` + name + ` (\d+)$`).FindSubmatch(b)
	if m == nil {
		return 0
	}
	n, _ := strconv.Atoi(string(m[1]))
	return n
}

func (g *oidcGateway) url() string { return "http://" + g.Addrs()[0].String() + "/orders" }

func echoUser(t *testing.T) int {
	app := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok:"+r.Header.Get("X-Palisade-User")) }))
	t.Cleanup(app.Close)
	return port(app)
}

// freshToken signs a token no cache has seen (a unique jti).
func freshToken(t *testing.T, i *hosttest.Issuer) string {
	return i.Token(t, map[string]any{"sub": "alice", "aud": "orders", "exp": time.Now().Unix() + 600, "jti": strconv.FormatInt(time.Now().UnixNano(), 36)})
}

// TestDiscovery: which discovery documents lead to keys, and which are
// refused (401 jwks_unavailable, an error log line, a counted failure,
// and no key set fetched anywhere).
func TestDiscovery(t *testing.T) {
	k1 := hosttest.NewIssuer(t, oidcIssuer, "k1", "p256.pem")
	pki := hosttest.NewPKI(t)
	app := echoUser(t)
	tests := []struct {
		name    string
		doc     string
		want    int
		idpSaw  string // besides the discovery document
		keysSaw string
		log     string
	}{
		{name: "key set on the issuer's origin", doc: oidcDoc(oidcIssuer, "https://idp.example/realms/shop/protocol/openid-connect/certs"),
			want: 200, idpSaw: "idp.example /realms/shop/protocol/openid-connect/certs"},
		{name: "key set on a mapped origin", doc: oidcDoc(oidcIssuer, "https://keys.idp.example/v1/jwks?tenant=shop"),
			want: 200, keysSaw: "keys.idp.example /v1/jwks?tenant=shop"},
		{name: "issuer mismatch", doc: oidcDoc("https://idp.example/realms/other", "https://idp.example/realms/shop/protocol/openid-connect/certs"),
			want: 401, log: `error: discover jwks of provider idp (cluster idp, ` + oidcPath + `): discovery: discovery document for another issuer: issuer is not "` + oidcIssuer + `"; document refused`},
		{name: "SSRF to the metadata endpoint over http", doc: oidcDoc(oidcIssuer, "http://169.254.169.254/latest/meta-data/iam/security-credentials/"),
			want: 401, log: `error: discover jwks of provider idp (cluster idp, ` + oidcPath + `): discovery: unusable jwks_uri: jwks_uri must use https`},
		{name: "SSRF to an unmapped origin", doc: oidcDoc(oidcIssuer, "https://169.254.169.254/latest/meta-data/"),
			want: 401, log: `error: discover jwks of provider idp (cluster idp, ` + oidcPath + `): discovery: jwks_uri origin maps to no cluster: https://169.254.169.254 (add it to remote_jwks.discovery.jwks_clusters to allow it); document refused`},
		{name: "garbage", doc: `{"issuer":"` + oidcIssuer + `","jwks_uri":`,
			want: 401, log: `warn: discover jwks of provider idp (cluster idp, ` + oidcPath + `): discovery: malformed discovery document: not valid JSON`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			idp, keys := newOPServer(t, pki), newOPServer(t, pki)
			idp.serve(oidcPath, tc.doc)
			idp.serve("/realms/shop/protocol/openid-connect/certs", k1.JWKS())
			keys.serve("/v1/jwks?tenant=shop", k1.JWKS())
			g := newOIDCGateway(t, pki, idp, keys, app, 300)
			status, body := call(t, g.url(), freshToken(t, k1))
			if status != tc.want || tc.want == 200 && body != "ok:alice" || tc.want == 401 && !strings.Contains(body, `"reason":"jwks_unavailable"`) {
				t.Fatalf("%d %s, want %d", status, body, tc.want)
			}
			if !idp.saw("idp.example " + oidcPath) {
				t.Errorf("discovery document not fetched with the issuer's host: %q", idp.requests())
			}
			if tc.idpSaw != "" && !idp.saw(tc.idpSaw) || tc.keysSaw != "" && !keys.saw(tc.keysSaw) {
				t.Errorf("key set not fetched where the document says: %q %q", idp.requests(), keys.requests())
			}
			fetches, failures := g.counter(t, "palisade_oidc_discovery_fetches_total"), g.counter(t, "palisade_oidc_discovery_failures_total")
			if tc.want == 200 {
				if fetches < 1 || failures != 0 {
					t.Errorf("%d discovery fetches, %d failures", fetches, failures)
				}
				return
			}
			if fetches != 0 || failures < 1 {
				t.Errorf("%d discovery fetches, %d failures", fetches, failures)
			}
			if len(keys.requests()) != 0 || len(idp.requests()) != strings.Count(strings.Join(idp.requests(), "\n"), oidcPath) {
				t.Errorf("a key set was fetched after a refused document: %q %q", idp.requests(), keys.requests())
			}
			if !g.logged(tc.log) {
				t.Errorf("no log line %q", tc.log)
			}
		})
	}
}

// TestDiscoveryDownThenBack: requests while the provider is down end in
// 401 (fail closed), and traffic recovers once it is back.
func TestDiscoveryDownThenBack(t *testing.T) {
	k1 := hosttest.NewIssuer(t, oidcIssuer, "k1", "p256.pem")
	pki := hosttest.NewPKI(t)
	idp, keys := newOPServer(t, pki), newOPServer(t, pki)
	idp.serve(oidcPath, "503")
	idp.serve("/realms/shop/certs", k1.JWKS())
	g := newOIDCGateway(t, pki, idp, keys, echoUser(t), 300)
	if status, body := call(t, g.url(), freshToken(t, k1)); status != 401 || !strings.Contains(body, `"reason":"jwks_unavailable"`) {
		t.Fatalf("provider down: %d %s", status, body)
	}
	idp.serve(oidcPath, oidcDoc(oidcIssuer, "https://idp.example/realms/shop/certs"))
	deadline := time.Now().Add(20 * time.Second)
	for {
		status, body := call(t, g.url(), freshToken(t, k1))
		if status == 200 && body == "ok:alice" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no recovery once the provider was back: %d %s", status, body)
		}
		time.Sleep(250 * time.Millisecond)
	}
}

// TestDiscoveryKeepsLastGood: once a document was accepted, a refused one
// (garbage, or a jwks_uri moved off the map) keeps the last good location
// and keys in use; the refusals are counted.
func TestDiscoveryKeepsLastGood(t *testing.T) {
	k1 := hosttest.NewIssuer(t, oidcIssuer, "k1", "p256.pem")
	pki := hosttest.NewPKI(t)
	idp, keys := newOPServer(t, pki), newOPServer(t, pki)
	idp.serve(oidcPath, oidcDoc(oidcIssuer, "https://idp.example/realms/shop/certs"))
	idp.serve("/realms/shop/certs", k1.JWKS())
	g := newOIDCGateway(t, pki, idp, keys, echoUser(t), 1) // refreshed every second
	if status, body := call(t, g.url(), freshToken(t, k1)); status != 200 {
		t.Fatalf("first request: %d %s", status, body)
	}
	for _, doc := range []string{`<html>oops</html>`, oidcDoc(oidcIssuer, "https://169.254.169.254/latest/meta-data/")} {
		before := g.counter(t, "palisade_oidc_discovery_failures_total")
		idp.serve(oidcPath, doc)
		deadline := time.Now().Add(10 * time.Second)
		for g.counter(t, "palisade_oidc_discovery_failures_total") == before {
			if time.Now().After(deadline) {
				t.Fatalf("document %.30s was never refused", doc)
			}
			time.Sleep(200 * time.Millisecond)
		}
		if status, body := call(t, g.url(), freshToken(t, k1)); status != 200 {
			t.Fatalf("after refusing %.30s: %d %s, want the last good keys in use", doc, status, body)
		}
	}
}

// TestDiscoveryRotation: the provider moves its key set to another origin
// with a new key. A token with the new kid makes the plugin read the
// document again and fetch the new key set from its new place.
func TestDiscoveryRotation(t *testing.T) {
	k1 := hosttest.NewIssuer(t, oidcIssuer, "k1", "p256.pem")
	k2 := hosttest.NewIssuer(t, oidcIssuer, "k2", "p384.pem")
	pki := hosttest.NewPKI(t)
	idp, keys := newOPServer(t, pki), newOPServer(t, pki)
	idp.serve(oidcPath, oidcDoc(oidcIssuer, "https://idp.example/realms/shop/certs"))
	idp.serve("/realms/shop/certs", k1.JWKS())
	keys.serve("/v2/jwks", jwksOf(k1, k2))
	g := newOIDCGateway(t, pki, idp, keys, echoUser(t), 300)
	if status, body := call(t, g.url(), freshToken(t, k1)); status != 200 {
		t.Fatalf("before the rotation: %d %s", status, body)
	}
	idp.serve(oidcPath, oidcDoc(oidcIssuer, "https://keys.idp.example/v2/jwks"))
	time.Sleep(1100 * time.Millisecond) // past the refetch interval of the start-up fetch
	if status, body := call(t, g.url(), freshToken(t, k2)); status != 200 || body != "ok:alice" {
		t.Fatalf("after the rotation: %d %s", status, body)
	}
	if !keys.saw("keys.idp.example /v2/jwks") {
		t.Errorf("the new key set was not fetched from its new place: %q", keys.requests())
	}
	if status, body := call(t, g.url(), freshToken(t, k1)); status != 200 {
		t.Errorf("a key still published was dropped: %d %s", status, body)
	}
}
