package gateway

import (
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/palisade-wasm/palisade/host/envoyconfig"
	"github.com/palisade-wasm/palisade/host/hosttest"
)

// BenchmarkGateway measures the gateway with palisade.wasm against the
// same gateway with no plugin, in one run, over loopback with concurrent
// keep-alive clients: ns/op is the inverse of throughput, and p50/p99 are
// per-request latencies. The ratio of the two ns/op is the plugin's cost.
func BenchmarkGateway(b *testing.B) {
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "ok")
	}))
	defer up.Close()
	wasm, err := hosttest.WasmPath()
	if err != nil {
		b.Fatal(err)
	}
	abs, _ := filepath.Abs(wasm)
	for _, bc := range []struct {
		name string
		wasm *envoyconfig.WasmFilter
	}{
		{name: "no-plugin"},
		{name: "palisade", wasm: &envoyconfig.WasmFilter{Name: "palisade", RootID: "palisade", VMID: "palisade", ModulePath: abs,
			Configuration: []byte(`{"service":{"trust_domains":["shop.example"]}}`)}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			g := startGatewayB(b, up.URL, bc.wasm)
			url := "http://" + g.Addrs()[0].String() + "/orders/42?expand=items"
			tr := &http.Transport{MaxIdleConnsPerHost: 64}
			defer tr.CloseIdleConnections()
			client := &http.Client{Transport: tr}
			var mu sync.Mutex
			var lat []time.Duration
			b.SetParallelism(16) // 16 × GOMAXPROCS clients
			b.ReportAllocs()
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				local := make([]time.Duration, 0, 1024)
				for pb.Next() {
					t0 := time.Now()
					resp, err := client.Get(url)
					if err != nil {
						b.Error(err)
						return
					}
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if resp.StatusCode != 200 {
						b.Errorf("status %d", resp.StatusCode)
						return
					}
					local = append(local, time.Since(t0))
				}
				mu.Lock()
				lat = append(lat, local...)
				mu.Unlock()
			})
			b.StopTimer()
			sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
			if len(lat) > 0 {
				b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "p50-µs")
				b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "p99-µs")
			}
		})
	}
}

func startGatewayB(b *testing.B, upstream string, wasm *envoyconfig.WasmFilter) *Gateway {
	return startGateway(b, upstream, wasm, nil)
}
