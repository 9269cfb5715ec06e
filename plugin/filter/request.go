package filter

import (
	"strings"
	"unicode/utf8"
	"unsafe"
)

// request holds what the plugin reads from the request headers, read once
// (one host call for all headers). Header names arrive in lower case.
type request struct {
	method, path, authority, scheme string
	requestID                       string
	xfcc                            string
	hasXFCC                         bool
	headers                         [][2]string
}

func readRequest(hdrs [][2]string) request {
	r := request{headers: hdrs}
	for _, kv := range hdrs {
		switch kv[0] {
		case ":method":
			r.method = kv[1]
		case ":path":
			r.path = kv[1]
		case ":authority":
			r.authority = kv[1]
		case ":scheme":
			r.scheme = kv[1]
		case "x-request-id":
			if safeID(kv[1]) {
				r.requestID = kv[1]
			}
		case "x-forwarded-client-cert":
			// Several XFCC headers are one list, as for any repeated field.
			if r.hasXFCC {
				r.xfcc += "," + kv[1]
			} else {
				r.xfcc, r.hasXFCC = kv[1], true
			}
		}
	}
	return r
}

// headersValid reports whether every header value is valid UTF-8 without
// NUL: a value a rule, the plugin and the upstream could each read
// differently is refused, not interpreted.
func headersValid(hdrs [][2]string) bool {
	for _, kv := range hdrs {
		v := kv[1]
		if plainASCII(v) {
			continue
		}
		if strings.IndexByte(v, 0) >= 0 || !utf8.ValidString(v) {
			return false
		}
	}
	return true
}

// plainASCII reports whether s holds only bytes 0x01-0x7f, eight at a
// time: inside wasm a byte loop over a request's headers (a bearer token
// alone is ~1 KiB) cost ~6 µs, this ~1 µs. A word has a byte >= 0x80 when
// w&hi != 0, and a zero byte when (w-lo)&^w&hi != 0.
func plainASCII(s string) bool {
	const lo, hi = 0x0101010101010101, 0x8080808080808080
	p := unsafe.Pointer(unsafe.StringData(s))
	i := 0
	for ; i+8 <= len(s); i += 8 {
		w := *(*uint64)(unsafe.Add(p, i))
		if w&hi != 0 || (w-lo)&^w&hi != 0 {
			return false
		}
	}
	for ; i < len(s); i++ {
		if c := s[i]; c == 0 || c >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// pathOnly and query split the raw :path as received.
func (r request) pathOnly() string {
	for i := 0; i < len(r.path); i++ {
		if r.path[i] == '?' || r.path[i] == '#' {
			return r.path[:i]
		}
	}
	return r.path
}

func (r request) query() string {
	for i := 0; i < len(r.path); i++ {
		if r.path[i] == '#' {
			return ""
		}
		if r.path[i] == '?' {
			q := r.path[i+1:]
			for j := 0; j < len(q); j++ {
				if q[j] == '#' {
					return q[:j]
				}
			}
			return q
		}
	}
	return ""
}

// safeID reports whether a request id may be echoed in a JSON body and a
// log line as is: short, and only token characters.
func safeID(s string) bool {
	if len(s) == 0 || len(s) > 128 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}
