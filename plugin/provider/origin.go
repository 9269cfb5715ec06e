package provider

import (
	"errors"
	"strconv"
	"strings"
)

// webURL is an absolute http(s) URL read strictly (RFC 3986 section 3),
// as discovery needs it: the issuer, a jwks_uri, an origin that maps to a
// cluster. Written here rather than with net/url, which is lenient where
// this must not be (it accepts userinfo, backslashes, empty ports) and
// costs palisade.wasm more than these lines.
type webURL struct {
	scheme   string // "https" or "http"
	host     string // lower case; the port only when not the scheme's default
	path     string // as written ("/" when empty)
	query    string // as written, without "?"; hasQuery tells "?" from none
	hasQuery bool
}

// origin is scheme://host[:port], the key of the origin-to-cluster map.
func (u webURL) origin() string { return u.scheme + "://" + u.host }

// target is the request target (:path) that fetches u.
func (u webURL) target() string {
	if u.hasQuery {
		return u.path + "?" + u.query
	}
	return u.path
}

// Errors of webURL, each a reason a URL is refused.
var (
	errURLScheme    = errors.New("must use https (http only for a loopback host with allow_http_loopback)")
	errURLUserinfo  = errors.New("must not carry userinfo")
	errURLFragment  = errors.New("must not have a fragment")
	errURLHost      = errors.New("has no valid host")
	errURLPort      = errors.New("has an invalid port")
	errURLCharacter = errors.New("has a character a URL may not contain")
	errURLLong      = errors.New("is longer than 2048 bytes")
)

// maxURLBytes bounds a URL read from a discovery document.
const maxURLBytes = 2048

// parseWebURL reads raw as an absolute https URL, or an http one when
// allowHTTPLoopback is set and its host is a loopback address.
func parseWebURL(raw string, allowHTTPLoopback bool) (webURL, error) {
	var u webURL
	if len(raw) > maxURLBytes {
		return u, errURLLong
	}
	for i := 0; i < len(raw); i++ {
		if !uriChar(raw[i]) {
			return u, errURLCharacter
		}
	}
	if strings.IndexByte(raw, '#') >= 0 {
		return u, errURLFragment
	}
	i := strings.Index(raw, "://")
	if i < 0 {
		return u, errURLScheme
	}
	u.scheme = strings.ToLower(raw[:i])
	if u.scheme != "https" && u.scheme != "http" {
		return u, errURLScheme
	}
	rest := raw[i+3:]
	end := strings.IndexAny(rest, "/?")
	if end < 0 {
		end = len(rest)
	}
	authority, rest := rest[:end], rest[end:]
	if strings.IndexByte(authority, '@') >= 0 {
		return u, errURLUserinfo
	}
	host, port, err := splitHostPort(authority)
	if err != nil {
		return u, err
	}
	if u.scheme == "http" && !(allowHTTPLoopback && loopback(host)) {
		return u, errURLScheme
	}
	u.host = host
	if port != "" && !(u.scheme == "https" && port == "443" || u.scheme == "http" && port == "80") {
		u.host += ":" + port
	}
	u.path = rest
	if q := strings.IndexByte(rest, '?'); q >= 0 {
		u.path, u.query, u.hasQuery = rest[:q], rest[q+1:], true
	}
	if !validPart(u.path, "/:@") || !validPart(u.query, "/:@?") {
		return u, errURLCharacter
	}
	if u.path == "" {
		u.path = "/"
	}
	return u, nil
}

// splitHostPort splits an authority without userinfo into a lower-case
// host (a DNS name, IPv4 address or bracketed IPv6 literal) and a port.
func splitHostPort(a string) (host, port string, err error) {
	if strings.HasPrefix(a, "[") {
		end := strings.IndexByte(a, ']')
		if end < 0 {
			return "", "", errURLHost
		}
		host, a = strings.ToLower(a[:end+1]), a[end+1:]
		for i := 1; i < len(host)-1; i++ {
			if c := host[i]; !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c == ':' || c == '.') {
				return "", "", errURLHost
			}
		}
		if len(host) < 4 || a != "" && a[0] != ':' {
			return "", "", errURLHost
		}
	} else {
		if i := strings.IndexByte(a, ':'); i >= 0 {
			host, a = a[:i], a[i:]
		} else {
			host, a = a, ""
		}
		host = strings.ToLower(host)
		if host == "" || host[0] == '.' || host[0] == '-' {
			return "", "", errURLHost
		}
		for i := 0; i < len(host); i++ {
			if c := host[i]; !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == '_') {
				return "", "", errURLHost
			}
		}
	}
	if a == "" {
		return host, "", nil
	}
	port = a[1:]
	n, perr := strconv.Atoi(port)
	if perr != nil || len(port) > 5 || port[0] < '1' || port[0] > '9' || n > 65535 {
		return "", "", errURLPort
	}
	return host, port, nil
}

// loopback reports whether host names this machine: localhost, 127.0.0.0/8
// or ::1.
func loopback(host string) bool {
	if host == "localhost" || host == "[::1]" {
		return true
	}
	parts := strings.Split(host, ".")
	if len(parts) != 4 || parts[0] != "127" {
		return false
	}
	for _, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil || n > 255 || len(p) > 3 || p[0] == '+' || p[0] == '-' {
			return false
		}
	}
	return true
}

// uriChar reports whether c may appear in a URI at all (RFC 3986
// section 2: unreserved, reserved and '%').
func uriChar(c byte) bool {
	switch {
	case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		return true
	}
	return strings.IndexByte("-._~:/?#[]@!$&'()*+,;=%", c) >= 0
}

// validPart reports whether s is made of pchars (RFC 3986 section 3.3),
// the extra characters in extra, and well-formed percent-encodings.
func validPart(s, extra string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '%' {
			if i+2 >= len(s) || !hexDigit(s[i+1]) || !hexDigit(s[i+2]) {
				return false
			}
			i += 2
			continue
		}
		if c == '#' || c == '[' || c == ']' || (c == '/' || c == '?' || c == ':' || c == '@') && strings.IndexByte(extra, c) < 0 {
			return false
		}
	}
	return true
}

func hexDigit(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}
