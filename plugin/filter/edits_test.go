package filter

import (
	"slices"
	"testing"
)

// editHeaders gives the map the host has after the same calls one by one
// (Envoy's replace: the first value in place, the others dropped; remove:
// every value).
func TestEditHeaders(t *testing.T) {
	read := [][2]string{
		{":method", "GET"}, {":path", "/a/../b"}, {"x-palisade-user", "forged"},
		{"authorization", "Bearer t"}, {"accept", "a"}, {"x-palisade-user", "again"}, {"accept", "b"},
	}
	tests := []struct {
		name string
		ops  []headerOp
		want [][2]string
	}{
		{"none", nil, read},
		{"replace in place, later values dropped",
			[]headerOp{{name: "accept", value: "c"}},
			[][2]string{{":method", "GET"}, {":path", "/a/../b"}, {"x-palisade-user", "forged"}, {"authorization", "Bearer t"}, {"accept", "c"}, {"x-palisade-user", "again"}}},
		{"the request flow",
			[]headerOp{
				{name: ":path", value: "/b"},
				{name: "x-palisade-user", remove: true},
				{name: "x-palisade-user", remove: true},
				{name: "x-palisade-user", value: "alice"},
				{name: "x-palisade-service", value: "spiffe://a/b"},
				{name: "authorization", remove: true},
			},
			[][2]string{{":method", "GET"}, {":path", "/b"}, {"accept", "a"}, {"accept", "b"}, {"x-palisade-user", "alice"}, {"x-palisade-service", "spiffe://a/b"}}},
		{"remove what is absent", []headerOp{{name: "dpop", remove: true}}, read},
	}
	for _, tc := range tests {
		got := editHeaders(slices.Clone(read), tc.ops)
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s:\n got %q\nwant %q", tc.name, got, tc.want)
		}
	}
}

// Edits reuse their storage: a stream's edits after the first cost no
// allocation.
func TestRequestEditsReuseStorage(t *testing.T) {
	read := [][2]string{{":path", "/"}, {"authorization", "Bearer t"}, {"x-palisade-user", "forged"}}
	var e requestEdits
	run := func() {
		e.reset()
		e.remove("x-palisade-user")
		e.set("x-palisade-user", "alice")
		e.remove("authorization")
		e.out = editHeaders(append(e.out[:0], read...), e.ops)
	}
	run()
	if n := testing.AllocsPerRun(100, run); n != 0 {
		t.Errorf("%v allocations per stream, want 0", n)
	}
	if want := [][2]string{{":path", "/"}, {"x-palisade-user", "alice"}}; !slices.Equal(e.out, want) {
		t.Errorf("got %q, want %q", e.out, want)
	}
}
