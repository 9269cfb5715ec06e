package host_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/palisade-wasm/palisade/host"
	"github.com/palisade-wasm/palisade/host/hosttest"
)

var (
	confOnce sync.Once
	confMod  *host.Module
	confErr  error
)

// conformance returns the conformance guest (host/testdata/conformance),
// built and compiled once per test binary.
func conformance(t *testing.T) *host.Module {
	t.Helper()
	confOnce.Do(func() {
		var path string
		if path, confErr = hosttest.BuildGuest("host/testdata/conformance"); confErr != nil {
			return
		}
		var wasm []byte
		if wasm, confErr = readFile(path); confErr != nil {
			return
		}
		ctx := context.Background()
		var rt *host.Runtime
		if rt, confErr = host.NewRuntime(ctx, host.RuntimeConfig{CacheDir: hosttest.CacheDir()}); confErr != nil {
			return
		}
		confMod, confErr = rt.Compile(ctx, wasm)
	})
	if confErr != nil {
		t.Fatal(confErr)
	}
	return confMod
}

// logs collects a VM's log lines by level.
type logs struct {
	mu    sync.Mutex
	lines map[host.LogLevel][]string
}

func (l *logs) add(level host.LogLevel, msg string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.lines == nil {
		l.lines = map[host.LogLevel][]string{}
	}
	l.lines[level] = append(l.lines[level], msg)
}

func (l *logs) get(level host.LogLevel) []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.lines[level]...)
}

func newConformanceVM(t *testing.T, pluginConfig string, shared *host.SharedData) (*host.VM, *logs) {
	t.Helper()
	echo := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "pong") }))
	t.Cleanup(echo.Close)
	l := &logs{}
	var props host.Properties
	vm, err := conformance(t).NewVM(context.Background(), host.VMConfig{
		PluginName: "conformance", VMID: "conformance-vm",
		VMConfiguration: []byte("vm-config"), PluginConfiguration: []byte(pluginConfig),
		Clusters:   map[string]host.Cluster{"echo": {Endpoint: echo.URL, Timeout: 2 * time.Second}},
		SharedData: shared, LogLevel: host.LogTrace, Log: l.add, Properties: props,
	})
	if err != nil {
		t.Fatalf("NewVM: %v (logs %q)", err, l.get(host.LogError))
	}
	t.Cleanup(vm.Close)
	return vm, l
}

// noFailures fails the test with the guest's FAIL lines, if any.
func noFailures(t *testing.T, l *logs) {
	t.Helper()
	var fails []string
	for _, line := range l.get(host.LogError) {
		if strings.HasPrefix(line, "FAIL ") {
			fails = append(fails, line)
		}
	}
	if len(fails) > 0 {
		t.Errorf("the conformance guest found %d wrong answers:\n%s", len(fails), strings.Join(fails, "\n"))
	}
}

// TestConformanceRoot: every host function called from the root context
// (during on_vm_start and on_configure), with hostile arguments.
func TestConformanceRoot(t *testing.T) {
	_, l := newConformanceVM(t, "conformance", nil)
	noFailures(t, l)
	if got := l.get(host.LogInfo); len(got) == 0 || got[0] != "conformance says hello" {
		t.Errorf("info logs %q", got)
	}
}

func conn() host.Properties {
	return host.Connection{SourceAddress: "127.0.0.1:40000", SourcePort: 40000, MTLS: true, TLS: true,
		URISANPeer: "spiffe://conformance.test/ns/a/sa/b"}.Properties()
}

func hdrs(mode string) host.Headers {
	return host.Headers{{":method", "POST"}, {":path", "/conformance"}, {":authority", "app"}, {":scheme", "https"},
		{"x-mode", mode}, {"x-replaced", "old"}, {"x-replaced", "older"}, {"x-remove-me", "x"}}
}

