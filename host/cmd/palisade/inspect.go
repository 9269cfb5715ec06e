package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/palisade-wasm/palisade/host"
)

func init() {
	commands["inspect"] = command{
		summary: "load a proxy-wasm module as Envoy would and report size, start-up cost and configuration verdict",
		run:     runInspect,
	}
}

// runInspect loads MODULE in the wazero host exactly as Envoy loads a
// plugin (import check, _initialize, vm start, configure) and reports what
// a user deploying it wants to know. Exit 1 if the module or the
// configuration is refused.
func runInspect(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("inspect", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfgPath := fs.String("config", "", "plugin configuration (JSON) to hand to proxy_on_configure")
	cacheDir := fs.String("cache", "", "wazero compilation cache directory (empty: none)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: palisade inspect [--config FILE] [--cache DIR] MODULE.wasm")
		fs.PrintDefaults()
	}
	wasm, code, ok := moduleArg(fs, args, stderr)
	if !ok {
		return code
	}
	var cfg []byte
	if *cfgPath != "" {
		var err error
		if cfg, err = os.ReadFile(*cfgPath); err != nil {
			fmt.Fprintf(stderr, "palisade inspect: %v\n", err)
			return 1
		}
	}
	ctx := context.Background()
	rt, err := host.NewRuntime(ctx, host.RuntimeConfig{CacheDir: *cacheDir})
	if err != nil {
		fmt.Fprintf(stderr, "palisade inspect: %v\n", err)
		return 1
	}
	defer rt.Close(ctx)

	fmt.Fprintf(stdout, "module:        %s (%.2f MB)\n", fs.Arg(0), float64(len(wasm))/1e6)
	t0 := time.Now()
	mod, err := rt.Compile(ctx, wasm)
	if err != nil {
		fmt.Fprintf(stderr, "palisade inspect: %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "compile:       %v\n", time.Since(t0).Round(time.Millisecond))
	var logs []string
	t1 := time.Now()
	vm, err := mod.NewVM(ctx, host.VMConfig{
		PluginName:          "palisade",
		PluginConfiguration: cfg,
		LogLevel:            host.LogInfo,
		Log:                 func(l host.LogLevel, msg string) { logs = append(logs, l.String()+": "+msg) },
	})
	start := time.Since(t1)
	for _, l := range logs {
		fmt.Fprintf(stdout, "plugin log:    %s\n", l)
	}
	if err != nil {
		fmt.Fprintf(stdout, "configuration: refused (%v)\n", err)
		return 1
	}
	defer vm.Close()
	fmt.Fprintf(stdout, "vm start:      %v\n", start.Round(time.Microsecond))
	fmt.Fprintf(stdout, "vm memory:     %.2f MB linear memory after start\n", float64(vm.MemoryBytes())/1e6)
	fmt.Fprintln(stdout, "configuration: accepted")
	return 0
}
