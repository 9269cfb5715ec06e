package gateway

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"runtime"
	"strconv"
	"sync"
	"time"

	"github.com/palisade-wasm/palisade/host"
	"github.com/palisade-wasm/palisade/host/envoyconfig"
)

// Options configure a [Gateway].
type Options struct {
	// Config is the parsed envoy.yaml.
	Config *envoyconfig.Config
	// Runtime compiles the wasm modules the configuration names.
	Runtime *host.Runtime
	// VMs is the number of plugin VMs per wasm filter; 0 means one per CPU.
	VMs int
	// PauseTimeout bounds how long a stream may stay paused by the plugin
	// before it is failed closed with 500. 0 means 10 s.
	PauseTimeout time.Duration
	// AccessLog receives one JSON line per request; nil means none.
	AccessLog io.Writer
	// PluginLog receives the plugins' log lines; nil means stderr.
	PluginLog func(level host.LogLevel, msg string)
	// LogLevel is the host log level handed to plugins.
	LogLevel host.LogLevel
}

// Gateway serves every listener of an envoy.yaml.
type Gateway struct {
	opts      Options
	shared    *host.SharedData
	metrics   *host.Metrics
	clusters  map[string]*upstream
	listeners []*listener
	servers   []*http.Server
	addrs     []net.Addr
	admin     *http.Server
	adminAddr net.Addr
	logMu     sync.Mutex
	stats     stats
}

type upstream struct {
	base      string // scheme://host:port
	transport *http.Transport
}

// New compiles the plugins, starts their VMs and prepares the listeners;
// nothing is bound until [Gateway.Start].
func New(ctx context.Context, opts Options) (*Gateway, error) {
	if opts.VMs <= 0 {
		opts.VMs = runtime.GOMAXPROCS(0)
	}
	if opts.PauseTimeout <= 0 {
		opts.PauseTimeout = 10 * time.Second
	}
	if opts.PluginLog == nil {
		opts.PluginLog = func(l host.LogLevel, msg string) { fmt.Fprintf(os.Stderr, "[%s] %s\n", l, msg) }
	}
	g := &Gateway{opts: opts, shared: host.NewSharedData(), metrics: host.NewMetrics(), clusters: map[string]*upstream{}}
	hostClusters := map[string]host.Cluster{}
	for name, c := range opts.Config.Clusters {
		up, err := newUpstream(c)
		if err != nil {
			g.Close()
			return nil, fmt.Errorf("cluster %s: %w", name, err)
		}
		g.clusters[name] = up
		hostClusters[name] = host.Cluster{Endpoint: up.base, Timeout: 5 * time.Second, Client: &http.Client{Transport: up.transport}}
	}
	modules := map[string]*host.Module{}
	for _, lc := range opts.Config.Listeners {
		l := &listener{gw: g, cfg: lc, scheme: "http"}
		if lc.TLS != nil {
			l.scheme = "https"
		}
		if w := lc.Wasm; w != nil {
			mod, ok := modules[w.ModulePath]
			if !ok {
				wasm, err := os.ReadFile(w.ModulePath)
				if err != nil {
					g.Close()
					return nil, fmt.Errorf("listener %s: %w", lc.Name, err)
				}
				if mod, err = opts.Runtime.Compile(ctx, wasm); err != nil {
					g.Close()
					return nil, fmt.Errorf("listener %s: %s: %w", lc.Name, w.ModulePath, err)
				}
				modules[w.ModulePath] = mod
			}
			p, err := newPool(ctx, mod, host.VMConfig{
				PluginName:          w.Name,
				RootID:              w.RootID,
				VMID:                w.VMID,
				VMConfiguration:     w.VMConfiguration,
				PluginConfiguration: w.Configuration,
				Clusters:            hostClusters,
				SharedData:          g.shared,
				Metrics:             g.metrics,
				LogLevel:            opts.LogLevel,
				Log:                 opts.PluginLog,
			}, opts.VMs)
			if err != nil {
				g.Close()
				return nil, fmt.Errorf("listener %s: plugin %s: %w", lc.Name, w.Name, err)
			}
			l.pool = p
		}
		g.listeners = append(g.listeners, l)
	}
	return g, nil
}

