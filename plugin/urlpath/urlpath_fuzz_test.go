package urlpath

import (
	"strings"
	"testing"
)

// FuzzNormalize checks, beyond "no panic": an accepted path is normal
// (normalizing it again changes nothing), starts with '/', holds no dot
// segment, no "//", no backslash, no control character and no encoded
// slash; and a refused path returns nothing.
func FuzzNormalize(f *testing.F) {
	for _, s := range []string{"/", "/a/b/../c", "//x//y/", "/%2e%2e/%2F", "/a%5c", "/%7E?q#f", "/a/./b/.", "/caf%c3%a9", "/\x00", "*"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		p, q, err := Normalize(raw)
		if err != nil {
			if p != "" || q != "" {
				t.Fatalf("refused %q but returned %q, %q", raw, p, q)
			}
			return
		}
		if !strings.HasPrefix(p, "/") || strings.Contains(p, "//") || strings.ContainsAny(p, "\\?#") {
			t.Fatalf("Normalize(%q) = %q: not a normal path", raw, p)
		}
		for _, seg := range strings.Split(p, "/") {
			if seg == "." || seg == ".." {
				t.Fatalf("Normalize(%q) = %q: dot segment left", raw, p)
			}
		}
		up := strings.ToUpper(p)
		if strings.Contains(up, "%2F") || strings.Contains(up, "%5C") || strings.Contains(up, "%00") {
			t.Fatalf("Normalize(%q) = %q: encoded separator left", raw, p)
		}
		p2, _, err := Normalize(p)
		if err != nil || p2 != p {
			t.Fatalf("not idempotent: Normalize(%q) = %q, then %q, %v", raw, p, p2, err)
		}
	})
}
