package host_test

import (
	"context"
	"testing"

	"github.com/palisade-wasm/palisade/host"
	"github.com/palisade-wasm/palisade/host/hosttest"
)

// BenchmarkEmptyRequest is the host's own cost per request: one VM, a
// guest (the conformance guest with no mode) that only continues; stream
// created, request headers, stream closed.
func BenchmarkEmptyRequest(b *testing.B) {
	mod := conformance(&testing.T{})
	vm, err := mod.NewVM(context.Background(), host.VMConfig{PluginName: "conformance", VMID: "conformance-vm",
		VMConfiguration: []byte("vm-config"), PluginConfiguration: []byte("conformance")})
	if err != nil {
		b.Fatal(err)
	}
	defer vm.Close()
	props := host.Connection{SourceAddress: "127.0.0.1:1"}.Properties()
	h := host.Headers{{":method", "GET"}, {":path", "/"}, {":authority", "app"}, {":scheme", "http"}}
	calls := vm.HostCalls()
	b.ReportAllocs()
	for b.Loop() {
		s, _ := vm.NewStream(props)
		s.RequestHeaders(h, true)
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
	b.Run("nocache", func(b *testing.B) {
		for b.Loop() {
			rt, _ := host.NewRuntime(ctx, host.RuntimeConfig{})
			if _, err := rt.Compile(ctx, wasm); err != nil {
				b.Fatal(err)
			}
			rt.Close(ctx)
		}
	})
	b.Run("cache", func(b *testing.B) {
		dir := b.TempDir()
		warm, _ := host.NewRuntime(ctx, host.RuntimeConfig{CacheDir: dir})
		warm.Compile(ctx, wasm)
		warm.Close(ctx)
		b.ResetTimer()
		for b.Loop() {
			rt, _ := host.NewRuntime(ctx, host.RuntimeConfig{CacheDir: dir})
			if _, err := rt.Compile(ctx, wasm); err != nil {
				b.Fatal(err)
			}
			rt.Close(ctx)
		}
	})
}
