package gateway

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/palisade-wasm/palisade/host"
	"github.com/palisade-wasm/palisade/host/envoyconfig"
)

// listener serves one envoy.yaml listener.
type listener struct {
	gw     *Gateway
	cfg    envoyconfig.Listener
	scheme string
	pool   *pool // nil: no plugin on this listener
}

// chunkSize is how much body is handed to the plugin per callback.
const chunkSize = 32 << 10

// exchange is one request's trip through the proxy, for the access log.
type exchange struct {
	start     time.Time
	requestID string
	route     *envoyconfig.Route
	status    int
	bytesOut  int64
	flags     string // Envoy-style response flags: UF upstream failure, UT timeout, NR no route, LR local reply, FC failed closed
	details   string
}

func (l *listener) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	x := &exchange{start: time.Now()}
	defer func() { l.gw.logAccess(r, x) }()
	l.gw.stats.requests.Add(1)
	l.gw.stats.active.Add(1)
	defer l.gw.stats.active.Add(-1)

	l.setForwardingHeaders(r, x)
	if l.pool == nil {
		l.forward(w, r, x, nil, requestHeaders(r, l.scheme))
		return
	}
	slot, err := l.pool.acquire()
	if err != nil {
		l.failClosed(w, x, "no_plugin_vm")
		return
	}
	defer l.pool.release(slot)
	props := connection(r).Properties()
	// Envoy picks the route before the filters run (xds.route_name);
	// the request is routed again after the plugin, on what it rewrote.
	if rt := l.route(r.Host, r.RequestURI); rt != nil && rt.Name != "" {
		props.SetString("xds.route_name", rt.Name)
	}
	s, err := slot.vm.NewStream(props)
	if err != nil {
		l.failClosed(w, x, "plugin_stream_failed")
		return
	}
	defer s.Close()
	eos := r.Body == nil || r.Body == http.NoBody || r.ContentLength == 0
	res := l.settle(r.Context(), s, s.RequestHeaders(requestHeaders(r, l.scheme), eos))
	if !l.handled(w, x, res) {
		l.forward(w, r, x, s, s.Request().Headers)
	}
}

// setForwardingHeaders sets x-forwarded-for, x-forwarded-proto and
// x-request-id as Envoy's HTTP connection manager does at the edge
// (use_remote_address: true): the client's address is appended, the
// scheme is the connection's, and a request id from outside is replaced.
func (l *listener) setForwardingHeaders(r *http.Request, x *exchange) {
	ip, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		ip = r.RemoteAddr
	}
	if l.cfg.UseRemoteAddress {
		if prior := r.Header.Values("X-Forwarded-For"); len(prior) > 0 {
			r.Header.Set("X-Forwarded-For", strings.Join(prior, ", ")+", "+ip)
		} else {
			r.Header.Set("X-Forwarded-For", ip)
		}
		r.Header.Set("X-Forwarded-Proto", l.scheme)
		r.Header.Del("X-Request-Id")
	} else if r.Header.Get("X-Forwarded-Proto") == "" {
		r.Header.Set("X-Forwarded-Proto", l.scheme)
	}
	id := r.Header.Get("X-Request-Id")
	if id == "" {
		id = newRequestID()
		r.Header.Set("X-Request-Id", id)
	}
	x.requestID = id
}

func newRequestID() string {
	var b [16]byte
	rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// settle resolves a Pause by waiting, bounded, for the plugin.
func (l *listener) settle(ctx context.Context, s *host.Stream, res host.Result) host.Result {
	if res.Action != host.Pause {
		return res
	}
	ctx, cancel := context.WithTimeout(ctx, l.gw.opts.PauseTimeout)
	defer cancel()
	return s.Wait(ctx)
}

// handled writes the answer for every outcome but Continue and reports
// whether it did.
func (l *listener) handled(w http.ResponseWriter, x *exchange, res host.Result) bool {
	switch res.Action {
	case host.Continue:
		return false
	case host.Respond:
		l.gw.stats.localReplies.Add(1)
		x.flags, x.details = "LR", res.Local.Details
		for _, kv := range res.Local.Headers {
			if !strings.HasPrefix(kv[0], ":") && !hopByHop[kv[0]] {
				w.Header().Add(kv[0], kv[1])
			}
		}
		if w.Header().Get("Content-Length") == "" {
			w.Header().Set("Content-Length", strconv.Itoa(len(res.Local.Body)))
		}
		x.status = res.Local.Status
		w.WriteHeader(res.Local.Status)
		n, _ := w.Write(res.Local.Body)
		x.bytesOut = int64(n)
		return true
	case host.Reset:
		x.flags, x.status = "DR", 0
		panic(http.ErrAbortHandler)
	}
	reason := "plugin_failed"
	if errors.Is(res.Err, host.ErrWaitTimeout) {
		reason = "plugin_pause_timeout"
	}
	l.failClosed(w, x, reason)
	return true
}

// failClosed answers 500 when the plugin could not decide: the request
// never reaches the upstream.
func (l *listener) failClosed(w http.ResponseWriter, x *exchange, reason string) {
	l.gw.stats.failedClosed.Add(1)
	x.flags, x.details, x.status = "FC", reason, http.StatusInternalServerError
	body := `{"error":"internal_error","reason":"` + reason + `","request_id":"` + x.requestID + `"}`
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusInternalServerError)
	io.WriteString(w, body)
}

// route picks the first route whose domain and path match, as Envoy does.
func (l *listener) route(host, path string) *envoyconfig.Route {
	if i := strings.LastIndexByte(host, ':'); i >= 0 && !strings.Contains(host[i:], "]") {
		host = host[:i]
	}
	if i := strings.IndexByte(path, '?'); i >= 0 {
		path = path[:i]
	}
	for i := range l.cfg.Routes {
		rt := &l.cfg.Routes[i]
		if !domainMatch(rt.Domains, host) {
			continue
		}
		if rt.Path != "" && path == rt.Path || rt.Prefix != "" && strings.HasPrefix(path, rt.Prefix) {
			return rt
		}
	}
	return nil
}

func domainMatch(domains []string, host string) bool {
	for _, d := range domains {
		switch {
		case d == "*", strings.EqualFold(d, host):
			return true
		case strings.HasPrefix(d, "*") && len(host) > len(d)-1 && strings.HasSuffix(strings.ToLower(host), strings.ToLower(d[1:])):
			return true
		}
	}
	return false
}
