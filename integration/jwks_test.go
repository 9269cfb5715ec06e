package integration

import (
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/palisade-wasm/palisade/host/gateway"
	"github.com/palisade-wasm/palisade/host/hosttest"
)

// idpServer serves a JWKS that a test can change: keys, garbage, or an
// error status.
type idpServer struct {
	*httptest.Server
	mu      sync.Mutex
	body    string
	status  int
	fetches atomic.Int64
}

func newIDP(t *testing.T, body string) *idpServer {
	s := &idpServer{body: body, status: 200}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.fetches.Add(1)
		s.mu.Lock()
		body, status := s.body, s.status
		s.mu.Unlock()
		if r.URL.Path != "/jwks.json" {
			http.NotFound(w, r)
			return
		}
		w.WriteHeader(status)
		io.WriteString(w, body)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *idpServer) serve(status int, body string) {
	s.mu.Lock()
	s.status, s.body = status, body
	s.mu.Unlock()
}

// jwksOf merges the key sets of issuers into one JWKS.
func jwksOf(issuers ...*hosttest.Issuer) string {
	var keys []json.RawMessage
	for _, i := range issuers {
		var set struct{ Keys []json.RawMessage }
		json.Unmarshal([]byte(i.JWKS()), &set)
		keys = append(keys, set.Keys...)
	}
	b, _ := json.Marshal(map[string]any{"keys": keys})
	return string(b)
}

func jwksGateway(t *testing.T, idpPort, appPort int) *gateway.Gateway {
	plugin := `{"providers":[{"name":"idp","issuer":"https://idp.example","audiences":["orders"],
		"remote_jwks":{"cluster":"idp","path":"/jwks.json","timeout_seconds":2,"cache_duration_seconds":300,"refetch_interval_seconds":1}}]}`
	return runGateway(t, wasmConfig(t, plugin, map[string]int{"app": appPort, "idp": idpPort}), 2)
}

func call(t *testing.T, url, token string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := (&http.Client{Timeout: 15 * time.Second}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func port(s *httptest.Server) int { return s.Listener.Addr().(*net.TCPAddr).Port }

func TestRemoteJWKS(t *testing.T) {
	a := hosttest.NewIssuer(t, "https://idp.example", "k1", "p256.pem")
	b := hosttest.NewIssuer(t, "https://idp.example", "k2", "p384.pem")
	claims := func() map[string]any {
		return map[string]any{"sub": "alice", "aud": "orders", "exp": time.Now().Unix() + 600}
	}
	app := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok:"+r.Header.Get("X-Palisade-User")) }))
	defer app.Close()
	idp := newIDP(t, jwksOf(a))
	g := jwksGateway(t, port(idp.Server), port(app))
	url := "http://" + g.Addrs()[0].String() + "/orders"

	// The first requests may arrive before the keys: they wait for them.
	if status, body := call(t, url, a.Token(t, claims())); status != 200 || body != "ok:alice" {
		t.Fatalf("with the start-up fetch: %d %s", status, body)
	}
	// Key rotation: the issuer now signs with k2. A kid the keys lack
	// triggers one refetch, and the request succeeds.
	idp.serve(200, jwksOf(a, b))
	if status, body := call(t, url, b.Token(t, claims())); status != 200 {
		t.Fatalf("after rotation: %d %s", status, body)
	}
	// Garbage from the key server: the old keys stay in use.
	idp.serve(200, `{"keys": "garbage"}`)
	time.Sleep(1100 * time.Millisecond) // past the refetch interval
	if status, body := call(t, url, hosttest.NewIssuer(t, "https://idp.example", "k3", "p256.pem").Token(t, claims())); status != 401 || !strings.Contains(body, "unknown_kid") {
		t.Fatalf("unknown kid with a garbage key set: %d %s", status, body)
	}
	if status, _ := call(t, url, b.Token(t, claims())); status != 200 {
		t.Fatalf("old keys were dropped after a garbage answer: %d", status)
	}
	// An empty key set is a failure too.
	idp.serve(200, `{"keys":[]}`)
	time.Sleep(1100 * time.Millisecond)
	call(t, url, hosttest.NewIssuer(t, "https://idp.example", "k4", "p256.pem").Token(t, claims()))
	if status, _ := call(t, url, a.Token(t, claims())); status != 200 {
		t.Fatalf("old keys were dropped after an empty key set: %d", status)
	}
	if n := idp.fetches.Load(); n > 6 {
		t.Errorf("%d fetches: refetches are not rate-limited", n)
	}
}

// A key server that is down at start: requests end in 401
// jwks_unavailable, never pass; when it comes back, traffic recovers.
func TestRemoteJWKSDown(t *testing.T) {
	a := hosttest.NewIssuer(t, "https://idp.example", "k1", "p256.pem")
	app := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") }))
	defer app.Close()
	idp := newIDP(t, "")
	idp.serve(503, "unavailable")
	g := jwksGateway(t, port(idp.Server), port(app))
	url := "http://" + g.Addrs()[0].String() + "/orders"
	tok := a.Token(t, map[string]any{"sub": "alice", "aud": "orders", "exp": time.Now().Unix() + 600})
	status, body := call(t, url, tok)
	if status != 401 || !strings.Contains(body, `"reason":"jwks_unavailable"`) {
		t.Fatalf("key server down: %d %s, want 401 jwks_unavailable", status, body)
	}
	idp.serve(200, a.JWKS())
	deadline := time.Now().Add(15 * time.Second)
	for {
		status, body = call(t, url, tok)
		if status == 200 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("traffic did not recover after the key server came back: %d %s", status, body)
		}
		time.Sleep(250 * time.Millisecond)
	}
}

// TestRemoteJWKSSlow: a key server slower than the fetch timeout is a
// failed fetch: the paused request ends in 401 jwks_unavailable within a
// bounded time, and traffic recovers once the server answers in time.
func TestRemoteJWKSSlow(t *testing.T) {
	a := hosttest.NewIssuer(t, "https://idp.example", "k1", "p256.pem")
	app := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") }))
	defer app.Close()
	var slow atomic.Bool
	slow.Store(true)
	release := make(chan struct{})
	idp := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if slow.Load() {
			select { // longer than timeout_seconds (2 s)
			case <-time.After(5 * time.Second):
			case <-release:
			}
		}
		io.WriteString(w, a.JWKS())
	}))
	defer idp.Close()
	defer close(release) // before Close, which waits for handlers
	g := jwksGateway(t, port(idp), port(app))
	url := "http://" + g.Addrs()[0].String() + "/orders"
	tok := a.Token(t, map[string]any{"sub": "alice", "aud": "orders", "exp": time.Now().Unix() + 600})
	start := time.Now()
	status, body := call(t, url, tok)
	if status != 401 || !strings.Contains(body, `"reason":"jwks_unavailable"`) {
		t.Fatalf("slow key server: %d %s, want 401 jwks_unavailable", status, body)
	}
	if d := time.Since(start); d > 12*time.Second {
		t.Fatalf("the paused request waited %v", d)
	}
	slow.Store(false)
	deadline := time.Now().Add(20 * time.Second)
	for {
		if status, body = call(t, url, tok); status == 200 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("traffic did not recover once the key server was fast: %d %s", status, body)
		}
		time.Sleep(250 * time.Millisecond)
	}
}