func TestConformanceStreams(t *testing.T) {
	vm, l := newConformanceVM(t, "conformance", nil)

	t.Run("continue with changed headers", func(t *testing.T) {
		s, _ := vm.NewStream(conn())
		defer s.Close()
		if r := s.RequestHeaders(hdrs("continue"), true); r.Action != host.Continue {
			t.Fatalf("%v %v", r.Action, r.Err)
		}
		h := s.Request().Headers
		if v, _ := h.Get("x-added"); v != "one,two" {
			t.Errorf("x-added = %q", v)
		}
		if v := h.Values("x-replaced"); len(v) != 1 || v[0] != "one" {
			t.Errorf("x-replaced = %q", v)
		}
		if _, ok := h.Get("x-remove-me"); ok {
			t.Error("x-remove-me survived")
		}
		if r := s.ResponseHeaders(host.Headers{{":status", "200"}}, true); r.Action != host.Continue {
			t.Fatal(r.Action)
		}
		if v, _ := s.Response().Headers.Get("x-conformance"); v != "seen" {
			t.Errorf("response header %q", v)
		}
	})
	t.Run("local response", func(t *testing.T) {
		s, _ := vm.NewStream(conn())
		defer s.Close()
		r := s.RequestHeaders(hdrs("local"), true)
		if r.Action != host.Respond || r.Local.Status != 403 || string(r.Local.Body) != "no" || r.Local.Details != "denied_by_conformance" {
			t.Fatalf("%v %+v", r.Action, r.Local)
		}
		if v, _ := r.Local.Headers.Get("x-reason"); v != "test" {
			t.Errorf("local response headers %q", r.Local.Headers)
		}
		if r := s.RequestBody([]byte("x"), true); r.Action != host.Respond {
			t.Errorf("a phase after a local response: %v", r.Action)
		}
	})
	t.Run("paused by an http call, continued from its callback", func(t *testing.T) {
		s, _ := vm.NewStream(conn())
		defer s.Close()
		if r := s.RequestHeaders(hdrs("call"), true); r.Action != host.Pause {
			t.Fatalf("%v", r.Action)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if r := s.Wait(ctx); r.Action != host.Continue {
			t.Fatalf("%v %v", r.Action, r.Err)
		}
		if v, _ := s.Request().Headers.Get("x-called"); v != "200 pong" {
			t.Errorf("x-called = %q", v)
		}
	})
	t.Run("body buffered and rewritten", func(t *testing.T) {
		s, _ := vm.NewStream(conn())
		defer s.Close()
		s.RequestHeaders(hdrs("body"), false)
		if r := s.RequestBody([]byte("ab"), false); r.Action != host.Pause {
			t.Fatalf("first chunk: %v", r.Action)
		}
		r := s.RequestBody([]byte("cd"), true)
		if r.Action != host.Continue || string(r.Body) != "<abcd>" {
			t.Fatalf("%v %q", r.Action, r.Body)
		}
	})
	noFailures(t, l)

	t.Run("a trap fails the stream and the VM", func(t *testing.T) {
		s, _ := vm.NewStream(conn())
		r := s.RequestHeaders(hdrs("trap"), true)
		if r.Action != host.Fail {
			t.Fatalf("%v", r.Action)
		}
		if err := vm.Err(); err == nil || !strings.Contains(err.Error(), "vm failed") {
			t.Errorf("Err() = %v", err)
		}
		if _, err := vm.NewStream(conn()); err == nil {
			t.Error("a failed VM started a stream")
		}
		// A new VM from the same module serves on.
		vm2, l2 := newConformanceVM(t, "conformance", nil)
		s2, _ := vm2.NewStream(conn())
		defer s2.Close()
		if r := s2.RequestHeaders(hdrs("continue"), true); r.Action != host.Continue {
			t.Fatalf("fresh VM: %v", r.Action)
		}
		noFailures(t, l2)
	})
}

// Ticks reach the root context at the period the plugin set; queue
// notifications reach the VM that registered the queue.
func TestConformanceTicksAndQueues(t *testing.T) {
	vm, l := newConformanceVM(t, "conformance tick", nil)
	deadline := time.Now().Add(3 * time.Second)
	for vm.Call("conformance_ticks") < 3 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := vm.Call("conformance_ticks"); n < 3 {
		t.Errorf("%d ticks in 3 s at a 10 ms period", n)
	}
	for vm.Call("conformance_queued") < 1 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := vm.Call("conformance_queued"); n != 1 {
		t.Errorf("%d queue notifications, want 1", n)
	}
	noFailures(t, l)
}

// Shared data is host-wide: two VMs given the same store see each
// other's writes and CAS values.
func TestConformanceSharedAcrossVMs(t *testing.T) {
	shared := host.NewSharedData()
	newConformanceVM(t, "conformance", shared)
	v, cas, ok := shared.Get("conformance/key")
	if !ok || string(v) != "two" || cas == 0 {
		t.Fatalf("after VM 1: %q %d %v", v, cas, ok)
	}
	if !shared.Set("conformance/key", []byte("three"), cas) || shared.Set("conformance/key", []byte("four"), cas) {
		t.Error("CAS across writers")
	}
}

// Module imports the host lacks are refused at compile time, naming them.
func TestCompileRefusesUnknownImports(t *testing.T) {
	ctx := context.Background()
	rt, err := host.NewRuntime(ctx, host.RuntimeConfig{})
	if err != nil {
		t.Fatal(err)
	}
	defer rt.Close(ctx)
	// (module (import "env" "proxy_fly" (func)) (import "wasi_snapshot_preview1" "sock_accept" (func)))
	wasm := []byte{0, 'a', 's', 'm', 1, 0, 0, 0,
		1, 4, 1, 0x60, 0, 0, // type section: () -> ()
		2, 54, 2,
		3, 'e', 'n', 'v', 9, 'p', 'r', 'o', 'x', 'y', '_', 'f', 'l', 'y', 0, 0,
		22, 'w', 'a', 's', 'i', '_', 's', 'n', 'a', 'p', 's', 'h', 'o', 't', '_', 'p', 'r', 'e', 'v', 'i', 'e', 'w', '1',
		11, 's', 'o', 'c', 'k', '_', 'a', 'c', 'c', 'e', 'p', 't', 0, 0,
	}
	_, err = rt.Compile(ctx, wasm)
	want := "module imports what the host does not provide: env.proxy_fly, wasi_snapshot_preview1.sock_accept"
	if err == nil || err.Error() != want {
		t.Errorf("Compile: %v\nwant: %s", err, want)
	}
	// A module with nothing proxy-wasm about it.
	_, err = rt.Compile(ctx, []byte{0, 'a', 's', 'm', 1, 0, 0, 0})
	want = "module lacks exports: proxy_abi_version_0_2_1 (the only ABI version this host speaks), proxy_on_memory_allocate, memory"
	if err == nil || err.Error() != want {
		t.Errorf("Compile: %v\nwant: %s", err, want)
	}
}
