package seedpolicy

import (
	"testing"

	"github.com/palisade-wasm/palisade/policies"
)

// benchRequest is the request of BenchmarkDecide in
// policies/policy_bench_test.go: a clinician on a compliant device, which
// the seed policy's last rules decide.
func benchRequest() *policies.Request {
	return &policies.Request{Method: "GET", Path: "/records/42",
		User:  policies.Principal{Authenticated: true, Subject: "dr", Claims: []byte(`{"roles":["clinician"]}`)},
		Thing: policies.Principal{Authenticated: true, Claims: []byte(`{"compliant":true}`)}}
}

// BenchmarkDecide decides the seed policy for benchRequest with Palisade
// and with each alternative, one sub-benchmark per engine: the same
// request, handed over as a filter has it (token payloads as JSON), each
// engine's conversion of it included.
func BenchmarkDecide(b *testing.B) {
	_, es := engines(b)
	want := Decision{Allow: true, Rule: "records-for-clinicians-on-compliant-devices"}
	for _, e := range es {
		b.Run(e.name, func(b *testing.B) {
			r := benchRequest()
			b.ReportAllocs()
			for b.Loop() {
				if d, err := e.d.Decide(r); err != nil || d != want {
					b.Fatal(d, err)
				}
			}
		})
	}
}
