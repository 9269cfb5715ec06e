// Package urlpath normalizes the request path before anything matches on
// it, so that rules and the protected service never disagree about which
// resource a request names. It follows RFC 3986: percent-encoded
// unreserved characters are decoded (section 6.2.2.2), remaining escapes
// get upper-case hex (6.2.2.1), dot segments are removed (5.2.4), and runs
// of slashes are merged (as Envoy's merge_slashes does).
//
// Requests that could mean different things to different parsers are
// refused rather than guessed at: an encoded '/' or '\', a backslash, a
// NUL or other control character, a malformed escape, or a path that does
// not start with '/'.
package urlpath

import "errors"

// Errors of Normalize; each maps to a 400 answer with its reason code.
var (
	ErrNotOrigin    = errors.New("path is not in origin form")
	ErrEncodedSlash = errors.New("path contains an encoded slash or backslash")
	ErrBackslash    = errors.New("path contains a backslash")
	ErrControl      = errors.New("path contains a NUL or control character")
	ErrBadEscape    = errors.New("path contains a malformed percent escape")
	ErrTooLong      = errors.New("path is too long")
)

// MaxLength bounds the paths Normalize accepts (Envoy's default header
// size limit is 60 KiB; a path is far shorter in practice).
const MaxLength = 8 << 10

// Reason returns the reason code a 400 answer carries for err.
func Reason(err error) string {
	switch {
	case errors.Is(err, ErrEncodedSlash):
		return "path_encoded_slash"
	case errors.Is(err, ErrBackslash):
		return "path_backslash"
	case errors.Is(err, ErrControl):
		return "path_control_character"
	case errors.Is(err, ErrBadEscape):
		return "path_bad_escape"
	case errors.Is(err, ErrTooLong):
		return "path_too_long"
	}
	return "path_not_origin_form"
}

// Normalize splits raw (a request's :path) into its normalized path and
// its query (without '?', unchanged); a fragment is dropped. When raw is
// already normal the result shares its memory and nothing is allocated.
func Normalize(raw string) (path, query string, err error) {
	if len(raw) > MaxLength {
		return "", "", ErrTooLong
	}
	end := len(raw)
	for i := 0; i < len(raw); i++ {
		if raw[i] == '?' || raw[i] == '#' {
			end = i
			break
		}
	}
	p := raw[:end]
	if end < len(raw) && raw[end] == '?' {
		query = raw[end+1:]
		for i := 0; i < len(query); i++ {
			if query[i] == '#' {
				query = query[:i]
				break
			}
		}
	}
	for i := 0; i < len(query); i++ {
		if c := query[i]; c < 0x20 || c == 0x7f {
			return "", "", ErrControl
		}
	}
	if len(p) == 0 || p[0] != '/' {
		return "", "", ErrNotOrigin
	}
	if normal, err := check(p); err != nil {
		return "", "", err
	} else if normal {
		return p, query, nil
	}
	return rewrite(p), query, nil
}

// check validates p and reports whether it is already normal: no escape
// to rewrite, no "//", no dot segment.
func check(p string) (normal bool, err error) {
	normal = true
	for i := 0; i < len(p); i++ {
		switch c := p[i]; {
		case c < 0x20 || c == 0x7f:
			return false, ErrControl
		case c == '\\':
			return false, ErrBackslash
		case c == '%':
			if i+2 >= len(p) || !isHex(p[i+1]) || !isHex(p[i+2]) {
				return false, ErrBadEscape
			}
			b := unhex(p[i+1])<<4 | unhex(p[i+2])
			switch {
			case b == '/' || b == '\\':
				return false, ErrEncodedSlash
			case b == 0 || b < 0x20 || b == 0x7f:
				return false, ErrControl
			}
			if unreserved(b) || isLowerHex(p[i+1]) || isLowerHex(p[i+2]) {
				normal = false
			}
			i += 2
		case c == '/':
			if i+1 < len(p) && p[i+1] == '/' {
				normal = false
			}
			if dotSegmentAt(p, i+1) {
				normal = false
			}
		}
	}
	return normal, nil
}

// dotSegmentAt reports whether a "." or ".." segment starts at i.
func dotSegmentAt(p string, i int) bool {
	if i < len(p) && p[i] == '.' {
		if i+1 == len(p) || p[i+1] == '/' {
			return true
		}
		if p[i+1] == '.' && (i+2 == len(p) || p[i+2] == '/') {
			return true
		}
	}
	return false
}

// rewrite decodes unreserved escapes, upper-cases the others, merges
// slashes and removes dot segments. p has passed check.
func rewrite(p string) string {
	// Decode into segments, then resolve dot segments on the decoded text,
	// so "%2e%2e" is the ".." it means.
	buf := make([]byte, 0, len(p))
	for i := 0; i < len(p); i++ {
		c := p[i]
		if c == '%' {
			b := unhex(p[i+1])<<4 | unhex(p[i+2])
			if unreserved(b) {
				buf = append(buf, b)
			} else {
				buf = append(buf, '%', upperHex(p[i+1]), upperHex(p[i+2]))
			}
			i += 2
			continue
		}
		buf = append(buf, c)
	}
	out := make([]byte, 0, len(buf))
	trailing := buf[len(buf)-1] == '/'
	segStart := 0
	for i := 0; i <= len(buf); i++ {
		if i < len(buf) && buf[i] != '/' {
			continue
		}
		seg := buf[segStart:i]
		segStart = i + 1
		switch string(seg) {
		case "":
			// Empty segments (leading "/", "//") are merged away.
		case ".":
			trailing = trailing || i == len(buf)
		case "..":
			if j := lastSlash(out); j >= 0 {
				out = out[:j]
			}
			trailing = trailing || i == len(buf)
		default:
			out = append(out, '/')
			out = append(out, seg...)
			if i == len(buf) {
				trailing = false
			}
		}
	}
	if len(out) == 0 || trailing {
		out = append(out, '/')
	}
	return string(out)
}

func lastSlash(b []byte) int {
	for i := len(b) - 1; i >= 0; i-- {
		if b[i] == '/' {
			return i
		}
	}
	return -1
}

func unreserved(b byte) bool {
	return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || b == '-' || b == '.' || b == '_' || b == '~'
}

func isHex(c byte) bool { return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' }

func isLowerHex(c byte) bool { return c >= 'a' && c <= 'f' }

func upperHex(c byte) byte {
	if c >= 'a' && c <= 'f' {
		return c - 'a' + 'A'
	}
	return c
}

func unhex(c byte) byte {
	switch {
	case c >= '0' && c <= '9':
		return c - '0'
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10
	}
	return c - 'A' + 10
}
