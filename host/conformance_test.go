package host_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/tetratelabs/wazero/sys"

	"github.com/palisade-wasm/palisade/host"
)

// echo is the "echo" cluster: it answers "pong" with an x-echo header
// telling what it received.
func echo(t *testing.T) host.Cluster {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		w.Header().Set("x-echo", r.Method+" "+r.URL.RequestURI()+" "+r.Host+" "+r.Header.Get("x-call")+" "+string(b))
		io.WriteString(w, "pong")
	}))
	t.Cleanup(srv.Close)
	return host.Cluster{Endpoint: srv.URL, Timeout: 2 * time.Second}
}

// vmOptions are what the tests vary between conformance VMs.
type vmOptions struct {
	config   string // plugin configuration (see the guest's package doc)
	vmID     string // "conformance-vm" when empty
	level    host.LogLevel
	shared   *host.SharedData
	metrics  *host.Metrics
	clusters map[string]host.Cluster
}

func newConformanceVM(t *testing.T, o vmOptions) (*host.VM, *logs) {
	t.Helper()
	if o.vmID == "" {
		o.vmID = "conformance-vm"
	}
	l := &logs{}
	var props host.Properties
	props.SetString("node.id", "node-1")
	vm, err := module(t, "conformance").NewVM(context.Background(), host.VMConfig{
		PluginName: "conformance", RootID: "conformance-root", VMID: o.vmID,
		VMConfiguration: []byte("vm-config"), PluginConfiguration: []byte(o.config),
		Clusters: o.clusters, SharedData: o.shared, Metrics: o.metrics,
		LogLevel: o.level, Log: l.add, Properties: props,
	})
	if err != nil {
		t.Fatalf("NewVM: %v (error logs %q)", err, l.get(host.LogError))
	}
	t.Cleanup(vm.Close)
	return vm, l
}

func conn() host.Properties {
	return host.Connection{
		SourceAddress: "127.0.0.1:40000", SourcePort: 40000,
		DestinationAddress: "127.0.0.1:8443", DestinationPort: 8443,
		TLS: true, TLSVersion: "TLSv1.3", RequestedSNI: "app.test",
		MTLS: true, URISANPeer: "spiffe://conformance.test/ns/a/sa/b",
	}.Properties()
}

func hdrs(mode string) host.Headers {
	return host.Headers{{":method", "POST"}, {":path", "/conformance?x=1"}, {":authority", "app"}, {":scheme", "https"},
		{"X-Mode", mode}, {"x-replaced", "old"}, {"x-replaced", "older"}, {"x-remove-me", "x"}}
}

// TestConformanceRoot: every host function called from the root context
// (on_vm_start, on_configure), hostile calls included; logs by level.
func TestConformanceRoot(t *testing.T) {
	for _, c := range []struct {
		level host.LogLevel
		want  map[host.LogLevel][]string
	}{
		{host.LogTrace, map[host.LogLevel][]string{
			host.LogTrace:    {"level trace"},
			host.LogDebug:    {"level debug"},
			host.LogInfo:     {"conformance says hello", "level info"},
			host.LogWarn:     {"level warn"},
			host.LogError:    {"level error"},
			host.LogCritical: {"level critical", "log level is 0"},
		}},
		{host.LogWarn, map[host.LogLevel][]string{
			host.LogWarn:     {"level warn"},
			host.LogError:    {"level error"},
			host.LogCritical: {"level critical", "log level is 3"},
		}},
	} {
		t.Run(c.level.String(), func(t *testing.T) {
			vm, l := newConformanceVM(t, vmOptions{config: "conformance", level: c.level})
			noFailures(t, vm, l)
			for level := host.LogTrace; level <= host.LogCritical; level++ {
				if got := l.get(level); !reflect.DeepEqual(got, c.want[level]) {
					t.Errorf("%s logs: %q, want %q", level, got, c.want[level])
				}
			}
		})
	}
}

// The guest's metrics land in the registry it was given, readable by
// name and printed as Envoy's /stats/prometheus prints custom metrics.
func TestConformanceMetrics(t *testing.T) {
	m := host.NewMetrics()
	vm, l := newConformanceVM(t, vmOptions{config: "conformance", metrics: m})
	noFailures(t, vm, l)
	if v, ok := m.Value("conformance_total"); !ok || v != 15 {
		t.Errorf("conformance_total = %d, %v; want 15", v, ok)
	}
	if v, ok := m.Value("conformance.gauge"); !ok || v != 40 {
		t.Errorf("conformance.gauge = %d, %v; want 40", v, ok)
	}
	if n, ok := m.HistogramCount("conformance_histogram"); !ok || n != 1 {
		t.Errorf("conformance_histogram count = %d, %v; want 1", n, ok)
	}
	var b strings.Builder
	if err := m.WritePrometheus(&b); err != nil {
		t.Fatal(err)
	}
	want := `# TYPE conformance_gauge gauge
conformance_gauge 40
# TYPE conformance_histogram histogram
conformance_histogram_bucket{le="0.5"} 0
conformance_histogram_bucket{le="1"} 0
conformance_histogram_bucket{le="5"} 0
conformance_histogram_bucket{le="10"} 1
conformance_histogram_bucket{le="25"} 1
conformance_histogram_bucket{le="50"} 1
conformance_histogram_bucket{le="100"} 1
conformance_histogram_bucket{le="250"} 1
conformance_histogram_bucket{le="500"} 1
conformance_histogram_bucket{le="1000"} 1
conformance_histogram_bucket{le="2500"} 1
conformance_histogram_bucket{le="5000"} 1
conformance_histogram_bucket{le="10000"} 1
conformance_histogram_bucket{le="30000"} 1
conformance_histogram_bucket{le="60000"} 1
conformance_histogram_bucket{le="300000"} 1
conformance_histogram_bucket{le="600000"} 1
conformance_histogram_bucket{le="1.8e+06"} 1
conformance_histogram_bucket{le="3.6e+06"} 1
conformance_histogram_bucket{le="+Inf"} 1
conformance_histogram_sum 7
conformance_histogram_count 1
# TYPE conformance_total counter
conformance_total 15
`
	if b.String() != want {
		t.Errorf("WritePrometheus:\n%s\nwant:\n%s", b.String(), want)
	}
}

