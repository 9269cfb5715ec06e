package filter

import (
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
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
			[][2]string{{":method", "GET"}, {":path", "/b"}, {"x-palisade-user", "alice"}, {"accept", "a"}, {"accept", "b"}, {"x-palisade-service", "spiffe://a/b"}}},
		{"the last op on a name decides",
			[]headerOp{{name: "accept", value: "c"}, {name: "accept", remove: true}, {name: "x-a", value: "1"}, {name: "x-a", value: "2"}, {name: "x-b", remove: true}, {name: "x-b", value: "3"}},
			[][2]string{{":method", "GET"}, {":path", "/a/../b"}, {"x-palisade-user", "forged"}, {"authorization", "Bearer t"}, {"x-palisade-user", "again"}, {"x-a", "2"}, {"x-b", "3"}}},
		{"remove what is absent", []headerOp{{name: "dpop", remove: true}}, read},
	}
	for _, tc := range tests {
		got := editHeaders(nil, read, tc.ops)
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s:\n got %q\nwant %q", tc.name, got, tc.want)
		}
	}
}

// A reused stream context keeps its edits' storage: the edits of every
// stream after the first cost no allocation.
func TestRequestEditsReuseStorage(t *testing.T) {
	read := [][2]string{{":path", "/"}, {"authorization", "Bearer t"}, {"x-palisade-user", "forged"}}
	h := &httpContext{plugin: &pluginContext{}}
	run := func() {
		h.renew() // as OnHttpContextDelete does before the context's reuse
		e := &h.edits
		e.remove("x-palisade-user")
		e.set("x-palisade-user", "alice")
		e.remove("authorization")
		e.out = editHeaders(e.out[:0], read, e.ops)
	}
	run()
	if n := testing.AllocsPerRun(100, run); n != 0 {
		t.Errorf("%v allocations per stream, want 0", n)
	}
	if want := [][2]string{{":path", "/"}, {"x-palisade-user", "alice"}}; !slices.Equal(h.edits.out, want) {
		t.Errorf("got %q, want %q", h.edits.out, want)
	}
}

// editHeaders gives, for random headers and edits, the headers the host
// has after the same calls one at a time (compared in order of name; the
// position of a name among the others is not part of an HTTP request).
func TestEditHeadersMatchesCallsOneByOne(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	names := []string{"a", "b", "c", ":path"}
	oneByOne := func(h [][2]string, ops []headerOp) [][2]string {
		for _, op := range ops {
			var out [][2]string
			for _, kv := range h {
				if kv[0] != op.name {
					out = append(out, kv)
				}
			}
			if !op.remove {
				out = append(out, [2]string{op.name, op.value})
			}
			h = out
		}
		return h
	}
	byName := func(h [][2]string) [][2]string {
		slices.SortStableFunc(h, func(x, y [2]string) int { return strings.Compare(x[0], y[0]) })
		return h
	}
	for i := range 2000 {
		var read [][2]string
		for range rng.IntN(6) {
			read = append(read, [2]string{names[rng.IntN(len(names))], strconv.Itoa(rng.IntN(9))})
		}
		var ops []headerOp
		for range rng.IntN(5) {
			ops = append(ops, headerOp{name: names[rng.IntN(len(names))], value: "v" + strconv.Itoa(rng.IntN(9)), remove: rng.IntN(2) == 0})
		}
		want := byName(oneByOne(slices.Clone(read), ops))
		if got := byName(editHeaders(nil, read, ops)); !slices.Equal(got, want) {
			t.Fatalf("case %d: read %q ops %+v:\n got %q\nwant %q", i, read, ops, got, want)
		}
	}
}
