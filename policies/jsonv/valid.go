package jsonv

import "unicode/utf8"

// MaxDepth is the deepest nesting of objects and arrays Valid accepts,
// the limit encoding/json has. Valid keeps its own stack (1.3 KB, not the
// goroutine's), so hostile nesting costs nothing beyond the scan.
const MaxDepth = 10000

// Valid reports whether json is one JSON value (RFC 8259), with white
// space around it allowed: strict grammar (no comments, trailing commas,
// single quotes, leading zeros, NaN, control characters in strings or
// bad escapes), UTF-8 throughout (section 8.1: a string holding invalid
// UTF-8, which encoding/json.Valid lets through, is refused), no byte
// order mark, and at most [MaxDepth] levels of nesting. Lone surrogate
// escapes ("\ud800") are valid, as the grammar allows them. It does not
// allocate.
func Valid(json string) bool { return utf8.ValidString(json) && valid(json) }

// ValidBytes is [Valid] on bytes.
func ValidBytes(json []byte) bool { return utf8.Valid(json) && valid(inPlace(json)) }

// valid checks the grammar and the depth (the caller checks UTF-8).
func valid(s string) bool {
	var objects [MaxDepth/64 + 1]uint64 // bit d: level d+1 is an object
	depth := 0
	i := skipSpace(s, 0)
	for {
		// A value starts at i.
		if i >= len(s) {
			return false
		}
		switch c := s[i]; c {
		case '{', '[':
			if depth == MaxDepth {
				return false
			}
			bit := uint64(1) << (depth % 64)
			if c == '{' {
				objects[depth/64] |= bit
			} else {
				objects[depth/64] &^= bit
			}
			depth++
			i = skipSpace(s, i+1)
			if i < len(s) && (c == '{' && s[i] == '}' || c == '[' && s[i] == ']') {
				depth--
				i++
				break
			}
			if c == '{' {
				var ok bool
				if i, ok = validName(s, i); !ok {
					return false
				}
			}
			continue
		case '"':
			var ok bool
			if i, ok = validString(s, i+1); !ok {
				return false
			}
		case 't':
			if !hasWord(s, i, "true") {
				return false
			}
			i += 4
		case 'f':
			if !hasWord(s, i, "false") {
				return false
			}
			i += 5
		case 'n':
			if !hasWord(s, i, "null") {
				return false
			}
			i += 4
		default:
			var ok bool
			if i, ok = validNumber(s, i); !ok {
				return false
			}
		}
		// A value ended at i: close containers, or find the next value.
		for {
			i = skipSpace(s, i)
			if depth == 0 {
				return i == len(s)
			}
			if i >= len(s) {
				return false
			}
			inObject := objects[(depth-1)/64]&(uint64(1)<<((depth-1)%64)) != 0
			if c := s[i]; c == '}' && inObject || c == ']' && !inObject {
				depth--
				i++
				continue
			}
			if s[i] != ',' {
				return false
			}
			i = skipSpace(s, i+1)
			if inObject {
				var ok bool
				if i, ok = validName(s, i); !ok {
					return false
				}
			}
			break
		}
	}
}

// validName checks a member name and its colon at i, returning the index
// where the member's value should start.
func validName(s string, i int) (int, bool) {
	if i >= len(s) || s[i] != '"' {
		return i, false
	}
	i, ok := validString(s, i+1)
	if !ok {
		return i, false
	}
	i = skipSpace(s, i)
	if i >= len(s) || s[i] != ':' {
		return i, false
	}
	return skipSpace(s, i+1), true
}

// validString checks a string's contents from i (after the quote) and
// returns the index past the closing quote.
func validString(s string, i int) (int, bool) {
	for i < len(s) {
		c := s[i]
		if c > '\\' || c >= 0x20 && c != '"' && c != '\\' {
			i++
			continue
		}
		switch {
		case c == '"':
			return i + 1, true
		case c < 0x20:
			return i, false
		case c == '\\':
			if i+1 >= len(s) {
				return i, false
			}
			switch s[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if _, ok := hex4(s, i+2); !ok {
					return i, false
				}
				i += 6
			default:
				return i, false
			}
		}
	}
	return i, false
}

// validNumber checks the number at i: -? (0 | [1-9][0-9]*) (. [0-9]+)?
// ([eE] [+-]? [0-9]+)?, returning the index past it.
func validNumber(s string, i int) (int, bool) {
	if i < len(s) && s[i] == '-' {
		i++
	}
	switch {
	case i < len(s) && s[i] == '0':
		i++
	case i < len(s) && s[i] >= '1' && s[i] <= '9':
		i = digits(s, i)
	default:
		return i, false
	}
	if i < len(s) && s[i] == '.' {
		j := digits(s, i+1)
		if j == i+1 {
			return i, false
		}
		i = j
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		j := digits(s, i)
		if j == i {
			return i, false
		}
		i = j
	}
	return i, true
}

func digits(s string, i int) int {
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	return i
}

func hasWord(s string, i int, w string) bool {
	if len(s)-i < len(w) {
		return false
	}
	for k := 0; k < len(w); k++ {
		if s[i+k] != w[k] {
			return false
		}
	}
	return true
}
