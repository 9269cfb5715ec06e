package spiffe

import (
	"errors"
	"strings"
	"testing"
)

// Cases follow the SPIFFE-ID specification's rules (section 2): scheme,
// trust domain character set, path segments, lengths.
func TestParse(t *testing.T) {
	tests := []struct {
		in, td, path string
		ns, sa       string
		isK8s        bool
	}{
		{in: "spiffe://shop.example/ns/payments/sa/payments", td: "shop.example", path: "/ns/payments/sa/payments", ns: "payments", sa: "payments", isK8s: true},
		{in: "spiffe://cluster.local/ns/default/sa/recommendation-v2", td: "cluster.local", path: "/ns/default/sa/recommendation-v2", ns: "default", sa: "recommendation-v2", isK8s: true},
		{in: "spiffe://example.org", td: "example.org"},
		{in: "spiffe://example.org/device/thermostat-7", td: "example.org", path: "/device/thermostat-7"},
		{in: "spiffe://a_b-c.9/Path.With_Caps", td: "a_b-c.9", path: "/Path.With_Caps"},
		{in: "spiffe://td/ns/x/sa/y/extra", td: "td", path: "/ns/x/sa/y/extra"},
		{in: "spiffe://td/ns/x/account/y", td: "td", path: "/ns/x/account/y"},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			id, err := Parse(tc.in)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if id.String() != tc.in || id.TrustDomain() != tc.td || id.Path() != tc.path {
				t.Errorf("got %q %q %q", id, id.TrustDomain(), id.Path())
			}
			ns, sa, ok := id.Kubernetes()
			if ok != tc.isK8s || ns != tc.ns || sa != tc.sa {
				t.Errorf("Kubernetes() = %q, %q, %v; want %q, %q, %v", ns, sa, ok, tc.ns, tc.sa, tc.isK8s)
			}
		})
	}
}

func TestParse_Refused(t *testing.T) {
	tests := []struct {
		in  string
		err error
	}{
		{"", ErrScheme},
		{"https://shop.example/ns/a/sa/b", ErrScheme},
		{"SPIFFE://shop.example/x", ErrScheme},
		{"spiffe:/shop.example", ErrScheme},
		{"spiffe://", ErrTrustDomain},
		{"spiffe:///path", ErrTrustDomain},
		{"spiffe://Shop.example/x", ErrTrustDomain},
		{"spiffe://shop.example:8443/x", ErrTrustDomain},
		{"spiffe://user@shop.example/x", ErrTrustDomain},
		{"spiffe://shop%2eexample/x", ErrTrustDomain},
		{"spiffe://" + strings.Repeat("a", 256), ErrTrustDomain},
		{"spiffe://td/", ErrPath},
		{"spiffe://td/a/", ErrPath},
		{"spiffe://td//a", ErrPath},
		{"spiffe://td/a/./b", ErrPath},
		{"spiffe://td/a/../b", ErrPath},
		{"spiffe://td/a%20b", ErrPath},
		{"spiffe://td/a?b=c", ErrPath},
		{"spiffe://td/a#f", ErrPath},
		{"spiffe://td/caf\xc3\xa9", ErrPath},
		{"spiffe://td/" + strings.Repeat("a", 2048), ErrTooLong},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			id, err := Parse(tc.in)
			if !errors.Is(err, tc.err) {
				t.Fatalf("Parse(%q) = %v, %v; want %v", tc.in, id, err, tc.err)
			}
			if !id.IsZero() {
				t.Errorf("refused ID is not zero: %v", id)
			}
		})
	}
}

func TestKubernetes_NotIstioForm(t *testing.T) {
	for _, in := range []string{"spiffe://td/ns/x", "spiffe://td/ns/x/sa", "spiffe://td/sa/y/ns/x", "spiffe://td/ns/x/sa/y/z", "spiffe://td/namespace/x/sa/y"} {
		id, err := Parse(in)
		if err != nil {
			t.Fatalf("Parse(%q): %v", in, err)
		}
		if ns, sa, ok := id.Kubernetes(); ok {
			t.Errorf("%q: Kubernetes() = %q, %q, true; want false", in, ns, sa)
		}
	}
}

func TestMemberOf(t *testing.T) {
	id, _ := Parse("spiffe://shop.example/ns/a/sa/b")
	if !id.MemberOf([]string{"other.example", "shop.example"}) {
		t.Error("not a member of its own trust domain")
	}
	if id.MemberOf([]string{"example", "shop.example.evil"}) {
		t.Error("member of a trust domain it does not belong to")
	}
}

func TestParse_NoAllocation(t *testing.T) {
	if n := testing.AllocsPerRun(100, func() { Parse("spiffe://shop.example/ns/payments/sa/payments") }); n != 0 {
		t.Errorf("%v allocations, want 0", n)
	}
}
