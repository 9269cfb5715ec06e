package jsonv

import (
	"encoding/json"
	"math"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/tidwall/gjson"
)

// The helpers here compare jsonv with gjson, the library it replaces
// (test-only oracle), and Valid with encoding/json.Valid.

// gjsonOf converts a gjson result to the fields jsonv has.
func gjsonOf(g gjson.Result) Result {
	return Result{Type: Type(g.Type), Raw: g.Raw, Str: g.Str, Num: g.Num}
}

func sameResult(a, b Result) bool {
	return a.Type == b.Type && a.Raw == b.Raw && a.Str == b.Str &&
		(a.Num == b.Num || math.IsNaN(a.Num) && math.IsNaN(b.Num))
}

// checkLikeGJSON fails t unless r behaves as g in everything jsonv
// offers: fields, methods, and the ForEach sequence.
func checkLikeGJSON(t *testing.T, what string, r Result, g gjson.Result) {
	t.Helper()
	if !sameResult(r, gjsonOf(g)) {
		t.Fatalf("%s = %#v, gjson %#v", what, r, gjsonOf(g))
	}
	if r.Exists() != g.Exists() || r.IsArray() != g.IsArray() || r.IsObject() != g.IsObject() ||
		r.String() != g.String() || r.Bool() != g.Bool() {
		t.Fatalf("%s: Exists/IsArray/IsObject/String/Bool = %v %v %v %q %v, gjson %v %v %v %q %v", what,
			r.Exists(), r.IsArray(), r.IsObject(), r.String(), r.Bool(),
			g.Exists(), g.IsArray(), g.IsObject(), g.String(), g.Bool())
	}
	var got, want []Result
	r.ForEach(func(k, v Result) bool { got = append(got, k, v); return true })
	g.ForEach(func(k, v gjson.Result) bool { want = append(want, gjsonOf(k), gjsonOf(v)); return true })
	if len(got) != len(want) {
		t.Fatalf("%s: ForEach visits %d, gjson %d", what, len(got)/2, len(want)/2)
	}
	for i := range got {
		if !sameResult(got[i], want[i]) {
			t.Fatalf("%s: ForEach item %d = %#v, gjson %#v", what, i, got[i], want[i])
		}
	}
	if v, w := r.Value(), g.Value(); !reflect.DeepEqual(v, w) {
		t.Fatalf("%s: Value = %#v, gjson %#v", what, v, w)
	}
	ga, wa := r.Array(), g.Array()
	if len(ga) != len(wa) {
		t.Fatalf("%s: Array has %d, gjson %d", what, len(ga), len(wa))
	}
	for i := range ga {
		if !sameResult(ga[i], gjsonOf(wa[i])) {
			t.Fatalf("%s: Array()[%d] = %#v, gjson %#v", what, i, ga[i], gjsonOf(wa[i]))
		}
	}
}

// checkValid compares Valid with encoding/json.Valid plus UTF-8, the one
// rule of RFC 8259 encoding/json does not check.
func checkValid(t *testing.T, doc string) bool {
	t.Helper()
	want := json.Valid([]byte(doc)) && utf8.ValidString(doc)
	if got := Valid(doc); got != want {
		t.Fatalf("Valid(%q) = %v, encoding/json and utf8 say %v", doc, got, want)
	}
	if got := ValidBytes([]byte(doc)); got != want {
		t.Fatalf("ValidBytes(%q) = %v, want %v", doc, got, want)
	}
	return want
}

// checkGet compares Get (and GetBytes, Parse(doc).Get) with gjson for a
// valid document whose value is an object or array and a supported path;
// on anything else it checks what jsonv promises on its own.
func checkGet(t *testing.T, doc, path string) {
	t.Helper()
	r := Get(doc, path)
	if b := GetBytes([]byte(doc), path); !sameResult(b, r) {
		t.Fatalf("GetBytes(%q, %q) = %#v, Get %#v", doc, path, b, r)
	}
	if p := Parse(doc).Get(path); !sameResult(p, r) {
		t.Fatalf("Parse(%q).Get(%q) = %#v, Get %#v", doc, path, p, r)
	}
	if r.Exists() && !strings.Contains(doc, r.Raw) {
		t.Fatalf("Get(%q, %q).Raw = %q, not part of the document", doc, path, r.Raw)
	}
	if CheckPath(path) != nil {
		if r.Exists() {
			t.Fatalf("Get(%q, %q) with an unsupported path = %#v, want nothing", doc, path, r)
		}
		return
	}
	if !checkValid(t, doc) {
		return // unspecified result, checked above not to panic
	}
	top := strings.TrimLeft(doc, " \t\r\n")
	if top[0] != '{' && top[0] != '[' {
		if r.Exists() {
			t.Fatalf("Get(%q, %q) = %#v, want nothing in a scalar document", doc, path, r)
		}
		return
	}
	checkLikeGJSON(t, "Get("+doc+", "+path+")", r, gjson.Get(doc, path))
}
