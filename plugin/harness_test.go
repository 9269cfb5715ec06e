package main

import (
	"context"
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
	t.Run("go", func(t *testing.T) { f(t, newGoHost(t, cfg)) })
	t.Run("wasm", func(t *testing.T) { f(t, newWasmHost(t, cfg)) })
}

// goHost drives the plugin code natively through proxytest.
type goHost struct {
	emu   proxytest.HostEmulator
	start bool
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
	action := g.emu.CallOnRequestHeaders(id, headers, true)
	defer g.emu.CompleteHttpContext(id)
	if lr := g.emu.GetSentLocalResponse(id); lr != nil {
		return outcome{action: "respond", status: int(lr.StatusCode), body: string(lr.Data), headers: lr.Headers}
	}
	if action != types.ActionContinue {
		t.Fatalf("plugin paused without answering")
	}
	return outcome{action: "continue", headers: g.emu.GetCurrentRequestHeaders(id)}
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
	mod, _, err := hosttest.Module()
	if err != nil {
		t.Fatalf("load palisade.wasm: %v", err)
	}
	w := &wasmHost{metrics: host.NewMetrics(), logged: map[string][]string{}}
	vm, err := mod.NewVM(context.Background(), host.VMConfig{
		PluginName:          "palisade",
		PluginConfiguration: []byte(cfg),
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
