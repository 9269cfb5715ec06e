package abi_test

import (
	"context"
	"sync"
	"testing"

	"github.com/palisade-wasm/palisade/host"
	"github.com/palisade-wasm/palisade/host/hosttest"
)

// TestFacadeInWasm runs the wasm twin of this package for real: the test
// guest (plugin/internal/testguest) calls every facade function the
// product does not already exercise — header maps in both directions,
// bodies, trailers, properties, shared data with CAS, every metric kind,
// every log level — in palisade's wazero host, and each result is
// checked here. (The native twin is the SDK's, driven by proxytest.)
func TestFacadeInWasm(t *testing.T) {
	path, err := hosttest.BuildGuest("plugin/internal/testguest")
	if err != nil {
		t.Fatal(err)
	}
	wasm, err := readFile(path)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	rt, err := host.NewRuntime(ctx, host.RuntimeConfig{CacheDir: hosttest.CacheDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer rt.Close(ctx)
	mod, err := rt.Compile(ctx, wasm)
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	logs := map[host.LogLevel][]string{}
	metrics := host.NewMetrics()
	vm, err := mod.NewVM(ctx, host.VMConfig{Metrics: metrics, LogLevel: host.LogTrace, Log: func(l host.LogLevel, m string) {
		mu.Lock()
		logs[l] = append(logs[l], m)
		mu.Unlock()
	}})
	if err != nil {
		t.Fatal(err)
	}
	defer vm.Close()
	s, err := vm.NewStream(host.Properties{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()

	if r := s.RequestHeaders(host.Headers{{":method", "POST"}, {":path", "/facade/x"}, {":authority", "app"}}, false); r.Action != host.Continue {
		t.Fatalf("request headers: %v %+v", r.Action, r.Local)
	}
	want := map[string]string{
		"x-facade-pairs": "3", "x-facade-set-pairs": "ok", "x-set-pairs": "yes", "x-facade-property": "prop",
		"x-facade-property-missing": "true", "x-facade-shared": "shared", "x-facade-cas-mismatch": "true",
		"x-facade-metrics": "3 3", "x-facade-tick": "ok",
	}
	for k, v := range want {
		if got, _ := s.Request().Headers.Get(k); got != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
	if r := s.RequestBody([]byte("ab"), false); r.Action != host.Pause {
		t.Fatalf("first body chunk: %v", r.Action)
	}
	if r := s.RequestBody([]byte("cd"), true); r.Action != host.Continue || string(r.Body) != "[abcd]+" {
		t.Fatalf("request body: %v %q", r.Action, r.Body)
	}
	s.RequestTrailers(host.Headers{{"x-checksum", "1"}})
	if got, _ := s.Request().Headers.Get("x-facade-trailers"); got != "x-checksum" {
		t.Errorf("request trailers seen as %q", got)
	}
	r := s.ResponseHeaders(host.Headers{{":status", "201"}, {"server", "upstream"}, {"x-drop", "1"}}, false)
	if r.Action != host.Continue {
		t.Fatalf("response headers: %v", r.Action)
	}
	rh := s.Response().Headers
	for k, v := range map[string]string{"x-facade-status": "201", "server": "facade", "x-facade-count": "3"} {
		if got, _ := rh.Get(k); got != v {
			t.Errorf("response %s = %q, want %q", k, got, v)
		}
	}
	if _, ok := rh.Get("x-drop"); ok {
		t.Error("x-drop survived")
	}
	s.ResponseBody([]byte("ok"), false)
	if r := s.ResponseBody(nil, true); r.Action != host.Continue || string(r.Body) != "<ok>!" {
		t.Fatalf("response body: %v %q", r.Action, r.Body)
	}
	s.ResponseTrailers(host.Headers{{"grpc-status", "0"}})
	if n, _ := metrics.HistogramCount("facade_histogram"); n != 1 {
		t.Errorf("histogram count %d", n)
	}
	mu.Lock()
	defer mu.Unlock()
	for level, msg := range map[host.LogLevel]string{host.LogTrace: "facade trace", host.LogDebug: "facade debug", host.LogInfo: "facade info",
		host.LogWarn: "facade warn", host.LogError: "facade error", host.LogCritical: "facade critical"} {
		found := false
		for _, m := range logs[level] {
			found = found || m == msg
		}
		if !found {
			t.Errorf("no %v log %q (have %q)", level, msg, logs[level])
		}
	}
	found := false
	for _, m := range logs[host.LogInfo] {
		found = found || m == "facade response trailer grpc-status"
	}
	if !found {
		t.Error("response trailers not read")
	}
}
