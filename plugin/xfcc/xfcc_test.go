package xfcc

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

// Header values in the forms Envoy's documentation shows for
// x-forwarded-client-cert, and combinations of them.
func TestParse(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []Element
	}{
		{
			name: "by hash uri",
			in:   `By=spiffe://cluster.local/ns/edge/sa/gw;Hash=468ed33be74eee6556d90c0149c1309e9ba61d6425303443c0748a02dd8de688;URI=spiffe://cluster.local/ns/payments/sa/payments`,
			want: []Element{{By: []string{"spiffe://cluster.local/ns/edge/sa/gw"}, Hash: "468ed33be74eee6556d90c0149c1309e9ba61d6425303443c0748a02dd8de688",
				URI: []string{"spiffe://cluster.local/ns/payments/sa/payments"}}},
		},
		{
			name: "quoted subject with separators",
			in:   `Hash=ab;Subject="CN=payments,OU=shop;team,O=\"Shop, Inc.\"";URI=spiffe://td/a;DNS=a.example;DNS=b.example`,
			want: []Element{{Hash: "ab", Subject: `CN=payments,OU=shop;team,O="Shop, Inc."`, URI: []string{"spiffe://td/a"}, DNS: []string{"a.example", "b.example"}}},
		},
		{
			name: "two hops",
			in:   `By=spiffe://td/front;URI=spiffe://td/client,By=spiffe://td/sidecar;URI=spiffe://td/front`,
			want: []Element{{By: []string{"spiffe://td/front"}, URI: []string{"spiffe://td/client"}}, {By: []string{"spiffe://td/sidecar"}, URI: []string{"spiffe://td/front"}}},
		},
		{
			name: "keys any case, spaces around pairs",
			in:   `hash=ab; uri=spiffe://td/x ;  Subject=""`,
			want: []Element{{Hash: "ab", URI: []string{"spiffe://td/x"}}},
		},
		{
			name: "cert url-encoded",
			in:   `Cert="-----BEGIN%20CERTIFICATE-----%0AMIIB-----END%20CERTIFICATE-----%0A"`,
			want: []Element{{Cert: "-----BEGIN%20CERTIFICATE-----%0AMIIB-----END%20CERTIFICATE-----%0A"}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Parse(tc.in)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got  %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

func TestParse_Refused(t *testing.T) {
	tests := []struct {
		in  string
		err error
	}{
		{"", ErrSyntax},
		{",", ErrSyntax},
		{"URI=spiffe://td/a,", ErrSyntax},
		{"URI", ErrSyntax},
		{"=x", ErrSyntax},
		{`Subject="unterminated`, ErrSyntax},
		{`Subject="a"b`, ErrSyntax},
		{`URI=a"b`, ErrSyntax},
		{"URI=a\x00b", ErrSyntax},
		{"Foo=bar", ErrKey},
		{strings.Repeat("URI=a,", MaxElements) + "URI=a", ErrTooLarge},
		{"URI=" + strings.Repeat("a", MaxHeaderBytes), ErrTooLarge},
	}
	for _, tc := range tests {
		name := tc.in
		if len(name) > 40 {
			name = name[:40]
		}
		t.Run(name, func(t *testing.T) {
			got, err := Parse(tc.in)
			if !errors.Is(err, tc.err) || got != nil {
				t.Fatalf("Parse(%q) = %+v, %v; want error %v", tc.in, got, err, tc.err)
			}
		})
	}
}

func TestPick(t *testing.T) {
	elems, _ := Parse(`URI=spiffe://td/client,URI=spiffe://td/front`)
	if e, _ := Pick(elems, "last"); e.URI[0] != "spiffe://td/front" {
		t.Errorf("last = %v", e.URI)
	}
	if e, _ := Pick(elems, "first"); e.URI[0] != "spiffe://td/client" {
		t.Errorf("first = %v", e.URI)
	}
	if _, ok := Pick(nil, "last"); ok {
		t.Error("Pick of nothing succeeded")
	}
}
