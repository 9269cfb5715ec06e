package abi

import (
	"errors"
	"reflect"
	"testing"
)

// The spec's own example: {{"a": "1"}, {"b": "22"}}.
var specExample = []byte{
	2, 0, 0, 0,
	1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0,
	'a', 0, '1', 0, 'b', 0, '2', '2', 0,
}

func TestSerializeMap_SpecExample(t *testing.T) {
	got := serializeMap([][2]string{{"a", "1"}, {"b", "22"}})
	if !reflect.DeepEqual(got, specExample) {
		t.Errorf("serializeMap = %v, want %v", got, specExample)
	}
}

// appendMap writes after what the buffer holds, into its spare capacity.
func TestAppendMapKeepsPrefix(t *testing.T) {
	buf := make([]byte, 2, 64)
	copy(buf, "xy")
	got := appendMap(buf, [][2]string{{"a", "1"}, {"b", "22"}})
	if !reflect.DeepEqual(got[2:], specExample) || string(got[:2]) != "xy" || &got[0] != &buf[0] {
		t.Errorf("appendMap = %v, want xy then %v in the same storage", got, specExample)
	}
}

func TestDeserializeMap(t *testing.T) {
	tests := []struct {
		name string
		in   []byte
		want [][2]string
	}{
		{name: "spec example", in: specExample, want: [][2]string{{"a", "1"}, {"b", "22"}}},
		{name: "empty as no bytes", in: nil, want: nil},
		{name: "empty as one zero byte", in: []byte{0}, want: nil},
		{name: "empty as count zero", in: []byte{0, 0, 0, 0}, want: [][2]string{}},
		{name: "empty key and value", in: serializeMap([][2]string{{"", ""}}), want: [][2]string{{"", ""}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := deserializeMap(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestDeserializeMap_Malformed(t *testing.T) {
	tests := []struct {
		name string
		in   []byte
	}{
		{name: "short count", in: []byte{1, 0}},
		{name: "count beyond sizes", in: []byte{3, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0}},
		{name: "huge count", in: []byte{0xff, 0xff, 0xff, 0xff}},
		{name: "sizes beyond data", in: []byte{1, 0, 0, 0, 9, 0, 0, 0, 1, 0, 0, 0, 'a', 0, 'b', 0}},
		{name: "missing NUL after key", in: []byte{1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 'a', 'x', 'b', 0}},
		{name: "missing NUL after value", in: []byte{1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 'a', 0, 'b', 'x'}},
		{name: "size overflow", in: []byte{1, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 'a', 0}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := deserializeMap(tc.in)
			if !errors.Is(err, errMalformedMap) || got != nil {
				t.Errorf("got %q, %v; want errMalformedMap", got, err)
			}
		})
	}
}

func TestSerializePath(t *testing.T) {
	if got := string(serializePath([]string{"connection", "uri_san_peer_certificate"})); got != "connection\x00uri_san_peer_certificate" {
		t.Errorf("serializePath = %q", got)
	}
}
