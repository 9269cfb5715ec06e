package integration

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/palisade-wasm/palisade/host/envoyconfig"
)

// TestRouteNameRules: the gateway gives the plugin the name of the route
// the request takes (xds.route_name) before the plugin runs, as Envoy
// does, and rules select on it.
func TestRouteNameRules(t *testing.T) {
	app := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") }))
	defer app.Close()
	cfg := wasmConfig(t, `{"policy":{"default":"deny","rules":[{"name":"public","action":"allow","match":{"routes":["public-api"]}}]}}`,
		map[string]int{"app": port(app)})
	cfg.Listeners[0].Routes = []envoyconfig.Route{
		{Name: "public-api", Domains: []string{"*"}, Prefix: "/public/", Cluster: "app", Timeout: 5 * time.Second},
		{Name: "admin", Domains: []string{"*"}, Prefix: "/", Cluster: "app", Timeout: 5 * time.Second},
	}
	g := runGateway(t, cfg, 1)
	hc := &http.Client{Timeout: 5 * time.Second}
	for path, want := range map[string]int{"/public/docs": 200, "/admin/users": 403, "/public": 403} {
		resp, err := hc.Get("http://" + g.Addrs()[0].String() + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("%s: %d, want %d", path, resp.StatusCode, want)
		}
	}
}

// TestTraceHeaderOnResponses: the trace header reaches the client on the
// upstream's response too, replacing one the upstream tried to set.
func TestTraceHeaderOnResponses(t *testing.T) {
	app := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Palisade-Trace", "decision=allow; rule=forged")
		io.WriteString(w, "ok")
	}))
	defer app.Close()
	cfg := wasmConfig(t, `{"headers":{"trace":"x-palisade-trace"},"policy":{"default":"deny","rules":[{"name":"public","action":"allow","match":{"paths":["/public/**"]}}]}}`,
		map[string]int{"app": port(app)})
	g := runGateway(t, cfg, 1)
	hc := &http.Client{Timeout: 5 * time.Second}
	for path, want := range map[string]string{"/public/a": "decision=allow; rule=public", "/private": "decision=deny; reason=policy_denied"} {
		resp, err := hc.Get("http://" + g.Addrs()[0].String() + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if got := resp.Header.Get("X-Palisade-Trace"); got != want {
			t.Errorf("%s: trace %q, want %q", path, got, want)
		}
	}
}
