package gateway

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/palisade-wasm/palisade/host"
	"github.com/palisade-wasm/palisade/host/envoyconfig"
	"github.com/palisade-wasm/palisade/host/hosttest"
)

// startGateway runs a gateway with one listener on a free loopback port in
// front of upstream, optionally with palisade.wasm.
func startGateway(t testing.TB, upstream string, wasm *envoyconfig.WasmFilter, mutate func(*envoyconfig.Config)) *Gateway {
	t.Helper()
	u, _ := net.ResolveTCPAddr("tcp", strings.TrimPrefix(upstream, "http://"))
	cfg := &envoyconfig.Config{
		Admin: &envoyconfig.Address{Host: "127.0.0.1", Port: 0},
		Listeners: []envoyconfig.Listener{{
			Name: "in", Address: envoyconfig.Address{Host: "127.0.0.1", Port: 0},
			UseRemoteAddress: true, IdleTimeout: time.Minute, MaxRequestHeadersKB: 60,
			Routes: []envoyconfig.Route{{Domains: []string{"*"}, Prefix: "/", Cluster: "app", Timeout: 2 * time.Second}},
			Wasm:   wasm,
		}},
		Clusters: map[string]envoyconfig.Cluster{"app": {Name: "app", ConnectTimeout: time.Second,
			Endpoints: []envoyconfig.Address{{Host: "127.0.0.1", Port: u.Port}}}},
	}
	if mutate != nil {
		mutate(cfg)
	}
	ctx := context.Background()
	rt, err := host.NewRuntime(ctx, host.RuntimeConfig{CacheDir: hosttest.CacheDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rt.Close(ctx) })
	g, err := New(ctx, Options{Config: cfg, Runtime: rt, VMs: 2})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	if err := g.Start(); err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(g.Close)
	return g
}

// echo is an upstream that reports what it received.
func echo(t *testing.T) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		w.Header().Set("Connection", "x-secret-hop")
		w.Header().Set("X-Secret-Hop", "must not reach the client")
		json.NewEncoder(w).Encode(map[string]any{"path": r.URL.RequestURI(), "host": r.Host, "headers": r.Header, "body": string(b)})
	}))
	t.Cleanup(srv.Close)
	return srv
}

type echoed struct {
	Path    string
	Host    string
	Headers http.Header
	Body    string
}

func TestProxyWithoutPlugin(t *testing.T) {
	up := echo(t)
	g := startGateway(t, up.URL, nil, nil)
	base := "http://" + g.Addrs()[0].String()

	req, _ := http.NewRequest("POST", base+"/orders/7?x=1", strings.NewReader("hello"))
	req.Header.Set("X-Forwarded-For", "203.0.113.9")
	req.Header.Set("X-Request-Id", "forged")
	req.Header.Set("Connection", "keep-alive, x-hop")
	req.Header.Set("X-Hop", "hop value")
	req.Host = "shop.example"
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var got echoed
	if err := json.NewDecoder(resp.Body).Decode(&got); err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 || got.Path != "/orders/7?x=1" || got.Host != "shop.example" || got.Body != "hello" {
		t.Errorf("status %d, echoed %+v", resp.StatusCode, got)
	}
	if xff := got.Headers.Get("X-Forwarded-For"); xff != "203.0.113.9, 127.0.0.1" {
		t.Errorf("x-forwarded-for = %q, want the client's address appended", xff)
	}
	if p := got.Headers.Get("X-Forwarded-Proto"); p != "http" {
		t.Errorf("x-forwarded-proto = %q", p)
	}
	if id := got.Headers.Get("X-Request-Id"); id == "forged" || len(id) != 36 {
		t.Errorf("x-request-id = %q: an edge proxy replaces the client's", id)
	}
	if got.Headers.Get("X-Hop") != "" {
		t.Error("a header named in Connection was forwarded")
	}
	if resp.Header.Get("X-Secret-Hop") != "" {
		t.Error("a response header named in Connection reached the client")
	}
}

func TestUpstreamDownIs502(t *testing.T) {
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now
	g := startGateway(t, "http://"+addr, nil, nil)
	resp, err := http.Get("http://" + g.Addrs()[0].String() + "/")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 502 || !strings.Contains(string(b), `"reason":"upstream_unavailable"`) {
		t.Errorf("got %d %s, want 502 upstream_unavailable", resp.StatusCode, b)
	}
}

func TestNoRouteIs404(t *testing.T) {
	up := echo(t)
	g := startGateway(t, up.URL, nil, func(c *envoyconfig.Config) {
		c.Listeners[0].Routes[0].Prefix = "/api/"
	})
	resp, err := http.Get("http://" + g.Addrs()[0].String() + "/other")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 404 {
		t.Errorf("status %d, want 404", resp.StatusCode)
	}
}

func TestAdmin(t *testing.T) {
	up := echo(t)
	g := startGateway(t, up.URL, nil, nil)
	for i := 0; i < 3; i++ {
		r, err := http.Get("http://" + g.Addrs()[0].String() + "/x")
		if err != nil {
			t.Fatal(err)
		}
		r.Body.Close()
	}
	admin := "http://" + g.AdminAddr().String()
	resp, err := http.Get(admin + "/stats/prometheus")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(b), "palisade_gateway_requests_total 3\n") ||
		!strings.Contains(string(b), `palisade_gateway_responses_total{class="2xx"} 3`+"\n") {
		t.Errorf("stats:\n%s", b)
	}
	resp, err = http.Get(admin + "/ready")
	if err != nil {
		t.Fatal(err)
	}
	b, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(b) != "LIVE\n" {
		t.Errorf("/ready: %d %q", resp.StatusCode, b)
	}
}

