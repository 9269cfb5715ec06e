package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/palisade-wasm/palisade/host"
	"github.com/palisade-wasm/palisade/host/hosttest"
	"github.com/palisade-wasm/palisade/plugin/filter"
	"github.com/tetratelabs/proxy-wasm-go-sdk/proxywasm/proxytest"
	"github.com/tetratelabs/proxy-wasm-go-sdk/proxywasm/types"
)

// One behaviour table, two hosts: every case runs natively under the
// SDK's proxytest emulator ("go") and through the built palisade.wasm in
// Palisade's wazero host ("wasm").

// outcome is what a request came to, in terms both hosts can report.
type outcome struct {
	action  string // "continue" or "respond"
	status  int    // local response status when answered
	body    string
	headers [][2]string // upstream request headers on continue; response headers on respond
}

// pluginHost is a plugin loaded in one of the hosts.
type pluginHost interface {
	// started reports whether the plugin accepted its configuration.
	started() bool
	reconfigure(t *testing.T, cfg string) bool
	// request runs one request; props are connection properties by dotted
	// path ("connection.mtls") in Envoy's encoding.
	request(t *testing.T, headers [][2]string, props map[string][]byte) outcome
	counter(t *testing.T, name string) int64
	logs(level string) []string
}

func forEachHost(t *testing.T, cfg string, f func(t *testing.T, h pluginHost)) {
	forEachHostWithClusters(t, cfg, func(*testing.T) map[string]string { return nil }, f)
}

// forEachHostWithClusters is forEachHost with upstream clusters for the
// plugin's http calls, made for each host before the plugin starts:
// cluster name to base URL ("http://127.0.0.1:9000"). The wasm host calls
// them itself; under proxytest the harness answers each call by making it
// (see goHost.pump).
func forEachHostWithClusters(t *testing.T, cfg string, clusters func(t *testing.T) map[string]string, f func(t *testing.T, h pluginHost)) {
	t.Run("go", func(t *testing.T) {
		cl := clusters(t)
		g := newGoHost(t, cfg)
		g.clusters = cl
		f(t, g)
	})
	t.Run("wasm", func(t *testing.T) { f(t, newWasmHostWithClusters(t, cfg, clusters(t))) })
}

// goHost drives the plugin code natively through proxytest.
type goHost struct {
	emu   proxytest.HostEmulator
	start bool

	// clusters, when set, are where pump sends the plugin's http calls;
	// contexts are the contexts that may have made calls, answered how
	// many of each were answered.
	clusters map[string]string
	contexts []uint32
	answered map[uint32]int
}

// proxytest keeps global state: one emulator at a time.
var goHostMu sync.Mutex

func newGoHost(t *testing.T, cfg string) *goHost {
	goHostMu.Lock()
	opt := proxytest.NewEmulatorOption().WithVMContext(filter.NewVMContext()).WithPluginConfiguration([]byte(cfg))
	emu, reset := proxytest.NewHostEmulator(opt)
	t.Cleanup(func() { reset(); goHostMu.Unlock() })
	if emu.StartVM() != types.OnVMStartStatusOK {
		t.Fatal("OnVMStart failed")
	}
	return &goHost{emu: emu, start: emu.StartPlugin() == types.OnPluginStartStatusOK}
}

func (g *goHost) started() bool { return g.start }

func (g *goHost) reconfigure(t *testing.T, cfg string) bool {
	t.Skip("proxytest cannot hand a running plugin a new configuration; covered by the wasm host")
	return false
}

func (g *goHost) request(t *testing.T, headers [][2]string, props map[string][]byte) outcome {
	for k, v := range props {
		if err := g.emu.SetProperty(strings.Split(k, "."), v); err != nil {
			t.Fatal(err)
		}
	}
	id := g.emu.InitializeHttpContext()
	g.contexts = append(g.contexts, id)
	action := g.emu.CallOnRequestHeaders(id, headers, true)
	defer g.emu.CompleteHttpContext(id)
	if action == types.ActionPause && g.clusters != nil {
		g.pump(t)
		action = g.emu.GetCurrentHttpStreamAction(id)
	}
	if lr := g.emu.GetSentLocalResponse(id); lr != nil {
		return outcome{action: "respond", status: int(lr.StatusCode), body: string(lr.Data), headers: lr.Headers}
	}
	if action != types.ActionContinue {
		t.Fatalf("plugin paused without answering")
	}
	return outcome{action: "continue", headers: g.emu.GetCurrentRequestHeaders(id)}
}

