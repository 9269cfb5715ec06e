package host

import (
	"strconv"
	"sync"
	"testing"
)

func TestSharedData(t *testing.T) {
	d := NewSharedData()
	if _, _, ok := d.Get("vm", "k"); ok {
		t.Fatal("a new store has a key")
	}
	if !d.Set("vm", "k", []byte("a"), 7) {
		t.Fatal("creating a key with any CAS is refused")
	}
	v, cas, ok := d.Get("vm", "k")
	if !ok || string(v) != "a" || cas == 0 {
		t.Fatalf("Get: %q %d %v", v, cas, ok)
	}
	for _, c := range []struct {
		name string
		cas  uint32
		want bool
	}{
		{"stale CAS", cas + 1, false},
		{"current CAS", cas, true},
		{"the same CAS again", cas, false},
		{"CAS 0 always writes", 0, true},
	} {
		if got := d.Set("vm", "k", []byte(c.name), c.cas); got != c.want {
			t.Errorf("%s: Set = %v, want %v", c.name, got, c.want)
		}
	}
	if _, _, ok := d.Get("other-vm", "k"); ok {
		t.Error("a key is visible under another VM id")
	}
}

// Concurrent increments through CAS lose no update: run with -race. The
// key exists before they start: a write with CAS 0 is unconditional (as
// in Envoy), so two first writes to a missing key may both succeed.
func TestSharedDataCASConcurrent(t *testing.T) {
	d := NewSharedData()
	d.Set("vm", "n", []byte("0"), 0)
	const workers, rounds = 8, 200
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range rounds {
				for {
					v, cas, _ := d.Get("vm", "n")
					n, _ := strconv.Atoi(string(v))
					if d.Set("vm", "n", []byte(strconv.Itoa(n+1)), cas) {
						break
					}
				}
			}
		}()
	}
	wg.Wait()
	if v, _, _ := d.Get("vm", "n"); string(v) != strconv.Itoa(workers*rounds) {
		t.Errorf("n = %s, want %d", v, workers*rounds)
	}
}
