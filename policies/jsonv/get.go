package jsonv

import (
	"unicode/utf8"
	"unsafe"
)

// Get returns the value at path (see [CheckPath] for the syntax) in the
// object or array json holds, or the zero Result if there is none or the
// path is unsupported. Member names are compared after unescaping both
// the name and the path. When an object holds a name more than once, the
// first member along which the whole path exists wins, as in gjson
// ({"a":1,"a":{"b":2}} has a.b = 2). Unlike gjson, Get finds nothing in
// a document whose value is not an object or array (gjson searches the
// text of a string for brackets).
//
// Get does not allocate unless the value found is a string holding
// escapes (its unescaped Str is new memory).
func Get(json, path string) Result {
	vs, ve, found := locate(json, path)
	if !found {
		return Result{}
	}
	return valueOf(json[vs:ve])
}

// GetBytes is [Get] on bytes. The Result is a copy: it does not share
// json's memory, so it stays valid when json changes.
func GetBytes(json []byte, path string) Result {
	vs, ve, found := locate(inPlace(json), path)
	if !found {
		return Result{}
	}
	return valueOf(string(json[vs:ve]))
}

// Get returns the value at path within r, an object or array, as the
// package's Get does; for any other r it returns the zero Result.
func (r Result) Get(path string) Result {
	if r.Type != JSON {
		return Result{}
	}
	return Get(r.Raw, path)
}

// locate returns the bounds in doc of the value at path.
func locate(doc, path string) (vs, ve int, found bool) {
	if !supported(path) {
		return 0, 0, false
	}
	i := skipSpace(doc, 0)
	if i >= len(doc) || doc[i] != '{' && doc[i] != '[' {
		return 0, 0, false
	}
	vs, ve, found, _ = find(doc, i, path)
	return vs, ve, found
}

// inPlace views b as a string without copying it, for the scanner, which
// only reads: whatever outlives the call is copied out of b first (as
// GetBytes does), so the view never escapes.
func inPlace(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }

// find looks path up in the object or array that starts at i. It returns
// the bounds of the value found, or else the index just past the
// container, where a caller looking at duplicate names carries on (len(s)
// on invalid JSON, which ends every search).
func find(s string, i int, path string) (vs, ve int, found bool, next int) {
	comp, esc, rest, more := component(path)
	if s[i] == '[' {
		return findElement(s, i, comp, esc, rest, more)
	}
	clen := len(comp)
	if esc {
		clen = unescapedLen(comp)
	}
	i = skipSpace(s, i+1)
	for i < len(s) && s[i] == '"' {
		ke, kesc, ok := stringEnd(s, i+1)
		if !ok {
			return 0, 0, false, len(s)
		}
		match := nameEqual(s, i+1, ke-1, kesc, comp, esc, clen)
		i = skipSpace(s, ke)
		if i >= len(s) || s[i] != ':' {
			return 0, 0, false, len(s)
		}
		vs := skipSpace(s, i+1)
		if vs >= len(s) {
			return 0, 0, false, len(s)
		}
		switch {
		case match && !more:
			if ve := skipValue(s, vs); ve > vs {
				return vs, ve, true, 0
			}
			return 0, 0, false, len(s)
		case match && (s[vs] == '{' || s[vs] == '['):
			var found bool
			var ve int
			if vs, ve, found, i = find(s, vs, rest); found {
				return vs, ve, true, 0
			}
		default:
			if i = skipValue(s, vs); i == vs {
				return 0, 0, false, len(s)
			}
		}
		i = skipSpace(s, i)
		if i < len(s) && s[i] == ',' {
			i = skipSpace(s, i+1)
			continue
		}
		break
	}
	if i < len(s) && s[i] == '}' {
		return 0, 0, false, i + 1
	}
	return 0, 0, false, len(s)
}

func findElement(s string, i int, comp string, esc bool, rest string, more bool) (vs, ve int, found bool, next int) {
	want, ok := arrayIndex(comp, esc, len(s))
	if !ok {
		want = -1
	}
	i = skipSpace(s, i+1)
	for n := 0; i < len(s) && s[i] != ']'; n++ {
		switch {
		case n == want && !more:
			if ve := skipValue(s, i); ve > i {
				return i, ve, true, 0
			}
			return 0, 0, false, len(s)
		case n == want && (s[i] == '{' || s[i] == '['):
			var found bool
			var vs, ve int
			if vs, ve, found, i = find(s, i, rest); found {
				return vs, ve, true, 0
			}
		default:
			e := skipValue(s, i)
			if e == i {
				return 0, 0, false, len(s)
			}
			i = e
		}
		i = skipSpace(s, i)
		if i >= len(s) || s[i] != ',' {
			break
		}
		i = skipSpace(s, i+1)
	}
	if i < len(s) && s[i] == ']' {
		return 0, 0, false, i + 1
	}
	return 0, 0, false, len(s)
}

// nameEqual reports whether the member name s[ks:ke] (between the quotes,
// kesc if it holds escapes) is the path component comp (cesc if it holds
// escapes; clen bytes once unescaped), comparing unescaped bytes without
// building them.
func nameEqual(s string, ks, ke int, kesc bool, comp string, cesc bool, clen int) bool {
	if !kesc {
		if ke-ks != clen {
			return false
		}
		for j, k := 0, ks; k < ke; j, k = j+1, k+1 {
			if comp[j] == '\\' {
				j++ // a supported path has a byte after every '\'
			}
			if s[k] != comp[j] {
				return false
			}
		}
		return true
	}
	if ke-ks < clen {
		return false // unescaping never makes a name longer
	}
	name := s[:ke]
	var buf [utf8.UTFMax]byte
	j := 0
	for p := ks; p < ke; {
		n, next := decodeByte(name, p, &buf)
		for k := 0; k < n; k++ {
			if j >= len(comp) {
				return false
			}
			c := comp[j]
			if c == '\\' {
				j++
				c = comp[j]
			}
			if c != buf[k] {
				return false
			}
			j++
		}
		p = next
	}
	return j == len(comp)
}

// unescapedLen is the length of the path component comp once unescaped.
func unescapedLen(comp string) int {
	n := 0
	for j := 0; j < len(comp); j++ {
		if comp[j] == '\\' {
			j++
		}
		n++
	}
	return n
}
