package main

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/palisade-wasm/palisade/host"
	"github.com/palisade-wasm/palisade/host/hosttest"
)

// BenchmarkToken is a whole request with a bearer token through
// palisade.wasm in the host: "cached" sends the same token every time
// (the verified-token cache answers: no signature, no hashing of our
// own), "verify" a different token every time (full ES256 verification
// inside the wasm).
func BenchmarkToken(b *testing.B) {
	mod, _, err := hosttest.Module()
	if err != nil {
		b.Fatal(err)
	}
	idp := hosttest.NewIssuer(b, "https://idp.example", "k1", "p256.pem")
	cfg := `{"providers":[{"name":"idp","issuer":"https://idp.example","audiences":["orders"],"local_jwks":` + idp.JWKS() + `}]}`
	exp := time.Now().Unix() + 3600
	tokens := make([]string, 2000)
	for i := range tokens {
		tokens[i] = idp.Token(b, map[string]any{"sub": "alice", "aud": "orders", "exp": exp, "jti": strconv.Itoa(i)})
	}
	for _, bc := range []struct {
		name  string
		token func(i int) string
	}{
		{name: "cached", token: func(int) string { return tokens[0] }},
		{name: "verify-ES256", token: func(i int) string { return tokens[i%len(tokens)] }},
	} {
		b.Run(bc.name, func(b *testing.B) {
			vm, err := mod.NewVM(context.Background(), host.VMConfig{PluginConfiguration: []byte(cfg)})
			if err != nil {
				b.Fatal(err)
			}
			defer vm.Close()
			props := host.Connection{SourceAddress: "127.0.0.1:40000", SourcePort: 40000}.Properties()
			calls0 := vm.HostCalls()
			i := 0
			b.ReportAllocs()
			for b.Loop() {
				s, _ := vm.NewStream(props)
				if r := s.RequestHeaders(req("/orders/42", bearer(bc.token(i))), true); r.Action != host.Continue {
					b.Fatalf("request %d: %v %+v", i, r.Action, r.Local)
				}
				s.Close()
				i++
			}
			b.ReportMetric(float64(vm.HostCalls()-calls0)/float64(b.N), "hostcalls/op")
		})
	}
}
