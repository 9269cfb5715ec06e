package host

import (
	"bytes"
	"testing"
)

// FuzzDecodeMap: whatever a guest sends either fails to decode or is a
// well-formed map that encodes back to the very same bytes (the encoding
// is canonical except for the two short forms of the empty map).
func FuzzDecodeMap(f *testing.F) {
	f.Add(specMap)
	f.Add(encodeMap(nil, Headers{{":path", "/"}, {"x", ""}}))
	f.Add([]byte{})
	f.Add([]byte{0})
	f.Add([]byte{0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0})
	f.Add([]byte{1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 'a', 'b', 'c', 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		h, err := decodeMap(b)
		if err != nil {
			if h != nil {
				t.Fatalf("an error with a map: %q", h)
			}
			return
		}
		if len(b) <= 1 {
			if len(h) != 0 {
				t.Fatalf("%q decoded from %v", h, b)
			}
			return
		}
		if again := encodeMap(nil, h); !bytes.Equal(again, b) {
			t.Fatalf("%v decoded to %q, which encodes to %v", b, h, again)
		}
	})
}
