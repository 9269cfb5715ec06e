package main

import (
	"context"
	"testing"

	"github.com/palisade-wasm/palisade/host"
	"github.com/palisade-wasm/palisade/host/hosttest"
)

// BenchmarkRequest is one whole request through palisade.wasm in the
// wazero host, as the gateway drives it: stream created, request headers
// decided, response headers passed, stream closed. It reports host calls
// per request next to ns/op and allocs/op (host side).
func BenchmarkRequest(b *testing.B) {
	mod, _, err := hosttest.Module()
	if err != nil {
		b.Fatal(err)
	}
	for _, bc := range []struct {
		name, cfg string
		headers   [][2]string
	}{
		{name: "allow", cfg: `{"service":{"trust_domains":["shop.example"]}}`, headers: req("/orders/42?expand=items", [2]string{"user-agent", "bench"}, [2]string{"accept", "*/*"})},
		{name: "bad-path", cfg: `{}`, headers: req("/a%2Fb")},
	} {
		b.Run(bc.name, func(b *testing.B) {
			vm, err := mod.NewVM(context.Background(), host.VMConfig{PluginConfiguration: []byte(bc.cfg)})
			if err != nil {
				b.Fatal(err)
			}
			defer vm.Close()
			props := host.Connection{SourceAddress: "127.0.0.1:40000", SourcePort: 40000}.Properties()
			resp := [][2]string{{":status", "200"}, {"content-type", "text/plain"}}
			calls0 := vm.HostCalls()
			b.ReportAllocs()
			for b.Loop() {
				s, err := vm.NewStream(props)
				if err != nil {
					b.Fatal(err)
				}
				if r := s.RequestHeaders(bc.headers, true); r.Action == host.Fail {
					b.Fatal(r.Err)
				}
				s.ResponseHeaders(resp, true)
				s.Close()
			}
			b.ReportMetric(float64(vm.HostCalls()-calls0)/float64(b.N), "hostcalls/op")
			b.ReportMetric(float64(vm.MemoryBytes())/1e6, "MB-memory")
		})
	}
}
