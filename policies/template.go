package policies

import (
	"strings"
)

// template is a compiled path template: segments that are literal,
// "*" (one segment), "{name}" (one segment, captured as path.name) or a
// final "**" (any number of segments, including none).
type template struct {
	segs     []segment
	rest     bool // ends with **
	fold     bool // case-insensitive literals
	captures int
}

type segment struct {
	lit     string
	any     bool
	capture string
}

func compileTemplate(t string, fold bool) (template, error) {
	if !strings.HasPrefix(t, "/") {
		return template{}, &Error{Msg: "a path template starts with /"}
	}
	tp := template{fold: fold}
	parts := strings.Split(t[1:], "/")
	if t == "/" {
		parts = nil
	}
	seen := map[string]bool{}
	for i, p := range parts {
		switch {
		case p == "**":
			if i != len(parts)-1 {
				return template{}, &Error{Msg: "** may only end a path template"}
			}
			tp.rest = true
		case p == "*":
			tp.segs = append(tp.segs, segment{any: true})
		case strings.HasPrefix(p, "{") && strings.HasSuffix(p, "}"):
			name := p[1 : len(p)-1]
			if !validName(name) || seen[name] {
				return template{}, &Error{Msg: "bad or repeated capture {" + name + "}"}
			}
			seen[name] = true
			tp.segs = append(tp.segs, segment{capture: name})
			tp.captures++
		case strings.ContainsAny(p, "{}*"):
			return template{}, &Error{Msg: "a segment is a literal, *, ** or {name}, not " + quote(p)}
		default:
			tp.segs = append(tp.segs, segment{lit: p})
		}
	}
	if tp.captures > maxParams {
		return template{}, &Error{Msg: "more than 8 captures"}
	}
	return tp, nil
}

func validName(s string) bool {
	if s == "" || !isIdentStart(s[0]) {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isIdentStart(s[i]) && !(s[i] >= '0' && s[i] <= '9') {
			return false
		}
	}
	return true
}

// match reports whether path (normalized, starting with '/') matches,
// recording captures in r. A final ** also matches nothing: /payments/**
// matches /payments itself.
func (tp *template) match(path string, r *Request) bool {
	r.nparam = 0
	if path == "" || path[0] != '/' {
		return false
	}
	rest, done := path[1:], path == "/"
	for _, s := range tp.segs {
		if done {
			return false
		}
		var seg string
		if i := strings.IndexByte(rest, '/'); i >= 0 {
			seg, rest = rest[:i], rest[i+1:]
		} else {
			seg, rest, done = rest, "", true
		}
		switch {
		case s.any:
			if seg == "" {
				return false
			}
		case s.capture != "":
			if seg == "" {
				return false
			}
			r.params[r.nparam] = [2]string{s.capture, seg}
			r.nparam++
		case tp.fold:
			if !strings.EqualFold(seg, s.lit) {
				return false
			}
		case seg != s.lit:
			return false
		}
	}
	return tp.rest || done
}