func newUpstream(c envoyconfig.Cluster) (*upstream, error) {
	scheme := "http"
	t := &http.Transport{
		Proxy:                 nil,
		DialContext:           (&net.Dialer{Timeout: c.ConnectTimeout, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:          1024,
		MaxIdleConnsPerHost:   256,
		IdleConnTimeout:       60 * time.Second,
		ResponseHeaderTimeout: 0, // the route timeout bounds the whole exchange
		ForceAttemptHTTP2:     c.TLS,
		DisableCompression:    true,
	}
	if c.TLS {
		scheme = "https"
		tc := &tls.Config{ServerName: c.SNI, MinVersion: tls.VersionTLS12}
		if c.CAFile != "" {
			pool, err := loadCA(c.CAFile)
			if err != nil {
				return nil, err
			}
			tc.RootCAs = pool
		}
		t.TLSClientConfig = tc
	}
	// Envoy balances over endpoints; the gateway uses the first (static
	// clusters with one endpoint are what it is for).
	return &upstream{base: scheme + "://" + c.Endpoints[0].String(), transport: t}, nil
}

func loadCA(path string) (*x509.CertPool, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(b) {
		return nil, fmt.Errorf("%s: no PEM certificates", path)
	}
	return pool, nil
}

// Start binds every listener (and the admin listener) and serves them in
// the background. Port 0 picks a free port; see [Gateway.Addrs].
func (g *Gateway) Start() error {
	for _, l := range g.listeners {
		srv, ln, err := l.server()
		if err != nil {
			g.Close()
			return err
		}
		g.servers = append(g.servers, srv)
		g.addrs = append(g.addrs, ln.Addr())
		go srv.Serve(ln)
	}
	if a := g.opts.Config.Admin; a != nil {
		ln, err := net.Listen("tcp", a.String())
		if err != nil {
			g.Close()
			return fmt.Errorf("admin: %w", err)
		}
		g.admin = &http.Server{Handler: g.adminHandler(), ReadHeaderTimeout: 5 * time.Second}
		g.adminAddr = ln.Addr()
		go g.admin.Serve(ln)
	}
	return nil
}

func (l *listener) server() (*http.Server, net.Listener, error) {
	srv := &http.Server{
		Handler:           l,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       l.cfg.IdleTimeout,
		MaxHeaderBytes:    l.cfg.MaxRequestHeadersKB << 10,
		ErrorLog:          nil,
	}
	srv.Protocols = new(http.Protocols)
	srv.Protocols.SetHTTP1(true)
	srv.Protocols.SetHTTP2(true)
	srv.Protocols.SetUnencryptedHTTP2(l.cfg.TLS == nil)
	ln, err := net.Listen("tcp", l.cfg.Address.String())
	if err != nil {
		return nil, nil, fmt.Errorf("listener %s: %w", l.cfg.Name, err)
	}
	if t := l.cfg.TLS; t != nil {
		tc, err := downstreamTLS(t)
		if err != nil {
			ln.Close()
			return nil, nil, fmt.Errorf("listener %s: %w", l.cfg.Name, err)
		}
		srv.TLSConfig = tc
		ln = tls.NewListener(ln, tc)
	}
	return srv, ln, nil
}

func downstreamTLS(t *envoyconfig.DownstreamTLS) (*tls.Config, error) {
	cert, err := tls.LoadX509KeyPair(t.CertFile, t.KeyFile)
	if err != nil {
		return nil, err
	}
	tc := &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12, NextProtos: []string{"h2", "http/1.1"}}
	if len(t.ALPN) > 0 {
		tc.NextProtos = t.ALPN
	}
	if t.CAFile != "" {
		pool, err := loadCA(t.CAFile)
		if err != nil {
			return nil, err
		}
		tc.ClientCAs = pool
		tc.ClientAuth = tls.VerifyClientCertIfGiven
		if t.RequireClientCertificate {
			tc.ClientAuth = tls.RequireAndVerifyClientCert
		}
	}
	return tc, nil
}

// Addrs returns the bound address of each listener, in envoy.yaml order.
func (g *Gateway) Addrs() []net.Addr { return g.addrs }

// AdminAddr returns the admin listener's address (nil without one).
func (g *Gateway) AdminAddr() net.Addr { return g.adminAddr }

// Shutdown stops accepting connections, lets requests in flight finish
// (until ctx ends), then stops the plugin VMs.
func (g *Gateway) Shutdown(ctx context.Context) error {
	var errs []error
	for _, s := range g.servers {
		errs = append(errs, s.Shutdown(ctx))
	}
	if g.admin != nil {
		errs = append(errs, g.admin.Shutdown(ctx))
	}
	g.Close()
	return errors.Join(errs...)
}

// Close stops everything at once.
func (g *Gateway) Close() {
	for _, s := range g.servers {
		s.Close()
	}
	if g.admin != nil {
		g.admin.Close()
	}
	for _, l := range g.listeners {
		if l.pool != nil {
			l.pool.close()
		}
	}
	for _, c := range g.clusters {
		c.transport.CloseIdleConnections()
	}
}

func parseStatus(s string) (int, error) {
	c, err := strconv.Atoi(s)
	if err != nil || c < 100 || c > 999 {
		return 0, errors.New("bad :status")
	}
	return c, nil
}

func itoaMillis(d time.Duration) string { return strconv.FormatInt(d.Milliseconds(), 10) }
