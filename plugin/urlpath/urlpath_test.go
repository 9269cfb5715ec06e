package urlpath

import (
	"errors"
	"testing"
)

func TestNormalize(t *testing.T) {
	tests := []struct {
		raw, path, query string
	}{
		{"/", "/", ""},
		{"/orders/7", "/orders/7", ""},
		{"/orders/7?x=1&y=%2F", "/orders/7", "x=1&y=%2F"},
		{"/a?", "/a", ""},
		{"/a#frag", "/a", ""},
		{"/a?q=1#frag", "/a", "q=1"},
		{"/a/", "/a/", ""},
		{"//a///b//", "/a/b/", ""},
		{"/a/./b", "/a/b", ""},
		{"/a/b/.", "/a/b/", ""},
		{"/a/b/..", "/a/", ""},
		{"/a/b/../c", "/a/c", ""},
		{"/../../etc/passwd", "/etc/passwd", ""},
		{"/..", "/", ""},
		{"/.", "/", ""},
		{"/a/..b/c", "/a/..b/c", ""},
		{"/a/.b", "/a/.b", ""},
		{"/%7Euser/%41%62c", "/~user/Abc", ""},
		{"/payments/%2e%2e/admin", "/admin", ""},
		{"/payments/%2E./admin", "/admin", ""},
		{"/a%20b", "/a%20b", ""},
		{"/a%3fb", "/a%3Fb", ""},
		{"/a%3f", "/a%3F", ""},
		{"/caf%C3%A9", "/caf%C3%A9", ""},
		{"/caf%c3%a9", "/caf%C3%A9", ""},
		{"/customers/ALICE/orders", "/customers/ALICE/orders", ""},
	}
	for _, tc := range tests {
		t.Run(tc.raw, func(t *testing.T) {
			p, q, err := Normalize(tc.raw)
			if err != nil {
				t.Fatalf("Normalize(%q): %v", tc.raw, err)
			}
			if p != tc.path || q != tc.query {
				t.Errorf("Normalize(%q) = %q, %q; want %q, %q", tc.raw, p, q, tc.path, tc.query)
			}
		})
	}
}

func TestNormalize_Refused(t *testing.T) {
	tests := []struct {
		raw    string
		err    error
		reason string
	}{
		{"", ErrNotOrigin, "path_not_origin_form"},
		{"*", ErrNotOrigin, "path_not_origin_form"},
		{"http://evil/a", ErrNotOrigin, "path_not_origin_form"},
		{"a/b", ErrNotOrigin, "path_not_origin_form"},
		{"?x", ErrNotOrigin, "path_not_origin_form"},
		{"/a%2Fb", ErrEncodedSlash, "path_encoded_slash"},
		{"/a%2fb", ErrEncodedSlash, "path_encoded_slash"},
		{"/a%5Cb", ErrEncodedSlash, "path_encoded_slash"},
		{"/a%5cb", ErrEncodedSlash, "path_encoded_slash"},
		{"/a\\b", ErrBackslash, "path_backslash"},
		{"/a/..\\admin", ErrBackslash, "path_backslash"},
		{"/a%00b", ErrControl, "path_control_character"},
		{"/a\x00b", ErrControl, "path_control_character"},
		{"/a\tb", ErrControl, "path_control_character"},
		{"/a%0d%0aSet-Cookie:x", ErrControl, "path_control_character"},
		{"/a%7f", ErrControl, "path_control_character"},
		{"/a?x=\r\n", ErrControl, "path_control_character"},
		{"/a%", ErrBadEscape, "path_bad_escape"},
		{"/a%4", ErrBadEscape, "path_bad_escape"},
		{"/a%zz", ErrBadEscape, "path_bad_escape"},
		{"/a%%41", ErrBadEscape, "path_bad_escape"},
		{"/" + string(make([]byte, MaxLength)), ErrTooLong, "path_too_long"},
	}
	for _, tc := range tests {
		name := tc.raw
		if len(name) > 40 {
			name = name[:40]
		}
		t.Run(name, func(t *testing.T) {
			p, q, err := Normalize(tc.raw)
			if !errors.Is(err, tc.err) {
				t.Fatalf("Normalize(%q) = %q, %q, %v; want error %v", tc.raw, p, q, err, tc.err)
			}
			if p != "" || q != "" {
				t.Errorf("refused path returned %q, %q", p, q)
			}
			if r := Reason(err); r != tc.reason {
				t.Errorf("Reason = %q, want %q", r, tc.reason)
			}
		})
	}
}

// A path that is already normal costs no allocation.
func TestNormalize_NoAllocationWhenNormal(t *testing.T) {
	n := testing.AllocsPerRun(100, func() {
		Normalize("/customers/alice/orders/42?expand=items")
	})
	if n != 0 {
		t.Errorf("%v allocations, want 0", n)
	}
}
