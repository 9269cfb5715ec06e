package abi

import (
	"math/rand/v2"
	"testing"

	"github.com/tetratelabs/proxy-wasm-go-sdk/proxywasm/types"
)

// TestStreamTableMatchesMap drives the table and a Go map with the same
// random inserts and removals (sequential ids as hosts hand them out,
// random ones, and colliding ones) and checks they always agree.
func TestStreamTableMatchesMap(t *testing.T) {
	for _, ids := range []struct {
		name string
		next func(r *rand.Rand, i int) uint32
	}{
		{"sequential", func(_ *rand.Rand, i int) uint32 { return uint32(i + 2) }},
		{"random", func(r *rand.Rand, _ int) uint32 { return r.Uint32() }},
		{"colliding", func(r *rand.Rand, _ int) uint32 { return uint32(r.IntN(64)) << 10 }},
		{"small", func(r *rand.Rand, _ int) uint32 { return uint32(r.IntN(300)) }},
	} {
		t.Run(ids.name, func(t *testing.T) {
			r := rand.New(rand.NewPCG(1, 2))
			var tab streamTable
			ref := map[uint32]uint32{}
			var live []uint32
			for i := range 20000 {
				if len(live) > 0 && r.IntN(100) < 48 {
					k := r.IntN(len(live))
					id := live[k]
					live[k] = live[len(live)-1]
					live = live[:len(live)-1]
					_, want := ref[id]
					delete(ref, id)
					if _, got := tab.remove(id); got != want {
						t.Fatalf("step %d: remove(%d) = %v, want %v", i, id, got, want)
					}
				} else {
					id := ids.next(r, i)
					if id == 0 {
						continue
					}
					if _, ok := ref[id]; !ok {
						live = append(live, id)
					}
					ref[id] = uint32(i)
					tab.put(id, stream{root: uint32(i)})
				}
				if tab.len() != len(ref) {
					t.Fatalf("step %d: len %d, want %d", i, tab.len(), len(ref))
				}
				if i%97 == 0 {
					for id, root := range ref {
						if s, ok := tab.get(id); !ok || s.root != root {
							t.Fatalf("step %d: get(%d) = %v %v, want root %d", i, id, s, ok, root)
						}
					}
					if id := ids.next(r, i); id != 0 {
						_, want := ref[id]
						if _, ok := tab.get(id); ok != want {
							t.Fatalf("step %d: get(%d) found %v, want %v", i, id, ok, want)
						}
					}
				}
			}
		})
	}
}

func TestStreamTableZeroID(t *testing.T) {
	var tab streamTable
	tab.put(0, stream{root: 1})
	if _, ok := tab.get(0); ok || tab.len() != 0 {
		t.Fatal("id 0 must never be stored")
	}
	if _, ok := tab.remove(0); ok {
		t.Fatal("id 0 must never be stored")
	}
}

// TestStreamTableNoAllocs: once grown, a request's insert, lookups and
// removal allocate nothing.
func TestStreamTableNoAllocs(t *testing.T) {
	var tab streamTable
	var ctx types.HttpContext = &types.DefaultHttpContext{}
	id := uint32(2)
	tab.put(1, stream{})
	if n := testing.AllocsPerRun(1000, func() {
		tab.put(id, stream{root: 1, ctx: ctx})
		if _, ok := tab.get(id); !ok {
			t.Fatal("lost")
		}
		tab.remove(id)
		id++
	}); n != 0 {
		t.Fatalf("%v allocations per stream, want 0", n)
	}
}
