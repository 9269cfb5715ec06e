package gateway

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/palisade-wasm/palisade/host"
)

// chunkPool recycles the buffers bodies are read into, one per direction
// of a stream in flight.
var chunkPool = sync.Pool{New: func() any { b := make([]byte, chunkSize); return &b }}

// errLocalReply aborts an upstream request whose stream the plugin
// answered (or failed) while its body was flowing.
var errLocalReply = errors.New("stream answered by the plugin")

// forward sends the request, as the plugin left it, to the route's cluster
// and the response back through the plugin. s is nil on a listener
// without a plugin.
func (l *listener) forward(w http.ResponseWriter, r *http.Request, x *exchange, s *host.Stream, h host.Headers) {
	authority, _ := h.Get(":authority")
	path, _ := h.Get(":path")
	method, _ := h.Get(":method")
	rt := l.route(authority, path)
	if rt == nil {
		x.flags = "NR"
		writeError(w, x, http.StatusNotFound, "no_route")
		return
	}
	x.route = rt
	up := l.gw.clusters[rt.Cluster]
	ctx, cancel := context.WithTimeout(r.Context(), rt.Timeout)
	defer cancel()

	var body io.ReadCloser = http.NoBody
	bodyResult := make(chan host.Result, 1)
	if r.Body != nil && r.Body != http.NoBody && r.ContentLength != 0 {
		if s == nil {
			body = r.Body
		} else {
			pr, pw := io.Pipe()
			body = pr
			go l.feedRequestBody(ctx, s, r.Body, pw, bodyResult)
		}
	}
	req, err := http.NewRequestWithContext(ctx, method, up.base+path, body)
	if err != nil {
		writeError(w, x, http.StatusBadRequest, "bad_request")
		return
	}
	req.Host = authority
	if r.ContentLength > 0 && s == nil {
		req.ContentLength = r.ContentLength
	}
	toHTTP(req.Header, h)
	start := time.Now()
	resp, err := up.transport.RoundTrip(req)
	select {
	case res := <-bodyResult:
		// The plugin answered or failed during the request body: that
		// answer wins over whatever the upstream did.
		if resp != nil {
			resp.Body.Close()
		}
		l.handled(w, x, res)
		return
	default:
	}
	if err != nil {
		l.gw.stats.upstreamErrors.Add(1)
		if errors.Is(err, context.DeadlineExceeded) {
			x.flags = "UT"
			writeError(w, x, http.StatusGatewayTimeout, "upstream_timeout")
		} else {
			x.flags = "UF"
			writeError(w, x, http.StatusBadGateway, "upstream_unavailable")
		}
		return
	}
	defer resp.Body.Close()
	upstreamTime := time.Since(start)
	if s == nil {
		l.relay(w, x, resp, responseHeaders(resp), upstreamTime)
		return
	}
	eos := resp.ContentLength == 0
	res := l.settle(ctx, s, s.ResponseHeaders(responseHeaders(resp), eos))
	if l.handled(w, x, res) {
		return
	}
	l.relayThroughPlugin(ctx, w, x, s, resp, upstreamTime)
}

// feedRequestBody streams the downstream body through the plugin into the
// upstream request. Chunks the plugin buffers (Pause) are held until it
// continues; an answer or failure aborts the upstream request and is
// reported on done.
func (l *listener) feedRequestBody(ctx context.Context, s *host.Stream, src io.Reader, dst *io.PipeWriter, done chan<- host.Result) {
	bp := chunkPool.Get().(*[]byte)
	defer chunkPool.Put(bp)
	buf := *bp
	for {
		n, rerr := io.ReadFull(src, buf)
		eos := rerr != nil
		if rerr != nil && rerr != io.EOF && rerr != io.ErrUnexpectedEOF {
			dst.CloseWithError(rerr)
			return
		}
		res := s.RequestBody(buf[:n], eos)
		if res.Action == host.Pause && eos {
			res = l.settle(ctx, s, res)
		}
		switch res.Action {
		case host.Continue:
			if _, err := dst.Write(res.Body); err != nil {
				return
			}
		case host.Pause:
		default:
			done <- res
			dst.CloseWithError(errLocalReply)
			return
		}
		if eos {
			dst.Close()
			return
		}
	}
}

