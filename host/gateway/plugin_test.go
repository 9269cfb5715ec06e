package gateway

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/palisade-wasm/palisade/host"
	"github.com/palisade-wasm/palisade/host/envoyconfig"
	"github.com/palisade-wasm/palisade/host/hosttest"
)

var (
	guestOnce sync.Once
	guestPath string
	guestErr  error
)

// startGuestGateway runs the gateway with the test guest
// (plugin/internal/testguest) in front of app, with a second cluster,
// "backend", for the guest's http calls.
func startGuestGateway(t *testing.T, app, backend string, pause time.Duration) *Gateway {
	t.Helper()
	guestOnce.Do(func() { guestPath, guestErr = hosttest.BuildGuest("plugin/internal/testguest") })
	if guestErr != nil {
		t.Fatal(guestErr)
	}
	port := func(u string) int {
		a, _ := net.ResolveTCPAddr("tcp", strings.TrimPrefix(u, "http://"))
		return a.Port
	}
	cfg := &envoyconfig.Config{
		Admin: &envoyconfig.Address{Host: "127.0.0.1"},
		Listeners: []envoyconfig.Listener{{Name: "in", Address: envoyconfig.Address{Host: "127.0.0.1"}, IdleTimeout: time.Minute,
			MaxRequestHeadersKB: 60,
			Routes:              []envoyconfig.Route{{Domains: []string{"*"}, Prefix: "/", Cluster: "app", Timeout: 5 * time.Second}},
			Wasm:                &envoyconfig.WasmFilter{Name: "testguest", ModulePath: guestPath}}},
		Clusters: map[string]envoyconfig.Cluster{
			"app":     {Name: "app", ConnectTimeout: time.Second, Endpoints: []envoyconfig.Address{{Host: "127.0.0.1", Port: port(app)}}},
			"backend": {Name: "backend", ConnectTimeout: time.Second, Endpoints: []envoyconfig.Address{{Host: "127.0.0.1", Port: port(backend)}}},
		},
	}
	ctx := context.Background()
	rt, err := host.NewRuntime(ctx, host.RuntimeConfig{CacheDir: hosttest.CacheDir()})
	if err != nil {
		t.Fatal(err)
	}
	g, err := New(ctx, Options{Config: cfg, Runtime: rt, VMs: 2, PauseTimeout: pause,
		PluginLog: func(l host.LogLevel, msg string) { t.Logf("plugin %s: %s", l, msg) }})
	if err != nil {
		t.Fatal(err)
	}
	if err := g.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { g.Close(); rt.Close(ctx) })
	return g
}

func get(t *testing.T, url string) (int, string, http.Header) {
	t.Helper()
	resp, err := (&http.Client{Timeout: 10 * time.Second}).Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header
}

// A stream the plugin pauses to make an http call is resumed by the
// call's answer, with the header the plugin added on the way.
func TestPausedStreamResumedByHTTPCall(t *testing.T) {
	app := echo(t)
	backend := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/lookup" || r.Host != "backend" {
			http.Error(w, "unexpected "+r.Host+r.URL.Path, 400)
			return
		}
		io.WriteString(w, "hello")
	}))
	defer backend.Close()
	g := startGuestGateway(t, app.URL, backend.URL, 5*time.Second)
	status, body, _ := get(t, "http://"+g.Addrs()[0].String()+"/call/x")
	if status != 200 || !strings.Contains(body, `"X-Lookup":["200 5"]`) {
		t.Errorf("got %d %s, want 200 with x-lookup 200 5", status, body)
	}
}

// When the plugin's http call fails, the plugin's answer (503) is what the
// client gets; the upstream never sees the request.
func TestHTTPCallFailureAnswered(t *testing.T) {
	var appHits atomic.Int64
	app := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { appHits.Add(1) }))
	defer app.Close()
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	down := "http://" + ln.Addr().String()
	ln.Close()
	g := startGuestGateway(t, app.URL, down, 5*time.Second)
	status, body, _ := get(t, "http://"+g.Addrs()[0].String()+"/call/x")
	if status != 503 || body != "lookup failed" || appHits.Load() != 0 {
		t.Errorf("got %d %q with %d upstream hits, want 503 lookup failed and none", status, body, appHits.Load())
	}
}

// A stream paused past the bound fails closed with 500.
func TestPauseTimeoutFailsClosed(t *testing.T) {
	app := echo(t)
	g := startGuestGateway(t, app.URL, app.URL, 200*time.Millisecond)
	start := time.Now()
	status, body, _ := get(t, "http://"+g.Addrs()[0].String()+"/pause/x")
	if status != 500 || !strings.Contains(body, `"reason":"plugin_pause_timeout"`) {
		t.Errorf("got %d %s, want 500 plugin_pause_timeout", status, body)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("answered after %v", d)
	}
}

// A panic in the plugin answers 500 for that stream; the VM serves on.
func TestPluginPanicFailsClosed(t *testing.T) {
	app := echo(t)
	g := startGuestGateway(t, app.URL, app.URL, time.Second)
	base := "http://" + g.Addrs()[0].String()
	status, body, _ := get(t, base+"/panic/x")
	if status != 500 || !strings.Contains(body, "filter_panic") {
		t.Errorf("got %d %s, want 500 filter_panic", status, body)
	}
	for i := 0; i < 4; i++ {
		if status, _, _ := get(t, base+"/ok"); status != 200 {
			t.Fatalf("after the panic: %d", status)
		}
	}
}

// A VM that exits fails its stream closed and is replaced; the gateway
// keeps serving.
func TestDeadVMIsReplaced(t *testing.T) {
	app := echo(t)
	g := startGuestGateway(t, app.URL, app.URL, time.Second)
	base := "http://" + g.Addrs()[0].String()
	status, body, _ := get(t, base+"/exit/x")
	if status != 500 || !strings.Contains(body, `"reason":"plugin_failed"`) {
		t.Errorf("got %d %s, want 500 plugin_failed", status, body)
	}
	deadline := time.Now().Add(10 * time.Second)
	for !g.listeners[0].pool.ready() && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	for i := 0; i < 8; i++ {
		if status, _, _ := get(t, base+"/ok"); status != 200 {
			t.Fatalf("request %d after the VM died: %d", i, status)
		}
	}
	if n := g.listeners[0].pool.replacements(); n != 1 {
		t.Errorf("%d VMs replaced, want 1", n)
	}
}
