package jwt

import (
	"bytes"
	"unicode/utf8"
)

// MaxDepth bounds the nesting of objects and arrays in a token's header
// and claims. Envoy allows 1000; real tokens nest a handful of levels, and
// a deep document is an attack on whatever reads it next.
const MaxDepth = 32

// maxKeysCompared bounds the keys compared pairwise for duplicates in one
// object; larger objects use a set.
const maxKeysCompared = 16

// checkJSON validates b as a JSON document (RFC 8259) whose top value is
// an object, no deeper than MaxDepth, in valid UTF-8, with no object
// holding the same member name twice (names compared after unescaping,
// so "a" and "\u0061" collide). Parsers disagree on which duplicate wins,
// so a token that has one means different things to different readers.
// The work is linear in len(b); nothing is allocated for ordinary tokens.
func checkJSON(b []byte) error {
	if !utf8.Valid(b) {
		return fail(ErrMalformed, "JSON is not valid UTF-8")
	}
	s := scanner{b: b}
	s.space()
	if s.i >= len(b) || b[s.i] != '{' {
		return fail(ErrMalformed, "JSON is not an object")
	}
	if err := s.value(0); err != nil {
		return err
	}
	s.space()
	if s.i != len(b) {
		return fail(ErrMalformed, "trailing data after JSON")
	}
	return nil
}

type scanner struct {
	b []byte
	i int
}

func (s *scanner) space() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

var errSyntax = fail(ErrMalformed, "JSON syntax error")

func (s *scanner) value(depth int) error {
	s.space()
	if s.i >= len(s.b) {
		return errSyntax
	}
	switch c := s.b[s.i]; {
	case c == '{':
		if depth >= MaxDepth {
			return fail(ErrMalformed, "JSON nested too deep")
		}
		return s.object(depth + 1)
	case c == '[':
		if depth >= MaxDepth {
			return fail(ErrMalformed, "JSON nested too deep")
		}
		return s.array(depth + 1)
	case c == '"':
		_, err := s.str()
		return err
	case c == 't':
		return s.literal("true")
	case c == 'f':
		return s.literal("false")
	case c == 'n':
		return s.literal("null")
	case c == '-' || c >= '0' && c <= '9':
		return s.number()
	}
	return errSyntax
}

func (s *scanner) literal(lit string) error {
	if !bytes.HasPrefix(s.b[s.i:], []byte(lit)) {
		return errSyntax
	}
	s.i += len(lit)
	return nil
}

func (s *scanner) number() error {
	start := s.i
	if s.b[s.i] == '-' {
		s.i++
	}
	digits := func() int {
		n := 0
		for s.i < len(s.b) && s.b[s.i] >= '0' && s.b[s.i] <= '9' {
			s.i++
			n++
		}
		return n
	}
	if s.i < len(s.b) && s.b[s.i] == '0' {
		s.i++
	} else if digits() == 0 {
		return errSyntax
	}
	if s.i < len(s.b) && s.b[s.i] == '.' {
		s.i++
		if digits() == 0 {
			return errSyntax
		}
	}
	if s.i < len(s.b) && (s.b[s.i] == 'e' || s.b[s.i] == 'E') {
		s.i++
		if s.i < len(s.b) && (s.b[s.i] == '+' || s.b[s.i] == '-') {
			s.i++
		}
		if digits() == 0 {
			return errSyntax
		}
	}
	if s.i-start > 64 {
		return fail(ErrMalformed, "JSON number too long")
	}
	return nil
}

// str scans a string and returns its raw contents (without quotes,
// escapes left as they are).
func (s *scanner) str() ([]byte, error) {
	s.i++ // opening quote
	start := s.i
	for s.i < len(s.b) {
		c := s.b[s.i]
		switch {
		case c == '"':
			raw := s.b[start:s.i]
			s.i++
			return raw, nil
		case c == '\\':
			if s.i+1 >= len(s.b) {
				return nil, errSyntax
			}
			switch s.b[s.i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				s.i += 2
			case 'u':
				if s.i+5 >= len(s.b) || !hex4(s.b[s.i+2:s.i+6]) {
					return nil, errSyntax
				}
				s.i += 6
			default:
				return nil, errSyntax
			}
		case c < 0x20:
			return nil, errSyntax
		default:
			s.i++
		}
	}
	return nil, errSyntax
}

func hex4(b []byte) bool {
	for _, c := range b {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return false
		}
	}
	return true
}

func (s *scanner) array(depth int) error {
	s.i++
	s.space()
	if s.i < len(s.b) && s.b[s.i] == ']' {
		s.i++
		return nil
	}
	for {
		if err := s.value(depth); err != nil {
			return err
		}
		s.space()
		if s.i >= len(s.b) {
			return errSyntax
		}
		switch s.b[s.i] {
		case ',':
			s.i++
		case ']':
			s.i++
			return nil
		default:
			return errSyntax
		}
	}
}

func (s *scanner) object(depth int) error {
	s.i++
	s.space()
	if s.i < len(s.b) && s.b[s.i] == '}' {
		s.i++
		return nil
	}
	var few [maxKeysCompared][]byte
	n := 0
	var many map[string]bool
	for {
		s.space()
		if s.i >= len(s.b) || s.b[s.i] != '"' {
			return errSyntax
		}
		raw, err := s.str()
		if err != nil {
			return err
		}
		key := raw
		if bytes.IndexByte(raw, '\\') >= 0 {
			key = unescape(raw)
		}
		if many == nil && n < maxKeysCompared {
			for _, k := range few[:n] {
				if bytes.Equal(k, key) {
					return fail(ErrMalformed, "duplicate member name")
				}
			}
			few[n] = key
			n++
		} else {
			if many == nil {
				many = make(map[string]bool, 2*maxKeysCompared)
				for _, k := range few[:n] {
					many[string(k)] = true
				}
			}
			if many[string(key)] {
				return fail(ErrMalformed, "duplicate member name")
			}
			many[string(key)] = true
		}
		s.space()
		if s.i >= len(s.b) || s.b[s.i] != ':' {
			return errSyntax
		}
		s.i++
		if err := s.value(depth); err != nil {
			return err
		}
		s.space()
		if s.i >= len(s.b) {
			return errSyntax
		}
		switch s.b[s.i] {
		case ',':
			s.i++
		case '}':
			s.i++
			return nil
		default:
			return errSyntax
		}
	}
}

// unescape decodes a member name's escapes (validated by str) to compare
// names by what they mean.
func unescape(raw []byte) []byte {
	out := make([]byte, 0, len(raw))
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		if c != '\\' {
			out = append(out, c)
			continue
		}
		i++
		switch raw[i] {
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			r := rune(0)
			for _, h := range raw[i+1 : i+5] {
				r <<= 4
				switch {
				case h >= '0' && h <= '9':
					r |= rune(h - '0')
				case h >= 'a' && h <= 'f':
					r |= rune(h-'a') + 10
				default:
					r |= rune(h-'A') + 10
				}
			}
			out = utf8.AppendRune(out, r)
			i += 4
		default:
			out = append(out, raw[i])
		}
	}
	return out
}
