// Package jsonv reads values out of JSON text (RFC 8259) by path, with the
// part of github.com/tidwall/gjson's API that Palisade uses: the same
// names, and the same results on valid JSON for the paths described in
// [Get]. It exists because gjson's package initialisation links
// encoding/json and its reflection into palisade.wasm (0.66 MB of 6.96),
// through modifiers Palisade never uses.
//
// Nothing here validates implicitly: callers check untrusted text with
// [Valid] first, as they did with gjson. On invalid text the functions do
// not panic and take time linear in the input, but what they return is
// unspecified (a value whose Raw is a piece of the input, or nothing).
package jsonv

import (
	"strconv"
	"strings"
)

// Type is the JSON type of a [Result].
type Type int

// The types of a Result, with gjson's names and order.
const (
	// Null is JSON null, and the type of a Result that does not exist.
	Null Type = iota
	False
	Number
	String
	True
	// JSON is an object or an array.
	JSON
)

// Result is one JSON value found in a document: its type, its text
// (Raw, exactly as in the document), and for a string its unescaped
// contents (Str), for a number its value (Num). A Result that was not
// found is the zero Result.
type Result struct {
	Type Type
	Raw  string
	Str  string
	Num  float64
}

// Exists reports whether the value was found (a JSON null was).
func (r Result) Exists() bool { return r.Type != Null || r.Raw != "" }

// IsObject reports whether r is a JSON object.
func (r Result) IsObject() bool { return r.Type == JSON && r.Raw != "" && r.Raw[0] == '{' }

// IsArray reports whether r is a JSON array.
func (r Result) IsArray() bool { return r.Type == JSON && r.Raw != "" && r.Raw[0] == '[' }

// String returns r as text: a string's contents, "true" or "false", an
// object's or array's JSON text, "" for null or nothing, and for a number
// its text when that is an integer ("-12") or else the shortest decimal
// form of its value ("1.5e2" gives "150"), as gjson does.
func (r Result) String() string {
	switch r.Type {
	case String:
		return r.Str
	case True:
		return "true"
	case False:
		return "false"
	case JSON:
		return r.Raw
	case Number:
		if isInteger(r.Raw) {
			return r.Raw
		}
		return strconv.FormatFloat(r.Num, 'f', -1, 64)
	}
	return ""
}

// isInteger reports whether s is an optional minus and one or more digits.
func isInteger(s string) bool {
	if s != "" && s[0] == '-' {
		s = s[1:]
	}
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// Bool returns r as a boolean: true for JSON true, a number other than 0,
// or a string strconv.ParseBool accepts as true in any case ("TRUE", "1",
// "t"); false for everything else.
func (r Result) Bool() bool {
	switch r.Type {
	case True:
		return true
	case Number:
		return r.Num != 0
	case String:
		b, _ := strconv.ParseBool(strings.ToLower(r.Str))
		return b
	}
	return false
}

// Array returns the elements of an array; for null or nothing an empty
// slice, and for any other value a slice holding r alone.
func (r Result) Array() []Result {
	if r.Type == Null {
		return []Result{}
	}
	if !r.IsArray() {
		return []Result{r}
	}
	var out []Result
	r.ForEach(func(_, v Result) bool {
		out = append(out, v)
		return true
	})
	return out
}

// Value returns r as a Go value: string, float64, bool, nil (for null or
// nothing), map[string]any for an object (of members with the same name,
// the first), []any for an array.
func (r Result) Value() any {
	switch r.Type {
	case String:
		return r.Str
	case Number:
		return r.Num
	case True:
		return true
	case False:
		return false
	case JSON:
		if r.IsObject() {
			m := map[string]any{}
			r.ForEach(func(k, v Result) bool {
				if _, dup := m[k.Str]; !dup {
					m[k.Str] = v.Value()
				}
				return true
			})
			return m
		}
		a := []any{}
		r.ForEach(func(_, v Result) bool {
			a = append(a, v.Value())
			return true
		})
		return a
	}
	return nil
}

// ForEach calls f for each member of an object (key, value) or element of
// an array (a key of type Number whose Num is the index, and the value),
// in document order, until f returns false. Members with the same name are
// all visited. For a value that is neither, f is called once with the zero
// key and r; for a Result that does not exist, never.
func (r Result) ForEach(f func(key, value Result) bool) {
	if !r.Exists() {
		return
	}
	if r.Type != JSON {
		f(Result{}, r)
		return
	}
	s := r.Raw
	i := skipSpace(s, 0)
	if i >= len(s) {
		return
	}
	switch s[i] {
	case '{':
		forEachMember(s, i, f)
	case '[':
		forEachElement(s, i, f)
	}
}

func forEachMember(s string, i int, f func(key, value Result) bool) {
	i = skipSpace(s, i+1)
	for i < len(s) && s[i] == '"' {
		ke, esc, _ := stringEnd(s, i+1)
		key := Result{Type: String, Raw: s[i:ke]}
		key.Str = stringValue(key.Raw, esc)
		i = skipSpace(s, ke)
		if i >= len(s) || s[i] != ':' {
			return
		}
		vs := skipSpace(s, i+1)
		ve := skipValue(s, vs)
		if ve == vs || !f(key, valueOf(s[vs:ve])) {
			return
		}
		i = skipSpace(s, ve)
		if i >= len(s) || s[i] != ',' {
			return
		}
		i = skipSpace(s, i+1)
	}
}

func forEachElement(s string, i int, f func(key, value Result) bool) {
	i = skipSpace(s, i+1)
	for n := 0; i < len(s) && s[i] != ']'; n++ {
		ve := skipValue(s, i)
		if ve == i || !f(Result{Type: Number, Num: float64(n)}, valueOf(s[i:ve])) {
			return
		}
		i = skipSpace(s, ve)
		if i >= len(s) || s[i] != ',' {
			return
		}
		i = skipSpace(s, i+1)
	}
}

// valueOf makes the Result for raw, the complete text of one value.
func valueOf(raw string) Result {
	if raw == "" {
		return Result{}
	}
	switch raw[0] {
	case '"':
		return Result{Type: String, Raw: raw, Str: stringValue(raw, hasEscape(raw))}
	case '{', '[':
		return Result{Type: JSON, Raw: raw}
	case 't':
		return Result{Type: True, Raw: raw}
	case 'f':
		return Result{Type: False, Raw: raw}
	case 'n':
		return Result{Type: Null, Raw: raw}
	}
	// Out of range numbers become ±Inf or 0, as strconv rounds them.
	n, _ := strconv.ParseFloat(raw, 64)
	return Result{Type: Number, Raw: raw, Num: n}
}

// Parse returns the first value of json without validating it. For an
// object or array, Raw is the rest of json from its first byte on
// (trailing white space included) and nothing is scanned, so Parse costs
// nothing for a document that is then read with Get; for a scalar, Raw is
// the scalar's text. Text holding no value gives the zero Result.
func Parse(json string) Result {
	i := skipSpace(json, 0)
	if i >= len(json) {
		return Result{}
	}
	switch json[i] {
	case '{', '[':
		return Result{Type: JSON, Raw: json[i:]}
	case '"', 't', 'f', 'n', '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		return valueOf(json[i:skipValue(json, i)])
	}
	return Result{}
}

// ParseBytes is [Parse] of a copy of json (the Result does not share
// json's memory).
func ParseBytes(json []byte) Result { return Parse(string(json)) }
