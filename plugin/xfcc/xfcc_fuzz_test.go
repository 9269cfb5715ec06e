package xfcc

import "testing"

// FuzzParse checks that a refused header yields no element, and that an
// accepted one has between one element and the limit.
func FuzzParse(f *testing.F) {
	for _, s := range []string{`By=spiffe://td/a;Hash=ab;URI=spiffe://td/b`, `Subject="a,b;c=\"d\""`, `URI=a,URI=b`, `x`, `Subject="`, `DNS=a;DNS=b`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		elems, err := Parse(s)
		if err != nil {
			if elems != nil {
				t.Fatalf("refused %q but returned %v", s, elems)
			}
			return
		}
		if len(elems) == 0 || len(elems) > MaxElements {
			t.Fatalf("Parse(%q) returned %d elements", s, len(elems))
		}
	})
}
