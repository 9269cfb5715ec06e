package jsonv

import (
	"strings"
	"testing"

	"github.com/tidwall/gjson"
)

// FuzzAgainstGJSON checks jsonv against gjson on the same document: for a
// valid document (Valid must agree with encoding/json.Valid and UTF-8),
// Parse, and Get along a path that exists (walked by choice through the
// document, names escaped) and along the fuzzed path, give gjson's Type,
// Raw, Str, Num, Exists and ForEach sequence. On an invalid document or
// an unsupported path, nothing may panic and Get finds nothing or a piece
// of the document.
func FuzzAgainstGJSON(f *testing.F) {
	for _, tc := range getTests {
		f.Add(tc.doc, tc.path, uint64(0))
	}
	f.Add(`{"a":{"b.c":[1,{"#":"\u00e9"}]},"a":2}`, `a.b\.c.1.\#`, uint64(0x1234))
	f.Add(`[[],{},"",0,-1.5e-3,true,false,null]`, "5", uint64(7))
	f.Add(`{"a`, "a", uint64(1))
	f.Fuzz(func(t *testing.T, doc, path string, choice uint64) {
		valid := checkValid(t, doc)
		checkGet(t, doc, path)
		if !valid {
			_ = Parse(doc).Array() // must not panic
			return
		}
		checkLikeGJSON(t, "Parse("+doc+")", Parse(doc), gjson.Parse(doc))
		walked := walk(gjson.Parse(doc), choice)
		if walked == "" {
			return
		}
		checkGet(t, doc, walked)
		// Two empty names at the start make "..", which no escape can
		// avoid: the one walked path Get may not find.
		if !Get(doc, walked).Exists() && !strings.HasPrefix(walked, "..") {
			t.Fatalf("Get(%q, %q) found nothing on a path walked through the document", doc, walked)
		}
	})
}

// walk picks a path through v that exists, one member or element per
// level as choice says, escaping names (some bytes escaped needlessly,
// which must not matter).
func walk(v gjson.Result, choice uint64) string {
	var parts []string
	for v.IsObject() || v.IsArray() {
		n := 0
		v.ForEach(func(_, _ gjson.Result) bool { n++; return true })
		if n == 0 || choice%5 == 0 && len(parts) > 0 {
			break
		}
		pick := int(choice % uint64(n))
		choice /= uint64(n) + 1
		i := 0
		v.ForEach(func(k, e gjson.Result) bool {
			if i == pick {
				if v.IsArray() {
					parts = append(parts, strings.Repeat("0", int(choice%2))+itoa(i))
				} else {
					parts = append(parts, escapeName(k.Str, choice))
				}
				v = e
				return false
			}
			i++
			return true
		})
		choice /= 2
	}
	return strings.Join(parts, ".")
}

func itoa(i int) string {
	if i < 10 {
		return string(rune('0' + i))
	}
	return itoa(i/10) + itoa(i%10)
}

// escapeName writes name as one path component: every byte Get would
// read specially is escaped, and, as choice's bits say, a few others.
func escapeName(name string, choice uint64) string {
	var b strings.Builder
	for i := 0; i < len(name); i++ {
		c := name[i]
		if strings.IndexByte(`\.*?|#@![{`, c) >= 0 || choice>>(i%64)&1 == 1 && c < 0x80 {
			b.WriteByte('\\')
		}
		b.WriteByte(c)
	}
	return b.String()
}
