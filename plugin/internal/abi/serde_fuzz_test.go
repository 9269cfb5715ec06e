package abi

import (
	"reflect"
	"testing"
)

// FuzzDeserializeMap checks that any bytes either fail cleanly or
// round-trip: what deserializes serializes back to a map that
// deserializes to the same pairs.
func FuzzDeserializeMap(f *testing.F) {
	f.Add(specExample)
	f.Add([]byte{0})
	f.Add(serializeMap([][2]string{{":path", "/a?b"}, {"x", ""}}))
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := deserializeMap(b)
		if err != nil {
			if m != nil {
				t.Fatal("error with a result")
			}
			return
		}
		again, err := deserializeMap(serializeMap(m))
		if err != nil {
			t.Fatalf("re-serialized map does not parse: %v", err)
		}
		if len(m) == 0 && len(again) == 0 {
			return
		}
		if !reflect.DeepEqual(m, again) {
			t.Fatalf("round trip: %q then %q", m, again)
		}
	})
}
