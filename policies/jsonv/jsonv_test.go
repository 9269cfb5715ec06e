package jsonv

import (
	"reflect"
	"testing"

	"github.com/tidwall/gjson"
)

// getTests pins Get's answers; each case also runs against gjson (except
// where gjson is documented to differ, want says so).
var getTests = []struct {
	name, doc, path string
	want            Result
	gjsonDiffers    bool // unsupported path or scalar document
}{
	{name: "member", doc: `{"a":"x"}`, path: "a", want: Result{Type: String, Raw: `"x"`, Str: "x"}},
	{name: "nested with index", doc: `{"a":{"b":[1,2,{"c":true}]}}`, path: "a.b.2.c", want: Result{Type: True, Raw: "true"}},
	{name: "index with leading zero", doc: `{"a":[5,6]}`, path: "a.01", want: Result{Type: Number, Raw: "6", Num: 6}},
	{name: "index out of range", doc: `{"a":[5,6]}`, path: "a.2"},
	{name: "escaped index is a name", doc: `[5,6]`, path: `\1`},
	{name: "digits name in object", doc: `{"1":"one"}`, path: "1", want: Result{Type: String, Raw: `"one"`, Str: "one"}},
	{name: "escaped dot", doc: `{"a.b":1,"a":{"b":2}}`, path: `a\.b`, want: Result{Type: Number, Raw: "1", Num: 1}},
	{name: "dot descends", doc: `{"a.b":1,"a":{"b":2}}`, path: "a.b", want: Result{Type: Number, Raw: "2", Num: 2}},
	{name: "hash inside a name", doc: `{"cnf":{"x5t#S256":"t"}}`, path: "cnf.x5t#S256", want: Result{Type: String, Raw: `"t"`, Str: "t"}},
	{name: "escaped hash", doc: `{"cnf":{"x5t#S256":"t"}}`, path: `cnf.x5t\#S256`, want: Result{Type: String, Raw: `"t"`, Str: "t"}},
	{name: "escaped specials", doc: `{"#*?|@![{\\":1}`, path: `\#\*\?\|\@\!\[\{\\`, want: Result{Type: Number, Raw: "1", Num: 1}},
	{name: "name with escapes", doc: `{"\u0061b":1}`, path: "ab", want: Result{Type: Number, Raw: "1", Num: 1}},
	{name: "name with surrogate pair", doc: `{"\ud83d\ude00":1}`, path: "😀", want: Result{Type: Number, Raw: "1", Num: 1}},
	{name: "name with lone surrogate", doc: `{"\ud83d":1}`, path: "\uFFFD", want: Result{Type: Number, Raw: "1", Num: 1}},
	{name: "name longer than path", doc: `{"ab":1}`, path: "a"},
	{name: "escaped name longer than path", doc: `{"a\u0062":1}`, path: "a"},
	{name: "first duplicate wins", doc: `{"a":1,"a":2}`, path: "a", want: Result{Type: Number, Raw: "1", Num: 1}},
	{name: "duplicate along the path", doc: `{"a":1,"a":{"b":2}}`, path: "a.b", want: Result{Type: Number, Raw: "2", Num: 2}},
	{name: "duplicate objects", doc: `{"a":{"c":1},"a":{"b":2}}`, path: "a.b", want: Result{Type: Number, Raw: "2", Num: 2}},
	{name: "null exists", doc: `{"n":null}`, path: "n", want: Result{Type: Null, Raw: "null"}},
	{name: "object", doc: `{"o": {"k": [1, 2]} }`, path: "o", want: Result{Type: JSON, Raw: `{"k": [1, 2]}`}},
	{name: "empty name", doc: `{"":3}`, path: "", want: Result{Type: Number, Raw: "3", Num: 3}},
	{name: "trailing dot is an empty name", doc: `{"a":{"":3}}`, path: "a.", want: Result{Type: Number, Raw: "3", Num: 3}},
	{name: "string with escapes", doc: `{"s":"a\"b\u00e9\/"}`, path: "s", want: Result{Type: String, Raw: `"a\"b\u00e9\/"`, Str: `a"bé/`}},
	{name: "white space", doc: " \n{ \"a\" :\t[ 1 , 2 ] }\n", path: "a.1", want: Result{Type: Number, Raw: "2", Num: 2}},
	{name: "through a scalar", doc: `{"a":"x"}`, path: "a.b"},
	{name: "missing", doc: `{"a":1}`, path: "b"},
	{name: "huge number", doc: `{"n":1e999}`, path: "n", want: Result{Type: Number, Raw: "1e999", Num: inf}},
	{name: "top array", doc: `[{"a":1}]`, path: "0.a", want: Result{Type: Number, Raw: "1", Num: 1}},
	{name: "scalar document", doc: `"[1]"`, path: "0", gjsonDiffers: true},
	{name: "wildcard", doc: `{"ab":1}`, path: "a*", gjsonDiffers: true},
	{name: "question mark", doc: `{"ab":1}`, path: "a?", gjsonDiffers: true},
	{name: "pipe", doc: `{"a":{"b":1}}`, path: "a|b", gjsonDiffers: true},
	{name: "count", doc: `{"a":[1,2]}`, path: "a.#", gjsonDiffers: true},
	{name: "query", doc: `{"a":[{"b":1}]}`, path: "a.#(b==1).b", gjsonDiffers: true},
	{name: "modifier", doc: `{"a":1}`, path: "@this", gjsonDiffers: true},
	{name: "literal", doc: `{"a":1}`, path: "!true", gjsonDiffers: true},
	{name: "multipath", doc: `{"a":1}`, path: "[a]", gjsonDiffers: true},
	{name: "multipath after dot", doc: `{"a":{"b":1}}`, path: "a.{b}", gjsonDiffers: true},
	{name: "json lines", doc: `{"a":1}`, path: "..0.a", gjsonDiffers: true},
	{name: "trailing backslash", doc: `{"a":1}`, path: `a\`, gjsonDiffers: true},
}

var inf = 1 / zero

var zero float64

func TestGet(t *testing.T) {
	for _, tc := range getTests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Get(tc.doc, tc.path); !sameResult(got, tc.want) {
				t.Errorf("Get = %#v, want %#v", got, tc.want)
			}
			if got := GetBytes([]byte(tc.doc), tc.path); !sameResult(got, tc.want) {
				t.Errorf("GetBytes = %#v, want %#v", got, tc.want)
			}
			g := gjson.Get(tc.doc, tc.path)
			if agree := sameResult(gjsonOf(g), tc.want); agree == tc.gjsonDiffers {
				t.Errorf("gjson gives %#v; gjsonDiffers is %v", gjsonOf(g), tc.gjsonDiffers)
			}
			checkGet(t, tc.doc, tc.path)
		})
	}
}

func TestResultMethods(t *testing.T) {
	tests := []struct {
		raw    string
		str    string
		b      bool
		exists bool
	}{
		{raw: `12`, str: "12", b: true, exists: true},
		{raw: `-0`, str: "-0", b: false, exists: true},
		{raw: `1.50`, str: "1.5", b: true, exists: true},
		{raw: `1e3`, str: "1000", b: true, exists: true},
		{raw: `12345678901234567890123`, str: "12345678901234567890123", b: true, exists: true},
		{raw: `"TRUE"`, str: "TRUE", b: true, exists: true},
		{raw: `"yes"`, str: "yes", b: false, exists: true},
		{raw: `true`, str: "true", b: true, exists: true},
		{raw: `false`, str: "false", b: false, exists: true},
		{raw: `null`, str: "", b: false, exists: true},
		{raw: ` [1, "a"] `, str: `[1, "a"] `, b: false, exists: true},
		{raw: ``, str: "", b: false, exists: false},
		{raw: `  `, str: "", b: false, exists: false},
	}
	for _, tc := range tests {
		r := Parse(tc.raw)
		if r.String() != tc.str || r.Bool() != tc.b || r.Exists() != tc.exists {
			t.Errorf("Parse(%q): String, Bool, Exists = %q, %v, %v; want %q, %v, %v", tc.raw, r.String(), r.Bool(), r.Exists(), tc.str, tc.b, tc.exists)
		}
		checkLikeGJSON(t, "Parse("+tc.raw+")", r, gjson.Parse(tc.raw))
		if b := ParseBytes([]byte(tc.raw)); !sameResult(b, r) {
			t.Errorf("ParseBytes(%q) = %#v, Parse %#v", tc.raw, b, r)
		}
	}
}

func TestForEach(t *testing.T) {
	tests := []struct {
		doc  string
		want []string // key.String(), value.Raw, ...
	}{
		{doc: `{"a":1,"a":"x","\u0062":[true]}`, want: []string{"a", "1", "a", `"x"`, "b", "[true]"}},
		{doc: ` [ 1 ,{"k":null}, "s" ] `, want: []string{"0", "1", "1", `{"k":null}`, "2", `"s"`}},
		{doc: `{}`, want: nil},
		{doc: `[]`, want: nil},
		{doc: `"s"`, want: []string{"", `"s"`}},
		{doc: `null`, want: []string{"", "null"}},
		{doc: ``, want: nil},
	}
	for _, tc := range tests {
		var got []string
		Parse(tc.doc).ForEach(func(k, v Result) bool {
			got = append(got, k.String(), v.Raw)
			return true
		})
		if !equalStrings(got, tc.want) {
			t.Errorf("ForEach(%q) visits %q, want %q", tc.doc, got, tc.want)
		}
		checkLikeGJSON(t, "Parse("+tc.doc+")", Parse(tc.doc), gjson.Parse(tc.doc))
	}
	n := 0
	Parse(`[1,2,3]`).ForEach(func(_, _ Result) bool { n++; return n < 2 })
	if n != 2 {
		t.Errorf("ForEach went on after false: %d calls, want 2", n)
	}
}

func TestValue(t *testing.T) {
	got := Parse(` {"s":"x","n":1.5,"t":true,"f":false,"z":null,"a":[1,{}],"s":"second"} `).Value()
	want := map[string]any{"s": "x", "n": 1.5, "t": true, "f": false, "z": nil, "a": []any{1.0, map[string]any{}}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Value = %#v, want %#v", got, want)
	}
	if v := (Result{}).Value(); v != nil {
		t.Errorf("Value of nothing = %#v, want nil", v)
	}
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestCheckPath(t *testing.T) {
	tests := []struct{ path, want string }{
		{path: "realm_access.roles"},
		{path: `https://example\.com/roles`},
		{path: "cnf.x5t#S256"},
		{path: `cnf.x5t\#S256`},
		{path: ""},
		{path: "roles.0"},
		{path: "roles.#", want: `'#' at byte 6 would be an array count or query in gjson, which is not supported; write \# for the character itself`},
		{path: "a*", want: `'*' at byte 1 would be a wildcard in gjson, which is not supported; write \* for the character itself`},
		{path: "a|b", want: `'|' at byte 1 would be a pipe in gjson, which is not supported; write \| for the character itself`},
		{path: "@reverse", want: `'@' at byte 0 would be a modifier in gjson, which is not supported; write \@ for the character itself`},
		{path: "a.{b}", want: `'{' at byte 2 would be a multipath in gjson, which is not supported; write \{ for the character itself`},
		{path: "!true", want: `'!' at byte 0 would be a literal in gjson, which is not supported; write \! for the character itself`},
		{path: "..a", want: `".." at the start of a path reads JSON lines in gjson, which is not supported`},
		{path: `a\`, want: `a '\' at the end of a path escapes nothing`},
	}
	for _, tc := range tests {
		err := CheckPath(tc.path)
		if got := errString(err); got != tc.want {
			t.Errorf("CheckPath(%q) = %q, want %q", tc.path, got, tc.want)
		}
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func TestValid(t *testing.T) {
	tests := []struct {
		doc  string
		want bool
	}{
		{`{"a":[1,-2.5e+3,true,false,null,"x\u00e9\n"]}`, true},
		{" \t\r\n[] ", true},
		{`"\ud800"`, true},
		{`0`, true},
		{``, false},
		{` `, false},
		{`{"a":1,}`, false},
		{`[1,]`, false},
		{`{"a" 1}`, false},
		{`{1:1}`, false},
		{`01`, false},
		{`1.`, false},
		{`.5`, false},
		{`1e`, false},
		{`-`, false},
		{`+1`, false},
		{`NaN`, false},
		{`tru`, false},
		{`nulll`, false},
		{`'a'`, false},
		{`"a` + "\t" + `"`, false},
		{`"\x"`, false},
		{`"\u12g4"`, false},
		{"\"\xff\"", false},
		{"\xef\xbb\xbf{}", false},
		{`{}}`, false},
		{`[}`, false},
		{`{]`, false},
		{`[1 2]`, false},
		{`{"a":1 "b":2}`, false},
		{`// c` + "\n1", false},
	}
	for _, tc := range tests {
		if got := Valid(tc.doc); got != tc.want {
			t.Errorf("Valid(%q) = %v, want %v", tc.doc, got, tc.want)
		}
		checkValid(t, tc.doc)
	}
}

func TestValid_Depth(t *testing.T) {
	for _, tc := range []struct {
		depth int
		want  bool
	}{{MaxDepth, true}, {MaxDepth + 1, false}} {
		for _, open := range []string{"[", `{"a":`} {
			doc := repeat(open, tc.depth) + repeat(map[string]string{"[": "]", `{"a":`: "}"}[open][:1], tc.depth)
			doc = doc[:len(doc)-tc.depth] + "1" + doc[len(doc)-tc.depth:]
			if got := Valid(doc); got != tc.want {
				t.Errorf("Valid(%d levels of %s) = %v, want %v", tc.depth, open, got, tc.want)
			}
			checkValid(t, doc)
		}
	}
}

func repeat(s string, n int) string {
	b := make([]byte, 0, len(s)*n)
	for range n {
		b = append(b, s...)
	}
	return string(b)
}
