package integration

import (
	"context"
	"testing"
	"time"

	"github.com/palisade-wasm/palisade/host"
	"github.com/palisade-wasm/palisade/host/envoyconfig"
	"github.com/palisade-wasm/palisade/host/gateway"
	"github.com/palisade-wasm/palisade/host/hosttest"
)

// wasmConfig is a gateway configuration with palisade.wasm (plugin
// configuration plugin) on a free loopback port, routing everything to
// cluster "app"; clusters names each cluster's loopback port ("app"
// included).
func wasmConfig(t *testing.T, plugin string, clusters map[string]int) *envoyconfig.Config {
	t.Helper()
	wasm, err := hosttest.WasmPath()
	if err != nil {
		t.Fatal(err)
	}
	cfg := &envoyconfig.Config{
		Listeners: []envoyconfig.Listener{{Name: "in", Address: envoyconfig.Address{Host: "127.0.0.1"},
			UseRemoteAddress: true, IdleTimeout: time.Minute, MaxRequestHeadersKB: 60,
			Routes: []envoyconfig.Route{{Domains: []string{"*"}, Prefix: "/", Cluster: "app", Timeout: 5 * time.Second}},
			Wasm: &envoyconfig.WasmFilter{Name: "palisade", RootID: "palisade", VMID: "palisade", ModulePath: wasm,
				Configuration: []byte(plugin)}}},
		Clusters: map[string]envoyconfig.Cluster{},
	}
	for name, port := range clusters {
		cfg.Clusters[name] = envoyconfig.Cluster{Name: name, ConnectTimeout: time.Second,
			Endpoints: []envoyconfig.Address{{Host: "127.0.0.1", Port: port}}}
	}
	return cfg
}

// runGateway starts a gateway for cfg with vms plugin VMs (0: one per
// CPU), stopped when the test ends; plugin logs go to the test log.
func runGateway(t *testing.T, cfg *envoyconfig.Config, vms int) *gateway.Gateway {
	t.Helper()
	return runGatewayLogging(t, cfg, vms, nil)
}

// runGatewayLogging is runGateway handing every plugin log line to also
// (when not nil) as well as to the test log.
func runGatewayLogging(t *testing.T, cfg *envoyconfig.Config, vms int, also func(host.LogLevel, string)) *gateway.Gateway {
	t.Helper()
	ctx := context.Background()
	rt, err := host.NewRuntime(ctx, host.RuntimeConfig{CacheDir: hosttest.CacheDir()})
	if err != nil {
		t.Fatal(err)
	}
	g, err := gateway.New(ctx, gateway.Options{Config: cfg, Runtime: rt, VMs: vms, PauseTimeout: 10 * time.Second,
		PluginLog: func(l host.LogLevel, msg string) {
			t.Logf("plugin %s: %s", l, msg)
			if also != nil {
				also(l, msg)
			}
		}})
	if err != nil {
		rt.Close(ctx)
		t.Fatal(err)
	}
	if err := g.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { g.Close(); rt.Close(ctx) })
	return g
}
