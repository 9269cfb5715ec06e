package gateway

import (
	"encoding/json"
	"net/http"
	"time"
)

// logAccess writes one JSON line per request, Envoy-style fields. It never
// includes headers' values (an Authorization header stays out of logs).
func (g *Gateway) logAccess(r *http.Request, x *exchange) {
	if x.status >= 100 && x.status < 600 {
		g.stats.responses[x.status/100].Add(1)
	}
	if g.opts.AccessLog == nil {
		return
	}
	// The path as received, escaped; never the query, which may carry a
	// token (access_token=...) or other secrets.
	path := r.URL.EscapedPath()
	line := struct {
		Time      string  `json:"start_time"`
		Method    string  `json:"method"`
		Path      string  `json:"path"`
		Protocol  string  `json:"protocol"`
		Status    int     `json:"response_code"`
		Flags     string  `json:"response_flags,omitempty"`
		Details   string  `json:"response_code_details,omitempty"`
		BytesSent int64   `json:"bytes_sent"`
		Duration  float64 `json:"duration_ms"`
		Upstream  string  `json:"upstream_cluster,omitempty"`
		Client    string  `json:"downstream_remote_address"`
		RequestID string  `json:"x_request_id"`
	}{
		Time: x.start.UTC().Format(time.RFC3339Nano), Method: r.Method, Path: path, Protocol: r.Proto,
		Status: x.status, Flags: x.flags, Details: x.details, BytesSent: x.bytesOut,
		Duration: float64(time.Since(x.start).Microseconds()) / 1000, Client: r.RemoteAddr, RequestID: x.requestID,
	}
	if x.route != nil {
		line.Upstream = x.route.Cluster
	}
	b, _ := json.Marshal(line)
	b = append(b, '\n')
	g.logMu.Lock()
	g.opts.AccessLog.Write(b)
	g.logMu.Unlock()
}
