package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/palisade-wasm/palisade/host"
	"github.com/palisade-wasm/palisade/host/demo"
	"github.com/palisade-wasm/palisade/host/envoyconfig"
	"github.com/palisade-wasm/palisade/host/gateway"
)

func init() {
	commands["serve"] = command{
		summary: "run the local gateway described by an envoy.yaml (palisade serve -c envoy.yaml)",
		run:     runServe,
	}
}

func runServe(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfgPath := fs.String("c", "envoy.yaml", "Envoy configuration file")
	vms := fs.Int("vms", 0, "plugin VMs per wasm filter (0: one per CPU)")
	level := fs.String("log-level", "info", "plugin log level: trace, debug, info, warn, error, critical")
	accessLog := fs.String("access-log", "-", "access log: - for stdout, a file name, or off")
	cache := fs.String("cache", "", "wazero compilation cache directory (empty: a directory under the user cache)")
	demoApp := fs.Bool("demo", false, "also serve a demo echo service at the address of cluster \"app\"")
	demoOnly := fs.Bool("demo-only", false, "serve only the demo echo service (for make run-envoy, where Envoy is the proxy)")
	drain := fs.Duration("drain", 20*time.Second, "how long requests in flight may finish after SIGINT/SIGTERM")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	lvl, ok := host.ParseLogLevel(*level)
	if !ok {
		fmt.Fprintf(stderr, "palisade serve: -log-level %q: want trace, debug, info, warn, error or critical\n", *level)
		return 2
	}
	cfg, err := envoyconfig.ParseFile(*cfgPath, os.ReadFile)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	var logw io.Writer
	switch *accessLog {
	case "off":
	case "-":
		logw = stdout
	default:
		f, err := os.OpenFile(*accessLog, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
		if err != nil {
			fmt.Fprintf(stderr, "palisade serve: %v\n", err)
			return 1
		}
		defer f.Close()
		logw = f
	}
	if *cache == "" {
		if d, err := os.UserCacheDir(); err == nil {
			*cache = d + "/palisade/wazero"
		}
	}
	ctx := context.Background()
	rt, err := host.NewRuntime(ctx, host.RuntimeConfig{CacheDir: *cache})
	if err != nil {
		fmt.Fprintf(stderr, "palisade serve: %v\n", err)
		return 1
	}
	defer rt.Close(ctx)

	var demoSrv *http.Server
	var demoIDP *demo.IDP
	if *demoApp || *demoOnly {
		app, ok := cfg.Clusters["app"]
		if !ok {
			fmt.Fprintln(stderr, "palisade serve: -demo needs a cluster named \"app\" in the configuration")
			return 1
		}
		ln, err := net.Listen("tcp", app.Endpoints[0].String())
		if err != nil {
			fmt.Fprintf(stderr, "palisade serve: demo app: %s is taken (%v)\n", app.Endpoints[0], err)
			return 1
		}
		demoSrv = &http.Server{Handler: demo.Echo(), ReadHeaderTimeout: 5 * time.Second}
		go demoSrv.Serve(ln)
		defer demoSrv.Close()
		fmt.Fprintf(stderr, "demo app (echo) on http://%s\n", ln.Addr())
		if idpCluster, ok := cfg.Clusters["idp"]; ok && *demoApp {
			idp, err := demo.NewIDP("https://idp.demo.palisade")
			if err != nil {
				fmt.Fprintf(stderr, "palisade serve: demo idp: %v\n", err)
				return 1
			}
			iln, err := net.Listen("tcp", idpCluster.Endpoints[0].String())
			if err != nil {
				fmt.Fprintf(stderr, "palisade serve: demo identity provider: %s is taken (%v)\n", idpCluster.Endpoints[0], err)
				return 1
			}
			idpSrv := &http.Server{Handler: idp.Handler(), ReadHeaderTimeout: 5 * time.Second}
			go idpSrv.Serve(iln)
			defer idpSrv.Close()
			fmt.Fprintf(stderr, "demo identity provider on http://%s/.well-known/jwks.json\n", iln.Addr())
			demoIDP = idp
		}
	}

	if *demoOnly {
		waitForSignal()
		return 0
	}
	gw, err := gateway.New(ctx, gateway.Options{
		Config: cfg, Runtime: rt, VMs: *vms, LogLevel: lvl, AccessLog: logw,
		PluginLog: func(l host.LogLevel, msg string) { fmt.Fprintf(stderr, "[plugin %s] %s\n", l, msg) },
	})
	if err != nil {
		fmt.Fprintf(stderr, "palisade serve: %v\n", err)
		return 1
	}
	if err := gw.Start(); err != nil {
		var opErr *net.OpError
		if errors.As(err, &opErr) && errors.Is(err, syscall.EADDRINUSE) {
			fmt.Fprintf(stderr, "palisade serve: %v (the port is taken: stop what uses it, or change envoy.yaml)\n", err)
		} else {
			fmt.Fprintf(stderr, "palisade serve: %v\n", err)
		}
		return 1
	}
	for i, a := range gw.Addrs() {
		fmt.Fprintf(stderr, "listener %s on %s\n", cfg.Listeners[i].Name, a)
	}
	if a := gw.AdminAddr(); a != nil {
		fmt.Fprintf(stderr, "admin on http://%s (/stats/prometheus, /ready, /config_dump)\n", a)
	}
	if *demoApp {
		printDemo(stderr, gw.Addrs()[0].String(), gw.AdminAddr(), demoIDP)
	}
	waitForSignal()
	fmt.Fprintf(stderr, "shutting down: draining requests in flight (up to %v)\n", *drain)
	sctx, cancel := context.WithTimeout(ctx, *drain)
	defer cancel()
	if err := gw.Shutdown(sctx); err != nil {
		fmt.Fprintf(stderr, "palisade serve: shutdown: %v\n", err)
		return 1
	}
	return 0
}

// printDemo prints the requests a new user can paste to see the gateway
// and the plugin at work, with tokens from the demo identity provider.
func printDemo(w io.Writer, listener string, admin net.Addr, idp *demo.IDP) {
	fmt.Fprintf(w, "\nTry it (Ctrl-C stops everything):\n")
	if idp != nil {
		alice, _ := idp.Token("alice", "demo-app", time.Hour, map[string]any{"roles": []string{"clinician"}})
		expired, _ := idp.Token("alice", "demo-app", -time.Hour, nil)
		other, _ := idp.Token("alice", "another-app", time.Hour, nil)
		fmt.Fprintf(w, "  TOKEN=%s\n", alice)
		fmt.Fprintf(w, "  curl -s -H \"Authorization: Bearer $TOKEN\" http://%s/orders   # 200: the app sees x-palisade-user: alice\n", listener)
		fmt.Fprintf(w, "  curl -s -H \"Authorization: Bearer $TOKEN\" http://%s/customers/alice/orders/1   # 200 by rule own-orders\n", listener)
		fmt.Fprintf(w, "  curl -s -i -H \"Authorization: Bearer $TOKEN\" http://%s/customers/bob/orders/1   # 403 policy_denied\n", listener)
		fmt.Fprintf(w, "  curl -s -i http://%s/orders                                  # 401 token_missing\n", listener)
		fmt.Fprintf(w, "  curl -s -i -H 'Authorization: Bearer %s' http://%s/orders   # 401 expired\n", expired, listener)
		fmt.Fprintf(w, "  curl -s -i -H 'Authorization: Bearer %s' http://%s/orders   # 401 wrong_audience\n", other, listener)
		fmt.Fprintf(w, "  curl -s -i -H \"Authorization: Bearer $TOKEN\" 'http://%s/files/a%%2Fb'   # 400 path_encoded_slash\n", listener)
		fmt.Fprintf(w, "  bin/palisade token sign -key plugin/jwt/testdata/p256.pem -sub bob   # mint your own (for a local_jwks provider)\n")
	} else {
		fmt.Fprintf(w, "  curl -s http://%s/hello\n", listener)
	}
	if admin != nil {
		fmt.Fprintf(w, "  curl -s http://%s/stats/prometheus | grep palisade   # the plugin's and the gateway's metrics\n", admin)
	}
	fmt.Fprintln(w)
}

func waitForSignal() {
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGINT, syscall.SIGTERM)
	<-sig
}
