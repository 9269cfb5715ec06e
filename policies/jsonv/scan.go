package jsonv

import (
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// The scanner reads strings only; GetBytes and ValidBytes hand it their
// bytes in place (inPlace) rather than copying them: a second, []byte
// instantiation of the scanner cost palisade.wasm 19 KB.

// The scanner below expects valid JSON. On anything else every function
// still returns an index in [i, len(s)] and moves forward whenever it can,
// so callers terminate; what they find is then unspecified.

func skipSpace(s string, i int) int {
	for i < len(s) && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r') {
		i++
	}
	return i
}

// stringEnd returns the index just past the closing quote of the string
// whose contents start at i (after the opening quote), and whether the
// string holds an escape. An unterminated string ends at len(s), not ok.
func stringEnd(s string, i int) (end int, esc, ok bool) {
	for i < len(s) {
		for i+4 <= len(s) && !stringStop[s[i]] && !stringStop[s[i+1]] && !stringStop[s[i+2]] && !stringStop[s[i+3]] {
			i += 4
		}
		for i < len(s) && !stringStop[s[i]] {
			i++
		}
		if i >= len(s) {
			break
		}
		if s[i] == '"' {
			return i + 1, esc, true
		}
		esc = true
		i += 2
	}
	return len(s), esc, false
}

// skipValue returns the index just past the value starting at i, or i if
// no value starts there.
func skipValue(s string, i int) int {
	if i >= len(s) {
		return i
	}
	switch s[i] {
	case '"':
		end, _, _ := stringEnd(s, i+1)
		return end
	case '{', '[':
		depth := 0
		for i < len(s) {
			if !structural[s[i]] {
				i++
				continue
			}
			switch s[i] {
			case '"':
				i, _, _ = stringEnd(s, i+1)
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return i + 1
				}
			}
			i++
		}
		return len(s)
	case ',', ':', '}', ']', ' ', '\t', '\n', '\r':
		return i
	}
	// A literal or a number: up to the next delimiter.
	j := i + 1
	for j < len(s) {
		switch s[j] {
		case ',', ':', '}', ']', '[', '{', '"', ' ', '\t', '\n', '\r':
			return j
		}
		j++
	}
	return j
}

// stringStop marks the bytes stringEnd looks at.
var stringStop = [256]bool{'"': true, '\\': true}

// structural marks the bytes skipValue looks at inside an object or array.
var structural = [256]bool{'"': true, '{': true, '[': true, '}': true, ']': true}

// hasEscape reports whether the quoted string raw holds a backslash.
func hasEscape(raw string) bool { return strings.IndexByte(raw, '\\') >= 0 }

// stringValue returns the contents of the quoted string raw, unescaped if
// esc says it holds escapes (only then does it allocate).
func stringValue(raw string, esc bool) string {
	if len(raw) < 2 || raw[len(raw)-1] != '"' {
		// Unterminated (invalid JSON): the contents up to the end.
		if raw == "" {
			return ""
		}
		raw += `"`
	}
	body := raw[1 : len(raw)-1]
	if !esc {
		return body
	}
	var b strings.Builder
	b.Grow(len(body))
	var buf [utf8.UTFMax]byte
	for i := 0; i < len(body); {
		n, next := decodeByte(body, i, &buf)
		b.Write(buf[:n])
		i = next
	}
	return b.String()
}

// decodeByte decodes the character of a string's contents at i into buf:
// a byte as it is, or an escape as the UTF-8 bytes it stands for. It
// returns how many bytes it wrote and the index of the next character.
// A lone surrogate (\ud800) becomes U+FFFD, as in encoding/json; an
// invalid escape (invalid JSON) stands for nothing.
func decodeByte(s string, i int, buf *[utf8.UTFMax]byte) (n, next int) {
	if s[i] != '\\' {
		buf[0] = s[i]
		return 1, i + 1
	}
	if i+1 >= len(s) {
		return 0, len(s)
	}
	switch c := s[i+1]; c {
	case '"', '\\', '/':
		buf[0] = c
	case 'b':
		buf[0] = '\b'
	case 'f':
		buf[0] = '\f'
	case 'n':
		buf[0] = '\n'
	case 'r':
		buf[0] = '\r'
	case 't':
		buf[0] = '\t'
	case 'u':
		r, ok := hex4(s, i+2)
		if !ok {
			return 0, min(i+2, len(s))
		}
		next = i + 6
		if utf16.IsSurrogate(r) && r < 0xdc00 && next+6 <= len(s) && s[next] == '\\' && s[next+1] == 'u' {
			if r2, ok := hex4(s, next+2); ok && r2 >= 0xdc00 && r2 < 0xe000 {
				r = utf16.DecodeRune(r, r2)
				next += 6
			}
		}
		return utf8.EncodeRune(buf[:], r), next
	default:
		return 0, i + 2
	}
	return 1, i + 2
}

// hex4 reads the four hex digits of a \u escape at i.
func hex4(s string, i int) (rune, bool) {
	if i+4 > len(s) {
		return 0, false
	}
	var r rune
	for _, c := range [4]byte{s[i], s[i+1], s[i+2], s[i+3]} {
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c -= 'a' - 10
		case c >= 'A' && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	return r, true
}
