package envoyconfig

import (
	"errors"
	"fmt"
	"net"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// Config is what the gateway takes from an envoy.yaml.
type Config struct {
	Admin     *Address // nil: no admin listener
	Listeners []Listener
	Clusters  map[string]Cluster
}

// Address is a socket address.
type Address struct {
	Host string
	Port int
}

func (a Address) String() string { return net.JoinHostPort(a.Host, strconv.Itoa(a.Port)) }

// Listener is a downstream listener with its HTTP connection manager.
type Listener struct {
	Name    string
	Address Address
	TLS     *DownstreamTLS // nil: plain HTTP (h2c accepted)

	// HTTP connection manager.
	StatPrefix          string
	UseRemoteAddress    bool
	XFFNumTrustedHops   int
	NormalizePath       bool
	MergeSlashes        bool
	EscapedSlashes      string // KEEP_UNCHANGED, REJECT_REQUEST, UNESCAPE_AND_FORWARD, UNESCAPE_AND_REDIRECT
	RequestTimeout      time.Duration
	StreamIdleTimeout   time.Duration
	IdleTimeout         time.Duration
	MaxRequestHeadersKB int
	Routes              []Route
	Wasm                *WasmFilter // nil: no plugin on this listener
}

// DownstreamTLS is a listener's DownstreamTlsContext.
type DownstreamTLS struct {
	CertFile, KeyFile string
	// CAFile, when set, makes the listener ask for client certificates and
	// verify them against it.
	CAFile                   string
	RequireClientCertificate bool
	ALPN                     []string
}

// Route sends requests whose path matches to a cluster.
type Route struct {
	Name    string   // xds.route_name, for rules that select on routes
	Domains []string // of its virtual host; "*" matches any
	Prefix  string   // exactly one of Prefix and Path is set
	Path    string
	Cluster string
	Timeout time.Duration
}

// WasmFilter is an envoy.filters.http.wasm filter.
type WasmFilter struct {
	Name, RootID, VMID string
	Runtime            string
	ModulePath         string // resolved against the envoy.yaml's directory
	Configuration      []byte // the plugin configuration (a StringValue's value)
	VMConfiguration    []byte
	FailOpen           bool
}

// Cluster is a static upstream.
type Cluster struct {
	Name           string
	Endpoints      []Address
	ConnectTimeout time.Duration
	TLS            bool // an UpstreamTlsContext transport socket
	SNI            string
	CAFile         string
}

// Error lists every problem found in the file, one per line, each with the
// path of the field: "static_resources.listeners[0].foo: not supported by
// palisade serve".
type Error struct{ Problems []string }

func (e *Error) Error() string {
	return "envoy.yaml: " + strings.Join(e.Problems, "\nenvoy.yaml: ")
}

// ParseFile reads and parses an envoy.yaml; relative file names in it
// (certificates, the wasm module) are resolved against its directory.
func ParseFile(path string, read func(string) ([]byte, error)) (*Config, error) {
	b, err := read(path)
	if err != nil {
		return nil, err
	}
	return Parse(b, filepath.Dir(path))
}

// Parse parses an envoy.yaml document. dir resolves relative file names.
func Parse(doc []byte, dir string) (*Config, error) {
	var root any
	if err := yaml.Unmarshal(doc, &root); err != nil {
		return nil, fmt.Errorf("envoy.yaml: %w", err)
	}
	if root == nil {
		return nil, errors.New("envoy.yaml: empty document")
	}
	errs := &errorList{}
	r := newNode("", root, errs)
	c := &Config{Clusters: map[string]Cluster{}}
	if r.has("admin") {
		a := r.obj("admin")
		addr := socketAddress(a.obj("address"))
		c.Admin = &addr
		a.ignore("access_log", "access_log_path")
		a.finish()
	}
	sr := r.obj("static_resources")
	for _, l := range sr.list("listeners") {
		c.Listeners = append(c.Listeners, parseListener(l, dir))
	}
	for _, cl := range sr.list("clusters") {
		x := parseCluster(cl, dir)
		if _, dup := c.Clusters[x.Name]; dup {
			errs.add(cl.path+".name", fmt.Sprintf("cluster %q defined twice", x.Name))
		}
		c.Clusters[x.Name] = x
	}
	sr.finish()
	r.ignore("node", "layered_runtime")
	r.finish()
	if len(c.Listeners) == 0 {
		errs.add("static_resources.listeners", "at least one listener is required")
	}
	for i, l := range c.Listeners {
		for j, rt := range l.Routes {
			if _, ok := c.Clusters[rt.Cluster]; !ok {
				errs.add(fmt.Sprintf("static_resources.listeners[%d] route %d", i, j), fmt.Sprintf("unknown cluster %q", rt.Cluster))
			}
		}
	}
	if len(errs.errs) > 0 {
		return nil, &Error{Problems: errs.errs}
	}
	return c, nil
}

func resolve(dir, name string) string {
	if name == "" || filepath.IsAbs(name) {
		return name
	}
	return filepath.Join(dir, name)
}

func socketAddress(n *node) Address {
	sa := n.obj("socket_address")
	a := Address{Host: sa.str("address"), Port: sa.integer("port_value", 0)}
	sa.oneOf("protocol", "TCP", "TCP")
	sa.finish()
	n.finish()
	if a.Host == "" {
		n.errs.add(sa.path+".address", "is required")
	}
	if a.Port < 0 || a.Port > 65535 {
		n.errs.add(sa.path+".port_value", "must be a port number (0 picks a free one)")
	}
	return a
}

// dataSource reads a config.core.v3.DataSource; only files are supported.
func dataSource(n *node, dir string) string {
	f := n.str("filename")
	if n.has("inline_string") || n.has("inline_bytes") || n.has("environment_variable") {
		n.errs.add(n.path, "only filename data sources are supported by palisade serve")
		n.ignore("inline_string", "inline_bytes", "environment_variable")
	}
	n.finish()
	return resolve(dir, f)
}