// relay copies an upstream response downstream unchanged (no plugin).
func (l *listener) relay(w http.ResponseWriter, x *exchange, resp *http.Response, h host.Headers, upstreamTime time.Duration) {
	toHTTP(w.Header(), h)
	w.Header().Set("X-Envoy-Upstream-Service-Time", itoaMillis(upstreamTime))
	x.status = resp.StatusCode
	w.WriteHeader(resp.StatusCode)
	n, _ := io.Copy(w, resp.Body)
	x.bytesOut = n
}

// relayThroughPlugin sends the response headers as the plugin left them,
// then streams the body through proxy_on_response_body, then trailers.
func (l *listener) relayThroughPlugin(ctx context.Context, w http.ResponseWriter, x *exchange, s *host.Stream, resp *http.Response, upstreamTime time.Duration) {
	h := s.Response().Headers
	status := resp.StatusCode
	if v, ok := h.Get(":status"); ok {
		if c, err := parseStatus(v); err == nil {
			status = c
		}
	}
	hasBody := resp.ContentLength != 0
	bp := chunkPool.Get().(*[]byte)
	defer chunkPool.Put(bp)
	buf := *bp
	var pending []byte
	// A body the plugin buffers entirely (Pause until end of stream) may
	// still be replaced by a local answer, so headers wait for the first
	// chunk the plugin lets through.
	wroteHeaders := false
	writeHeaders := func() {
		if wroteHeaders {
			return
		}
		wroteHeaders = true
		toHTTP(w.Header(), h)
		if len(resp.Trailer) > 0 {
			for k := range resp.Trailer {
				w.Header().Add("Trailer", k)
			}
		}
		w.Header().Set("X-Envoy-Upstream-Service-Time", itoaMillis(upstreamTime))
		x.status = status
		w.WriteHeader(status)
	}
	if !hasBody {
		writeHeaders()
		return
	}
	for {
		n, rerr := io.ReadFull(resp.Body, buf)
		eos := rerr != nil
		if rerr != nil && rerr != io.EOF && rerr != io.ErrUnexpectedEOF {
			x.flags = "UR"
			if !wroteHeaders {
				writeError(w, x, http.StatusBadGateway, "upstream_reset")
			}
			return
		}
		res := s.ResponseBody(buf[:n], eos)
		if res.Action == host.Pause && eos {
			res = l.settle(ctx, s, res)
		}
		switch res.Action {
		case host.Continue:
			pending = res.Body
		case host.Pause:
			pending = nil
		default:
			if !wroteHeaders {
				l.handled(w, x, res)
			}
			// Headers already sent: all a proxy can do is cut the stream.
			return
		}
		if len(pending) > 0 || eos {
			writeHeaders()
			m, _ := w.Write(pending)
			x.bytesOut += int64(m)
		}
		if eos {
			break
		}
	}
	if len(resp.Trailer) > 0 {
		res := s.ResponseTrailers(trailers(resp.Trailer))
		if res.Action == host.Continue {
			toHTTP(w.Header(), s.Response().Trailers)
		}
	}
}

func trailers(t http.Header) host.Headers {
	var h host.Headers
	for k, vs := range t {
		for _, v := range vs {
			h = append(h, [2]string{strings.ToLower(k), v})
		}
	}
	return h
}

func writeError(w http.ResponseWriter, x *exchange, status int, reason string) {
	x.status, x.details = status, reason
	body := `{"error":"` + strings.ToLower(strings.ReplaceAll(http.StatusText(status), " ", "_")) + `","reason":"` + reason + `","request_id":"` + x.requestID + `"}`
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	n, _ := io.WriteString(w, body)
	x.bytesOut = int64(n)
}
