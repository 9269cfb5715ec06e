package filter

import (
	"math/rand/v2"
	"testing"
	"unicode/utf8"
)

// TestPlainASCII checks the word-at-a-time scan against a byte loop on
// strings of every length up to 40 with one odd byte (NUL, 0x7f, 0x80,
// 0xff, a UTF-8 lead byte) at every position, and random strings.
func TestPlainASCII(t *testing.T) {
	ref := func(s string) bool {
		for i := 0; i < len(s); i++ {
			if s[i] == 0 || s[i] >= utf8.RuneSelf {
				return false
			}
		}
		return true
	}
	for n := 0; n <= 40; n++ {
		b := make([]byte, n)
		for i := range b {
			b[i] = 'a' + byte(i%26)
		}
		if !plainASCII(string(b)) {
			t.Fatalf("plain string of %d bytes refused", n)
		}
		for pos := 0; pos < n; pos++ {
			for _, odd := range []byte{0, 0x01, 0x7f, 0x80, 0xc3, 0xff} {
				c := append([]byte(nil), b...)
				c[pos] = odd
				if got, want := plainASCII(string(c)), ref(string(c)); got != want {
					t.Fatalf("len %d, byte %#x at %d: %v, want %v", n, odd, pos, got, want)
				}
			}
		}
	}
	r := rand.New(rand.NewPCG(7, 9))
	for range 20000 {
		b := make([]byte, r.IntN(64))
		for i := range b {
			b[i] = byte(r.IntN(256))
			if r.IntN(4) > 0 {
				b[i] = byte(1 + r.IntN(127))
			}
		}
		if got, want := plainASCII(string(b)), ref(string(b)); got != want {
			t.Fatalf("%q: %v, want %v", b, got, want)
		}
	}
	if headersValid([][2]string{{"a", "ok"}, {"b", "caf\xc3\xa9"}}) != true ||
		headersValid([][2]string{{"a", "x\x00y"}}) || headersValid([][2]string{{"a", "\xc3"}}) {
		t.Error("headersValid")
	}
}
