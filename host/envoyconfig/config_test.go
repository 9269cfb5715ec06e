package envoyconfig

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The repository's own envoy.yaml must always parse: it is what make run
// and a real Envoy sidecar both load.
func TestRepositoryEnvoyYAML(t *testing.T) {
	c, err := ParseFile(filepath.Join("..", "..", "envoy.yaml"), os.ReadFile)
	if err != nil {
		t.Fatalf("ParseFile: %v", err)
	}
	if len(c.Listeners) != 1 {
		t.Fatalf("%d listeners, want 1", len(c.Listeners))
	}
	l := c.Listeners[0]
	if l.Wasm == nil || filepath.Base(l.Wasm.ModulePath) != "palisade.wasm" || l.Wasm.FailOpen {
		t.Errorf("wasm filter = %+v", l.Wasm)
	}
	if !strings.HasPrefix(string(l.Wasm.Configuration), "{") {
		t.Errorf("plugin configuration = %q, want a JSON object", l.Wasm.Configuration)
	}
	for _, name := range []string{"app", "idp"} {
		if _, ok := c.Clusters[name]; !ok {
			t.Errorf("cluster %q missing", name)
		}
	}
	if c.Admin == nil {
		t.Error("admin listener missing")
	}
}

const minimal = `
static_resources:
  listeners:
  - name: in
    address: {socket_address: {address: 127.0.0.1, port_value: 10000}}
    filter_chains:
    - filters:
      - name: envoy.filters.network.http_connection_manager
        typed_config:
          "@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
          stat_prefix: in
          route_config:
            virtual_hosts:
            - name: all
              domains: ["*"]
              routes:
              - match: {prefix: "/"}
                route: {cluster: app, timeout: 2.5s}
          http_filters:
          - name: envoy.filters.http.router
            typed_config:
              "@type": type.googleapis.com/envoy.extensions.filters.http.router.v3.Router
  clusters:
  - name: app
    connect_timeout: 1s
    load_assignment:
      cluster_name: app
      endpoints:
      - lb_endpoints:
        - endpoint: {address: {socket_address: {address: 127.0.0.1, port_value: 9000}}}
`

func TestParseMinimal(t *testing.T) {
	c, err := Parse([]byte(minimal), "/etc/palisade")
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	l := c.Listeners[0]
	if l.Address.String() != "127.0.0.1:10000" || l.Wasm != nil || l.TLS != nil {
		t.Errorf("listener = %+v", l)
	}
	if len(l.Routes) != 1 || l.Routes[0].Cluster != "app" || l.Routes[0].Timeout != 2500*time.Millisecond {
		t.Errorf("routes = %+v", l.Routes)
	}
	if ep := c.Clusters["app"].Endpoints; len(ep) != 1 || ep[0].String() != "127.0.0.1:9000" {
		t.Errorf("endpoints = %+v", ep)
	}
}

func TestParseRefusals(t *testing.T) {
	tests := []struct {
		name     string
		old, new string
		want     string
	}{
		{name: "unknown top-level field", old: "static_resources:", new: "dynamic_resources: {}\nstatic_resources:",
			want: "envoy.yaml: dynamic_resources: not supported by palisade serve"},
		{name: "unknown http filter", old: "          - name: envoy.filters.http.router\n",
			new:  "          - name: envoy.filters.http.ext_authz\n            typed_config: {}\n          - name: envoy.filters.http.router\n",
			want: `envoy.yaml: static_resources.listeners[0].filter_chains[0].filters[0].typed_config.http_filters[0].name: http filter "envoy.filters.http.ext_authz" is not supported by palisade serve (only envoy.filters.http.wasm and envoy.filters.http.router)`},
		{name: "unknown cluster in route", old: "route: {cluster: app,", new: "route: {cluster: nope,",
			want: `envoy.yaml: static_resources.listeners[0] route 0: unknown cluster "nope"`},
		{name: "unsupported lb policy", old: "    connect_timeout: 1s\n", new: "    connect_timeout: 1s\n    lb_policy: MAGLEV\n",
			want: `envoy.yaml: static_resources.clusters[0].lb_policy: "MAGLEV" is not supported by palisade serve (supported: ROUND_ROBIN)`},
		{name: "bad duration", old: "timeout: 2.5s", new: "timeout: 2500ms",
			want: `envoy.yaml: static_resources.listeners[0].filter_chains[0].filters[0].typed_config.route_config.virtual_hosts[0].routes[0].route.timeout: must be a duration in seconds, like "2s" or "0.25s"`},
		{name: "unknown route field", old: "route: {cluster: app, timeout: 2.5s}", new: "route: {cluster: app, timeout: 2.5s, prefix_rewrite: /x}",
			want: `envoy.yaml: static_resources.listeners[0].filter_chains[0].filters[0].typed_config.route_config.virtual_hosts[0].routes[0].route.prefix_rewrite: not supported by palisade serve`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			doc := strings.Replace(minimal, tc.old, tc.new, 1)
			if doc == minimal {
				t.Fatal("test edit did not apply")
			}
			_, err := Parse([]byte(doc), "")
			if err == nil {
				t.Fatal("Parse succeeded")
			}
			if err.Error() != tc.want {
				t.Errorf("error:\n%s\nwant:\n%s", err, tc.want)
			}
		})
	}
}
