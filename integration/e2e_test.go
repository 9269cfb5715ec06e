package integration

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/palisade-wasm/palisade/host/envoyconfig"
	"github.com/palisade-wasm/palisade/host/hosttest"
)

// pluginConfig is the plugin configuration of every case.
const pluginConfig = `{"log_level":"info","service":{"trust_domains":["shop.example"]}}`

// envoyYAML is the configuration both proxies run: one TLS listener that
// verifies client certificates when given, palisade.wasm, one upstream.
const envoyYAML = `
static_resources:
  listeners:
  - name: ingress
    address: {socket_address: {address: 127.0.0.1, port_value: %d}}
    filter_chains:
    - transport_socket:
        name: envoy.transport_sockets.tls
        typed_config:
          "@type": type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext
          common_tls_context:
            tls_certificates:
            - certificate_chain: {filename: %q}
              private_key: {filename: %q}
            validation_context:
              trusted_ca: {filename: %q}
      filters:
      - name: envoy.filters.network.http_connection_manager
        typed_config:
          "@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
          stat_prefix: ingress
          use_remote_address: true
          route_config:
            virtual_hosts:
            - name: app
              domains: ["*"]
              routes:
              - match: {prefix: "/"}
                route: {cluster: app, timeout: 5s}
          http_filters:
          - name: envoy.filters.http.wasm
            typed_config:
              "@type": type.googleapis.com/envoy.extensions.filters.http.wasm.v3.Wasm
              config:
                name: palisade
                root_id: palisade
                fail_open: false
                vm_config:
                  vm_id: palisade
                  runtime: envoy.wasm.runtime.v8
                  code: {local: {filename: %q}}
                configuration:
                  "@type": type.googleapis.com/google.protobuf.StringValue
                  value: %q
          - name: envoy.filters.http.router
            typed_config:
              "@type": type.googleapis.com/envoy.extensions.filters.http.router.v3.Router
  clusters:
  - name: app
    type: STATIC
    connect_timeout: 2s
    load_assignment:
      cluster_name: app
      endpoints:
      - lb_endpoints:
        - endpoint: {address: {socket_address: {address: 127.0.0.1, port_value: %d}}}
`

// seen is what the upstream reports about a request it received.
type seen struct {
	Path    string
	Headers http.Header
}

type testCase struct {
	name    string
	path    string
	headers map[string]string
	client  string // SPIFFE ID of the client certificate; "" for none
	// want
	status   int
	reason   string            // reason code in a local answer
	upPath   string            // path the upstream saw
	upHeader map[string]string // headers the upstream must have seen
	upAbsent []string          // headers the upstream must not have seen
}

var cases = []testCase{
	{name: "mtls caller is the service", path: "/payments/1", client: "spiffe://shop.example/ns/payments/sa/payments",
		status: 200, upPath: "/payments/1", upHeader: map[string]string{"X-Palisade-Service": "spiffe://shop.example/ns/payments/sa/payments"}},
	{name: "tls without client certificate has no service", path: "/payments/1",
		status: 200, upPath: "/payments/1", upAbsent: []string{"X-Palisade-Service"}},
	{name: "forged service header is dropped", path: "/", headers: map[string]string{"X-Palisade-Service": "spiffe://shop.example/ns/payments/sa/payments", "X-Palisade-User": "admin"},
		status: 200, upPath: "/", upAbsent: []string{"X-Palisade-Service", "X-Palisade-User"}},
	{name: "forged xfcc is dropped", path: "/", headers: map[string]string{"X-Forwarded-Client-Cert": "URI=spiffe://shop.example/ns/payments/sa/payments"},
		status: 200, upPath: "/", upAbsent: []string{"X-Forwarded-Client-Cert", "X-Palisade-Service"}},
	{name: "foreign trust domain is no service", path: "/", client: "spiffe://evil.example/ns/payments/sa/payments",
		status: 200, upPath: "/", upAbsent: []string{"X-Palisade-Service"}},
	{name: "dot segments are resolved before forwarding", path: "/public/%2e%2e/admin/./users",
		status: 200, upPath: "/admin/users"},
	{name: "encoded slash is refused", path: "/files/a%2Fb", status: 400, reason: "path_encoded_slash"},
	{name: "backslash is refused", path: "/files/a%5Cb", status: 400, reason: "path_encoded_slash"},
}

