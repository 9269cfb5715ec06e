package abi

import "testing"

// benchHeaders is a typical request's header map at the filter.
var benchHeaders = [][2]string{
	{":authority", "api.example.com"}, {":path", "/v1/things/42?x=1"}, {":method", "GET"},
	{":scheme", "https"}, {"user-agent", "curl/8.5.0"}, {"accept", "*/*"},
	{"authorization", "Bearer eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ1In0.c2ln"},
	{"x-forwarded-for", "10.0.0.1"}, {"x-request-id", "3f1c2a9e-8b7d-4c1e-9f00-123456789abc"},
}

func BenchmarkDeserializeMap(b *testing.B) {
	data := serializeMap(benchHeaders)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := deserializeMap(data); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSerializeMap(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		_ = serializeMap(benchHeaders)
	}
}
