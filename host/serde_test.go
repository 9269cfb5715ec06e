package host

import (
	"reflect"
	"testing"
)

func TestHeaderEdits(t *testing.T) {
	h := Headers{{"a", "1"}, {"b", "2"}, {"a", "3"}, {"c", "4"}}
	if v, _ := h.Get("A"); v != "1,3" {
		t.Errorf("Get joins repeated values: %q", v)
	}
	got := h.Clone().replace("a", "x")
	if want := (Headers{{"a", "x"}, {"b", "2"}, {"c", "4"}}); !reflect.DeepEqual(got, want) {
		t.Errorf("replace = %q, want %q", got, want)
	}
	got = h.Clone().remove("A")
	if want := (Headers{{"b", "2"}, {"c", "4"}}); !reflect.DeepEqual(got, want) {
		t.Errorf("remove = %q, want %q", got, want)
	}
	got = h.Clone().add("D", "5")
	if got[len(got)-1] != [2]string{"d", "5"} {
		t.Errorf("add lower-cases: %q", got)
	}
}

func TestDecodeMap_Malformed(t *testing.T) {
	for name, b := range map[string][]byte{
		"short":            {1, 0},
		"count too large":  {0xff, 0xff, 0, 0},
		"sizes past data":  {1, 0, 0, 0, 5, 0, 0, 0, 5, 0, 0, 0, 'a', 0},
		"no NUL after key": {1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 'a', 'b', 'c', 0},
		"trailing bytes":   append(encodeMap(nil, Headers{{"a", "b"}}), 'x'),
	} {
		if h, err := decodeMap(b); err == nil {
			t.Errorf("%s: decoded %q", name, h)
		}
	}
}

// FuzzDecodeMap: whatever a guest sends either fails to decode or
// round-trips through encodeMap.
func FuzzDecodeMap(f *testing.F) {
	f.Add(encodeMap(nil, Headers{{":path", "/"}, {"x", ""}}))
	f.Add([]byte{0})
	f.Add([]byte{2, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		h, err := decodeMap(b)
		if err != nil {
			return
		}
		again, err := decodeMap(encodeMap(nil, h))
		if err != nil || len(again) != len(h) || (len(h) > 0 && !reflect.DeepEqual(again, h)) {
			t.Fatalf("round trip of %q: %q, %v", h, again, err)
		}
	})
}

func TestPrometheus(t *testing.T) {
	m := NewMetrics()
	c, _ := m.define(Counter, "palisade_requests_total")
	g, _ := m.define(Gauge, "a.b-c")
	m.get(c).value = 3
	m.get(g).value = -2
	var b stringsBuilder
	m.WritePrometheus(&b)
	want := "# TYPE wasmcustom_a_b_c gauge\nwasmcustom_a_b_c -2\n# TYPE wasmcustom_palisade_requests_total counter\nwasmcustom_palisade_requests_total 3\n"
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
}

type stringsBuilder struct{ b []byte }

func (s *stringsBuilder) Write(p []byte) (int, error) { s.b = append(s.b, p...); return len(p), nil }
func (s *stringsBuilder) String() string              { return string(s.b) }
