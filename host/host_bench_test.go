package host_test

import (
	"context"
	"testing"

	"github.com/palisade-wasm/palisade/host"
	"github.com/palisade-wasm/palisade/host/hosttest"
)

// BenchmarkEmptyRequest is the host's own cost per request: one VM running
// the minimal guest (host/testdata/minimal), which reads all request
// headers in one host call and continues; stream created, request headers,
// stream closed (on_done, on_log, on_delete).
func BenchmarkEmptyRequest(b *testing.B) {
	vm, err := module(b, "minimal").NewVM(context.Background(), host.VMConfig{PluginName: "minimal"})
	if err != nil {
		b.Fatal(err)
	}
	defer vm.Close()
	props := host.Connection{SourceAddress: "127.0.0.1:1", SourcePort: 1}.Properties()
	h := host.Headers{{":method", "GET"}, {":path", "/"}, {":authority", "app"}, {":scheme", "http"}}
	calls := vm.HostCalls()
	b.ReportAllocs()
	for b.Loop() {
		s, err := vm.NewStream(props)
		if err != nil {
			b.Fatal(err)
		}
		if r := s.RequestHeaders(h, true); r.Action != host.Continue {
			b.Fatal(r.Action, r.Err)
		}
		s.Close()
	}
	b.ReportMetric(float64(vm.HostCalls()-calls)/float64(b.N), "hostcalls/op")
}

// BenchmarkCompile is the time to compile palisade.wasm, from scratch and
// from a warm compilation cache (what a restarted gateway pays).
func BenchmarkCompile(b *testing.B) {
	_, wasm, err := hosttest.Module()
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	compile := func(b *testing.B, cfg host.RuntimeConfig) {
		rt, err := host.NewRuntime(ctx, cfg)
		if err != nil {
			b.Fatal(err)
		}
		defer rt.Close(ctx)
		if _, err := rt.Compile(ctx, wasm); err != nil {
			b.Fatal(err)
		}
	}
	b.Run("nocache", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			compile(b, host.RuntimeConfig{})
		}
	})
	b.Run("cache", func(b *testing.B) {
		cfg := host.RuntimeConfig{CacheDir: b.TempDir()}
		compile(b, cfg) // warm the cache
		b.ReportAllocs()
		for b.Loop() {
			compile(b, cfg)
		}
	})
}