// proxyUnderTest is a running proxy and its address.
type proxyUnderTest struct {
	addr string
	stop func()
}

func TestEndToEnd(t *testing.T) {
	pki := hosttest.NewPKI(t)
	wasm, err := hosttest.WasmPath()
	if err != nil {
		t.Fatal(err)
	}
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		json.NewEncoder(w).Encode(seen{Path: r.URL.RequestURI(), Headers: r.Header})
	}))
	defer upstream.Close()
	upPort := upstream.Listener.Addr().(*net.TCPAddr).Port

	proxies := map[string]func(t *testing.T, yaml string, port int) proxyUnderTest{
		"gateway": startGateway,
		"envoy":   startEnvoy,
	}
	for _, name := range []string{"gateway", "envoy"} {
		t.Run(name, func(t *testing.T) {
			port := freePort(t)
			yaml := fmt.Sprintf(envoyYAML, port, pki.CertFile, pki.KeyFile, pki.CAFile, wasm, pluginConfig, upPort)
			p := proxies[name](t, yaml, port)
			defer p.stop()
			for _, tc := range cases {
				t.Run(tc.name, func(t *testing.T) { run(t, pki, p.addr, tc) })
			}
		})
	}
}

func run(t *testing.T, pki *hosttest.PKI, addr string, tc testCase) {
	cfg := &tls.Config{RootCAs: pki.Pool, ServerName: "localhost"}
	if tc.client != "" {
		cfg.Certificates = []tls.Certificate{pki.Client(tc.client)}
	}
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: cfg}}
	// url.Parse keeps the path as written (RawPath), so it is sent as is.
	req, _ := http.NewRequest("GET", "https://"+addr+tc.path, nil)
	for k, v := range tc.headers {
		req.Header.Set(k, v)
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != tc.status {
		t.Fatalf("status %d (%s), want %d", resp.StatusCode, body, tc.status)
	}
	if tc.reason != "" {
		var answer struct{ Error, Reason, RequestID string }
		if err := json.Unmarshal(body, &answer); err != nil || answer.Reason != tc.reason {
			t.Errorf("answer %s, want reason %s", body, tc.reason)
		}
		return
	}
	var s seen
	if err := json.Unmarshal(body, &s); err != nil {
		t.Fatalf("upstream answer %s: %v", body, err)
	}
	if s.Path != tc.upPath {
		t.Errorf("upstream saw path %q, want %q", s.Path, tc.upPath)
	}
	for k, v := range tc.upHeader {
		if got := s.Headers.Get(k); got != v {
			t.Errorf("upstream saw %s = %q, want %q", k, got, v)
		}
	}
	for _, k := range tc.upAbsent {
		if got, ok := s.Headers[http.CanonicalHeaderKey(k)]; ok {
			t.Errorf("upstream saw %s = %q; it must have been removed", k, got)
		}
	}
}

func startGateway(t *testing.T, yaml string, port int) proxyUnderTest {
	cfg, err := envoyconfig.Parse([]byte(yaml), "")
	if err != nil {
		t.Fatal(err)
	}
	g := runGateway(t, cfg, 2)
	return proxyUnderTest{addr: g.Addrs()[0].String(), stop: func() {}}
}

// startEnvoy runs the same configuration in a real Envoy; it skips, saying
// so, when no envoy binary is installed.
func startEnvoy(t *testing.T, yaml string, port int) proxyUnderTest {
	bin, err := exec.LookPath("envoy")
	if err != nil {
		t.Skip("no envoy binary on PATH: the Envoy run of the end-to-end table needs Envoy >= 1.33 installed")
	}
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "envoy.yaml")
	os.WriteFile(cfgPath, []byte(yaml), 0o600)
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, bin, "-c", cfgPath, "--log-level", "warn", "--base-id", fmt.Sprint(port))
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	deadline := time.Now().Add(30 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			c.Close()
			break
		}
		if time.Now().After(deadline) {
			cancel()
			t.Fatalf("envoy did not listen on %s in 30s", addr)
		}
		time.Sleep(100 * time.Millisecond)
	}
	return proxyUnderTest{addr: addr, stop: func() { cancel(); cmd.Wait() }}
}

func freePort(t *testing.T) int {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}
