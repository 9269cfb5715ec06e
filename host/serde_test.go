package host

import (
	"reflect"
	"testing"
)

// The spec's own example: {{"a": "1"}, {"b": "22"}}.
var specMap = []byte{2, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 'a', 0, '1', 0, 'b', 0, '2', '2', 0}

func TestEncodeMap(t *testing.T) {
	for _, c := range []struct {
		name string
		h    Headers
		want []byte
	}{
		{"spec example", Headers{{"a", "1"}, {"b", "22"}}, specMap},
		{"empty", nil, []byte{0, 0, 0, 0}},
		{"empty strings", Headers{{"", ""}}, []byte{1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}},
	} {
		if got := encodeMap(nil, c.h); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
}

func TestDecodeMap(t *testing.T) {
	for _, c := range []struct {
		name string
		b    []byte
		want Headers
	}{
		{"spec example", specMap, Headers{{"a", "1"}, {"b", "22"}}},
		{"empty as no bytes", nil, nil},
		{"empty as one zero byte", []byte{0}, nil},
		{"empty as a zero count", []byte{0, 0, 0, 0}, Headers{}},
		{"NUL inside a value", []byte{1, 0, 0, 0, 1, 0, 0, 0, 3, 0, 0, 0, 'k', 0, 'a', 0, 'b', 0}, Headers{{"k", "a\x00b"}}},
	} {
		got, err := decodeMap(c.b)
		if err != nil || !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: %q, %v; want %q", c.name, got, err, c.want)
		}
	}
}

func TestDecodeMap_Malformed(t *testing.T) {
	for _, c := range []struct {
		name string
		b    []byte
	}{
		{"shorter than the count", []byte{1, 0}},
		{"one non-zero byte", []byte{1}},
		{"count past the sizes", []byte{2, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0}},
		{"count too large", []byte{0xff, 0xff, 0, 0}},
		{"count overflowing", []byte{0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0}},
		{"sizes past the data", []byte{1, 0, 0, 0, 5, 0, 0, 0, 5, 0, 0, 0, 'a', 0}},
		{"size overflowing", []byte{1, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0, 'a', 0, 0}},
		{"no NUL after the key", []byte{1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 'a', 'b', 'c', 0}},
		{"no NUL after the value", []byte{1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 'a', 0, 'b', 'c'}},
		{"trailing bytes", append(encodeMap(nil, Headers{{"a", "b"}}), 'x')},
	} {
		if h, err := decodeMap(c.b); err == nil {
			t.Errorf("%s: decoded %q", c.name, h)
		}
	}
}
