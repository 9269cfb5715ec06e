package filter

import (
	"strconv"
	"testing"

	"github.com/palisade-wasm/palisade/plugin/config"
)

// The peer memo answers what parsing the SAN answers, for more callers
// than it holds, and forgets everything when the configuration changes.
func TestPeerMemo(t *testing.T) {
	shop := &config.Config{Service: config.Service{TrustDomains: []string{"shop.example"}}}
	clinic := &config.Config{Service: config.Service{TrustDomains: []string{"clinic.example"}}}
	var m peerMemo
	for round := range 3 {
		for i := range 7 {
			for _, cfg := range []*config.Config{shop, shop, clinic} {
				san := "spiffe://shop.example/ns/n" + strconv.Itoa(i) + "/sa/s"
				if i == 6 {
					san = "not a spiffe id"
				}
				want := fromURIs([]string{san}, cfg.Service.TrustDomains, "mtls")
				if got := m.identity(cfg, []byte(san)); got != want {
					t.Fatalf("round %d, %s under %v: %+v, want %+v", round, san, cfg.Service.TrustDomains, got, want)
				}
			}
		}
	}
	san := []byte("spiffe://shop.example/ns/a/sa/b")
	m.identity(shop, san)
	if n := testing.AllocsPerRun(100, func() { m.identity(shop, san) }); n != 0 {
		t.Errorf("a caller seen before: %v allocations, want 0", n)
	}
}
