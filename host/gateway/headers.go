package gateway

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/palisade-wasm/palisade/host"
)

// hopByHop are the headers that describe one connection, not the message
// (RFC 9110 section 7.6.1); they are never forwarded in either direction.
var hopByHop = map[string]bool{
	"connection":          true,
	"keep-alive":          true,
	"proxy-authenticate":  true,
	"proxy-authorization": true,
	"proxy-connection":    true,
	"te":                  true,
	"trailer":             true,
	"transfer-encoding":   true,
	"upgrade":             true,
}

// forwardable reports whether a header may cross the proxy, also dropping
// any header the Connection header names as hop-by-hop.
func forwardable(name string, connection []string) bool {
	if hopByHop[name] {
		return false
	}
	for _, c := range connection {
		for _, tok := range strings.Split(c, ",") {
			if strings.EqualFold(strings.TrimSpace(tok), name) {
				return false
			}
		}
	}
	return true
}

// requestHeaders builds the proxy-wasm view of a downstream request:
// pseudo-headers first, then every forwardable header in lower case.
func requestHeaders(r *http.Request, scheme string) host.Headers {
	// An absolute-form request line (RFC 9112 section 3.2.2) becomes
	// origin form plus authority, as Envoy turns it into :path and
	// :authority; anything else is handed to the plugin as received.
	path, authority := r.RequestURI, r.Host
	if r.URL.IsAbs() && !strings.HasPrefix(path, "/") {
		path = r.URL.RequestURI()
		if r.URL.Host != "" {
			authority = r.URL.Host
		}
	}
	h := make(host.Headers, 0, 4+len(r.Header))
	h = append(h,
		[2]string{":authority", authority},
		[2]string{":path", path},
		[2]string{":method", r.Method},
		[2]string{":scheme", scheme},
	)
	return appendForwardable(h, r.Header)
}

// appendForwardable appends every forwardable header of src, lower-cased.
func appendForwardable(h host.Headers, src http.Header) host.Headers {
	conn := src.Values("Connection")
	for k, vs := range src {
		lk := strings.ToLower(k)
		if !forwardable(lk, conn) {
			continue
		}
		for _, v := range vs {
			h = append(h, [2]string{lk, v})
		}
	}
	return h
}

// responseHeaders builds the proxy-wasm view of an upstream response.
func responseHeaders(resp *http.Response) host.Headers {
	h := make(host.Headers, 0, 1+len(resp.Header))
	h = append(h, [2]string{":status", strconv.Itoa(resp.StatusCode)})
	return appendForwardable(h, resp.Header)
}

// toHTTP copies proxy-wasm headers into an http.Header, leaving out
// pseudo-headers and hop-by-hop headers the plugin may have added.
func toHTTP(dst http.Header, h host.Headers) {
	for _, kv := range h {
		if strings.HasPrefix(kv[0], ":") || hopByHop[kv[0]] {
			continue
		}
		dst.Add(kv[0], kv[1])
	}
}
