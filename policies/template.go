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

// compileTemplate compiles t; an error is an *Error placed at the
// offending segment.
func compileTemplate(t string, fold bool) (template, error) {
	if !strings.HasPrefix(t, "/") {
		return template{}, &Error{Msg: "a path template starts with / (it is matched against the path, query left out)"}
	}
	tp := template{fold: fold}
	parts := strings.Split(t[1:], "/")
	if t == "/" {
		parts = nil
	}
	seen := map[string]bool{}
	pos := 1 // of the part in t
	for i, p := range parts {
		switch {
		case p == "**":
			if i != len(parts)-1 {
				return template{}, &Error{Pos: pos, Msg: "** may only end a path template (it matches the rest of the path)"}
			}
			tp.rest = true
		case p == "*":
			tp.segs = append(tp.segs, segment{any: true})
		case strings.HasPrefix(p, "{") && strings.HasSuffix(p, "}"):
			name := p[1 : len(p)-1]
			switch {
			case !validName(name):
				return template{}, &Error{Pos: pos + 1, Msg: quote(name) + " is not a capture name: a letter or _, then letters, digits or _"}
			case seen[name]:
				return template{}, &Error{Pos: pos + 1, Msg: "capture {" + name + "} is repeated: path." + name + " can hold one segment"}
			case tp.captures == maxParams:
				return template{}, &Error{Pos: pos, Msg: "more than 8 captures in a template"}
			}
			seen[name] = true
			tp.segs = append(tp.segs, segment{capture: name})
			tp.captures++
		case strings.ContainsAny(p, "{}*"):
			return template{}, &Error{Pos: pos, Msg: "a segment is a literal, *, ** or {name}, not " + quote(p) + " (a wildcard or capture is a whole segment)"}
		default:
			tp.segs = append(tp.segs, segment{lit: p})
		}
		pos += len(p) + 1
	}
	return tp, nil
}

// cutLiteral reports whether the next segment of rest is lit, and
// returns what follows it as match and walk read a path: rest after the
// '/' that ends lit, or done when lit was the last segment.
func cutLiteral(rest, lit string) (after string, done, ok bool) {
	l := len(lit)
	switch {
	case len(rest) < l, l < len(rest) && rest[l] != '/', l > 0 && rest[0] != lit[0], rest[:l] != lit:
		return "", false, false
	case l == len(rest):
		return "", true, true
	}
	return rest[l+1:], false, true
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
	for i := range tp.segs {
		s := &tp.segs[i] // not a copy: inside wasm a segment is copied through memory
		if done {
			return false
		}
		if !s.any && s.capture == "" && !tp.fold {
			// A literal: compared with the start of rest, without looking
			// for the next '/' first (inside wasm, a call).
			var ok bool
			if rest, done, ok = cutLiteral(rest, s.lit); !ok {
				return false
			}
			continue
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
