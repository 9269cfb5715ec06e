package integration

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/palisade-wasm/palisade/host"
	"github.com/palisade-wasm/palisade/host/envoyconfig"
	"github.com/palisade-wasm/palisade/host/gateway"
	"github.com/palisade-wasm/palisade/host/hosttest"
)

// Opaque tokens checked with an RFC 7662 introspection endpoint on
// loopback, through the gateway and palisade.wasm.
func TestIntrospection(t *testing.T) {
	var calls atomic.Int64
	endpoint := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		id, secret, _ := r.BasicAuth()
		r.ParseForm()
		if r.Method != "POST" || id != "palisade" || secret != "s3cret" || r.Form.Get("token_type_hint") != "access_token" {
			http.Error(w, "bad client", 401)
			return
		}
		exp := time.Now().Unix() + 600
		switch r.Form.Get("token") {
		case "opaque-alice":
			json.NewEncoder(w).Encode(map[string]any{"active": true, "sub": "alice", "aud": "orders", "exp": exp, "scope": "orders:read"})
		case "opaque-other-audience":
			json.NewEncoder(w).Encode(map[string]any{"active": true, "sub": "bob", "aud": "billing", "exp": exp})
		case "opaque-slow":
			time.Sleep(1500 * time.Millisecond)
			json.NewEncoder(w).Encode(map[string]any{"active": true, "sub": "carol", "aud": "orders", "exp": exp})
		default:
			io.WriteString(w, `{"active":false}`)
		}
	}))
	defer endpoint.Close()
	app := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok:"+r.Header.Get("X-Palisade-User")) }))
	defer app.Close()

	wasm, err := hosttest.WasmPath()
	if err != nil {
		t.Fatal(err)
	}
	plugin := `{"providers":[{"name":"as","audiences":["orders"],
		"introspection":{"cluster":"as","path":"/introspect","client_id":"palisade","client_secret":"s3cret","timeout_seconds":1}}]}`
	cfg := &envoyconfig.Config{
		Listeners: []envoyconfig.Listener{{Name: "in", Address: envoyconfig.Address{Host: "127.0.0.1"}, IdleTimeout: time.Minute,
			MaxRequestHeadersKB: 60,
			Routes:              []envoyconfig.Route{{Domains: []string{"*"}, Prefix: "/", Cluster: "app", Timeout: 5 * time.Second}},
			Wasm:                &envoyconfig.WasmFilter{Name: "palisade", ModulePath: wasm, Configuration: []byte(plugin)}}},
		Clusters: map[string]envoyconfig.Cluster{
			"app": {Name: "app", ConnectTimeout: time.Second, Endpoints: []envoyconfig.Address{{Host: "127.0.0.1", Port: port(app)}}},
			"as":  {Name: "as", ConnectTimeout: time.Second, Endpoints: []envoyconfig.Address{{Host: "127.0.0.1", Port: port(endpoint)}}},
		},
	}
	ctx := context.Background()
	rt, err := host.NewRuntime(ctx, host.RuntimeConfig{CacheDir: hosttest.CacheDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer rt.Close(ctx)
	g, err := gateway.New(ctx, gateway.Options{Config: cfg, Runtime: rt, VMs: 1})
	if err != nil {
		t.Fatal(err)
	}
	g.Start()
	defer g.Close()
	url := "http://" + g.Addrs()[0].String() + "/orders"

	tests := []struct {
		token  string
		status int
		want   string
	}{
		{"opaque-alice", 200, "ok:alice"},
		{"opaque-alice", 200, "ok:alice"}, // from the cache
		{"opaque-revoked", 401, `"reason":"token_inactive"`},
		{"opaque-other-audience", 401, `"reason":"wrong_audience"`},
		{"opaque-slow", 401, `"reason":"introspection_unavailable"`},
	}
	for _, tc := range tests {
		status, body := call(t, url, tc.token)
		if status != tc.status || !strings.Contains(body, tc.want) {
			t.Errorf("%s: %d %s, want %d %s", tc.token, status, body, tc.status, tc.want)
		}
	}
	if n := calls.Load(); n != 4 {
		t.Errorf("%d introspection calls, want 4 (the repeated token is cached)", n)
	}
}