// A plugin that refuses its configuration does not start.
func TestConformanceConfigurationRefused(t *testing.T) {
	l := &logs{}
	_, err := module(t, "conformance").NewVM(context.Background(), host.VMConfig{
		VMConfiguration: []byte("vm-config"), PluginConfiguration: []byte("refuse"), Log: l.add})
	want := "proxy_on_configure: plugin refused the configuration"
	if err == nil || err.Error() != want {
		t.Errorf("NewVM: %v, want %q", err, want)
	}
	if got := l.get(host.LogError); len(got) != 1 || got[0] != "configuration refused" {
		t.Errorf("error logs %q", got)
	}
}

// Ticks reach the root context at the period the plugin set; queue
// notifications reach the VM that registered the queue. Bounded waits.
func TestConformanceTicksAndQueues(t *testing.T) {
	vm, l := newConformanceVM(t, vmOptions{config: "conformance tick"})
	deadline := time.Now().Add(5 * time.Second)
	for (vm.Call("conformance_ticks") < 3 || vm.Call("conformance_queued") < 1) && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := vm.Call("conformance_ticks"); n < 3 {
		t.Errorf("%d ticks in 5 s at a 10 ms period", n)
	}
	if n := vm.Call("conformance_queued"); n != 1 {
		t.Errorf("%d queue items received in on_queue_ready, want 1", n)
	}
	noFailures(t, vm, l)
}

// Shared data is host-wide per VM id: a second VM with the same id sees
// the first one's writes (and its CAS), one with another id does not.
func TestConformanceSharedData(t *testing.T) {
	shared := host.NewSharedData()
	vm1, l1 := newConformanceVM(t, vmOptions{config: "conformance", shared: shared})
	noFailures(t, vm1, l1)
	v, cas, ok := shared.Get("conformance-vm", "conformance/key")
	if !ok || string(v) != "two" || cas == 0 {
		t.Fatalf("after VM 1: %q %d %v", v, cas, ok)
	}
	// A second VM with the same id sees VM 1's value and swaps it with the
	// CAS it read; a VM with another id has a namespace of its own.
	for _, c := range []struct{ vmID, want, after string }{
		{"conformance-vm", "peek: two", "peeked"},
		{"other-vm", "peek: absent", "peeked"},
	} {
		vm, l := newConformanceVM(t, vmOptions{config: "peek", shared: shared, vmID: c.vmID})
		noFailures(t, vm, l)
		if got := l.get(host.LogInfo); len(got) != 1 || got[0] != c.want {
			t.Errorf("%s: info logs %q, want %q", c.vmID, got, c.want)
		}
		if v, _, _ := shared.Get("conformance-vm", "conformance/key"); string(v) != c.after {
			t.Errorf("%s: conformance/key = %q, want %q", c.vmID, v, c.after)
		}
	}
	if !shared.Set("conformance-vm", "conformance/key", []byte("three"), 0) {
		t.Error("a write with CAS 0 was refused")
	}
	_, cas, _ = shared.Get("conformance-vm", "conformance/key")
	if !shared.Set("conformance-vm", "conformance/key", []byte("four"), cas) || shared.Set("conformance-vm", "conformance/key", []byte("five"), cas) {
		t.Error("CAS: the current value must be accepted once, then refused")
	}
}

// Module imports the host lacks, and missing exports, are refused at
// compile time, naming each.
func TestCompileRefuses(t *testing.T) {
	skipWithoutGo(t)
	rt, err := testRuntime()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ guest, want string }{
		{"unknownimport", "module imports what the host does not provide: env.proxy_does_not_exist, wasi_snapshot_preview1.sock_accept"},
		{"noabi", "module lacks exports: proxy_abi_version_0_2_1 (the only ABI version this host speaks)"},
		{"", "module lacks exports: proxy_abi_version_0_2_1 (the only ABI version this host speaks), proxy_on_memory_allocate, memory"},
	} {
		wasm := []byte{0, 'a', 's', 'm', 1, 0, 0, 0} // an empty module
		if c.guest != "" {
			g := build(c.guest)
			if g.wasm == nil {
				t.Fatalf("%s: %v", c.guest, g.err)
			}
			wasm = g.wasm
		}
		if _, err := rt.Compile(context.Background(), wasm); err == nil || err.Error() != c.want {
			t.Errorf("%s: Compile: %v\nwant: %s", c.guest, err, c.want)
		}
	}
}

// exitCode returns the exit code of a proc_exit behind err, or -1.
func exitCode(err error) int {
	var e *sys.ExitError
	if errors.As(err, &e) {
		return int(e.ExitCode())
	}
	return -1
}