// pump makes the plugin's pending http calls to g.clusters and delivers
// the answers, until no call is pending. proxytest only records calls, by
// the context active when they were made; the plugin makes one call at a
// time per key set, so each is answered in the order made.
func (g *goHost) pump(t *testing.T) {
	if g.answered == nil {
		g.answered = map[uint32]int{}
	}
	for more := true; more; {
		more = false
		for _, ctx := range append([]uint32{proxytest.PluginContextID}, g.contexts...) {
			calls := g.emu.GetCalloutAttributesFromContext(ctx)
			for g.answered[ctx] < len(calls) {
				c := calls[g.answered[ctx]]
				g.answered[ctx]++
				more = true
				headers, body := g.call(t, c)
				g.emu.CallOnHttpCallResponse(c.CalloutID, headers, nil, body)
			}
		}
	}
}

// call makes one recorded http call; a failure is an answer without
// headers, as a host reports a failed call.
func (g *goHost) call(t *testing.T, c proxytest.HttpCalloutAttribute) ([][2]string, []byte) {
	base, ok := g.clusters[c.Upstream]
	if !ok {
		t.Fatalf("http call to unknown cluster %q", c.Upstream)
	}
	var method, path, authority string
	for _, kv := range c.Headers {
		switch kv[0] {
		case ":method":
			method = kv[1]
		case ":path":
			path = kv[1]
		case ":authority":
			authority = kv[1]
		}
	}
	req, err := http.NewRequest(method, base+path, bytes.NewReader(c.Body))
	if err != nil {
		return nil, nil
	}
	req.Host = authority
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, nil
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return [][2]string{{":status", strconv.Itoa(resp.StatusCode)}}, body
}

func (g *goHost) counter(t *testing.T, name string) int64 {
	v, err := g.emu.GetCounterMetric(name)
	if err != nil {
		return 0
	}
	return int64(v)
}

func (g *goHost) logs(level string) []string {
	switch level {
	case "debug":
		return g.emu.GetDebugLogs()
	case "info":
		return g.emu.GetInfoLogs()
	case "warn":
		return g.emu.GetWarnLogs()
	case "error":
		return g.emu.GetErrorLogs()
	}
	return g.emu.GetCriticalLogs()
}

// wasmHost runs the built palisade.wasm in the wazero host.
type wasmHost struct {
	vm      *host.VM
	metrics *host.Metrics
	startOK bool
	mu      sync.Mutex
	logged  map[string][]string
}

func newWasmHost(t *testing.T, cfg string) *wasmHost {
	return newWasmHostWithClusters(t, cfg, nil)
}

func newWasmHostWithClusters(t *testing.T, cfg string, clusters map[string]string) *wasmHost {
	hc := map[string]host.Cluster{}
	for name, base := range clusters {
		hc[name] = host.Cluster{Endpoint: base}
	}
	mod, _, err := hosttest.Module()
	if err != nil {
		t.Fatalf("load palisade.wasm: %v", err)
	}
	w := &wasmHost{metrics: host.NewMetrics(), logged: map[string][]string{}}
	vm, err := mod.NewVM(context.Background(), host.VMConfig{
		PluginName:          "palisade",
		PluginConfiguration: []byte(cfg),
		Clusters:            hc,
		Metrics:             w.metrics,
		LogLevel:            host.LogTrace,
		Log: func(l host.LogLevel, msg string) {
			w.mu.Lock()
			w.logged[l.String()] = append(w.logged[l.String()], msg)
			w.mu.Unlock()
		},
	})
	if err == nil {
		w.vm = vm
		w.startOK = true
		t.Cleanup(vm.Close)
	}
	return w
}

func (w *wasmHost) started() bool { return w.startOK }

func (w *wasmHost) reconfigure(t *testing.T, cfg string) bool {
	return w.vm.Configure([]byte(cfg)) == nil
}

func (w *wasmHost) request(t *testing.T, headers [][2]string, props map[string][]byte) outcome {
	p := host.Connection{SourceAddress: "127.0.0.1:40000", SourcePort: 40000}.Properties()
	for k, v := range props {
		p.SetBytes(k, v)
	}
	s, err := w.vm.NewStream(p)
	if err != nil {
		t.Fatalf("NewStream: %v", err)
	}
	defer s.Close()
	r := s.RequestHeaders(headers, true)
	if r.Action == host.Pause {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		r = s.Wait(ctx)
	}
	switch r.Action {
	case host.Respond:
		return outcome{action: "respond", status: r.Local.Status, body: string(r.Local.Body), headers: r.Local.Headers}
	case host.Continue:
		return outcome{action: "continue", headers: s.Request().Headers}
	}
	t.Fatalf("request ended in %v: %v", r.Action, r.Err)
	return outcome{}
}

func (w *wasmHost) counter(t *testing.T, name string) int64 {
	v, _ := w.metrics.Value(name)
	return v
}

func (w *wasmHost) logs(level string) []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]string(nil), w.logged[level]...)
}