func TestRedact(t *testing.T) {
	in := map[string]any{"log_level": "info", "providers": []any{map[string]any{"issuer": "https://idp", "secret": "s3cr3t",
		"client_credentials": map[string]any{"id": "x"}, "signing_key": "k"}}}
	out, _ := json.Marshal(redact(in))
	want := `{"log_level":"info","providers":[{"client_credentials":"[redacted]","issuer":"https://idp","secret":"[redacted]","signing_key":"[redacted]"}]}`
	if string(out) != want {
		t.Errorf("redact:\n%s\nwant\n%s", out, want)
	}
}

// Shutdown lets a request in flight finish, and refuses new connections.
func TestGracefulShutdown(t *testing.T) {
	release := make(chan struct{})
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-release
		io.WriteString(w, "done")
	}))
	defer slow.Close()
	g := startGateway(t, slow.URL, nil, nil)
	addr := g.Addrs()[0].String()
	result := make(chan string, 1)
	go func() {
		resp, err := http.Get("http://" + addr + "/slow")
		if err != nil {
			result <- "error: " + err.Error()
			return
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		result <- string(b)
	}()
	// Wait until the request is in flight.
	for i := 0; g.stats.active.Load() == 0; i++ {
		if i > 500 {
			t.Fatal("request never arrived")
		}
		time.Sleep(2 * time.Millisecond)
	}
	done := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		done <- g.Shutdown(ctx)
	}()
	time.Sleep(20 * time.Millisecond)
	if _, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
		t.Error("new connections are still accepted during shutdown")
	}
	close(release)
	if got := <-result; got != "done" {
		t.Errorf("request in flight got %q, want it to finish", got)
	}
	if err := <-done; err != nil {
		t.Errorf("Shutdown: %v", err)
	}
}

// Plain-text listeners speak HTTP/2 with prior knowledge (h2c) as well as
// HTTP/1.1.
func TestH2C(t *testing.T) {
	up := echo(t)
	g := startGateway(t, up.URL, nil, nil)
	tr := &http.Transport{Protocols: new(http.Protocols)}
	tr.Protocols.SetUnencryptedHTTP2(true)
	resp, err := (&http.Client{Transport: tr}).Get("http://" + g.Addrs()[0].String() + "/h2c")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Proto != "HTTP/2.0" {
		t.Errorf("status %d over %s, want 200 over HTTP/2.0", resp.StatusCode, resp.Proto)
	}
}

// A burst of requests leaves no goroutine behind once the clients are gone.
func TestNoGoroutineLeak(t *testing.T) {
	up := echo(t)
	g := startGateway(t, up.URL, nil, nil)
	url := "http://" + g.Addrs()[0].String() + "/leak"
	before := runtime.NumGoroutine()
	tr := &http.Transport{MaxIdleConnsPerHost: 8}
	client := &http.Client{Transport: tr}
	var wg sync.WaitGroup
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 50; i++ {
				resp, err := client.Post(url, "text/plain", strings.NewReader("body"))
				if err != nil {
					t.Error(err)
					return
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
		}()
	}
	wg.Wait()
	// Idle keep-alive connections are pooling, not leaks: close them on
	// every hop, then everything the burst started must be gone.
	tr.CloseIdleConnections()
	for _, c := range g.clusters {
		c.transport.CloseIdleConnections()
	}
	up.CloseClientConnections()
	deadline := time.Now().Add(3 * time.Second)
	for runtime.NumGoroutine() > before+2 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before+2 {
		t.Errorf("%d goroutines after the burst, %d before", n, before)
	}
}

// The access log has one JSON line per request with the escaped path and
// never the query string, which may carry a token.
func TestAccessLogLeavesQueryOut(t *testing.T) {
	up := echo(t)
	var buf syncBuffer
	u, _ := net.ResolveTCPAddr("tcp", strings.TrimPrefix(up.URL, "http://"))
	cfg := &envoyconfig.Config{
		Listeners: []envoyconfig.Listener{{Name: "in", Address: envoyconfig.Address{Host: "127.0.0.1"}, IdleTimeout: time.Minute, MaxRequestHeadersKB: 60,
			Routes: []envoyconfig.Route{{Domains: []string{"*"}, Prefix: "/", Cluster: "app", Timeout: 2 * time.Second}}}},
		Clusters: map[string]envoyconfig.Cluster{"app": {Name: "app", Endpoints: []envoyconfig.Address{{Host: "127.0.0.1", Port: u.Port}}}},
	}
	rt, _ := host.NewRuntime(context.Background(), host.RuntimeConfig{})
	defer rt.Close(context.Background())
	g, err := New(context.Background(), Options{Config: cfg, Runtime: rt, AccessLog: &buf})
	if err != nil {
		t.Fatal(err)
	}
	g.Start()
	defer g.Close()
	resp, err := http.Get("http://" + g.Addrs()[0].String() + "/a%2Fb/c?access_token=secret-value")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	// The line is written when the handler returns, just after the answer.
	for i := 0; i < 200 && buf.String() == ""; i++ {
		time.Sleep(5 * time.Millisecond)
	}
	line := buf.String()
	var entry map[string]any
	if err := json.Unmarshal([]byte(line), &entry); err != nil {
		t.Fatalf("access log %q: %v", line, err)
	}
	if entry["path"] != "/a%2Fb/c" || entry["response_code"] != float64(200) || entry["upstream_cluster"] != "app" {
		t.Errorf("access log entry %v", entry)
	}
	if strings.Contains(line, "secret-value") {
		t.Errorf("access log contains the query: %s", line)
	}
}

type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
