package host_test

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"

	"github.com/palisade-wasm/palisade/host"
	"github.com/palisade-wasm/palisade/host/hosttest"
)

// The test guests live in host/testdata/<name>, each a Go program built
// with GOOS=wasip1 GOARCH=wasm -buildmode=c-shared once per test binary
// and compiled once in one runtime that uses the shared compilation cache.

var (
	rtOnce sync.Once
	rt     *host.Runtime
	rtErr  error

	guestsMu sync.Mutex
	guests   = map[string]*guest{}
)

type guest struct {
	once sync.Once
	wasm []byte
	mod  *host.Module
	err  error // building or compiling
}

func testRuntime() (*host.Runtime, error) {
	rtOnce.Do(func() {
		rt, rtErr = host.NewRuntime(context.Background(), host.RuntimeConfig{CacheDir: hosttest.CacheDir()})
	})
	return rt, rtErr
}

// build returns the guest host/testdata/name, built and compiled once.
func build(name string) *guest {
	guestsMu.Lock()
	g, ok := guests[name]
	if !ok {
		g = &guest{}
		guests[name] = g
	}
	guestsMu.Unlock()
	g.once.Do(func() {
		var path string
		if path, g.err = hosttest.BuildGuest("host/testdata/" + name); g.err != nil {
			return
		}
		if g.wasm, g.err = os.ReadFile(path); g.err != nil {
			return
		}
		os.RemoveAll(strings.TrimSuffix(path, "/"+name+".wasm"))
		var r *host.Runtime
		if r, g.err = testRuntime(); g.err != nil {
			return
		}
		g.mod, g.err = r.Compile(context.Background(), g.wasm)
	})
	return g
}

// skipWithoutGo skips a test that needs a guest when no Go toolchain can
// build one (the only reason a guest may be missing).
func skipWithoutGo(t testing.TB) {
	t.Helper()
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go toolchain on PATH to build the wasip1 test guests: ", err)
	}
}

// module returns the compiled guest, failing the test if it does not build
// or compile.
func module(t testing.TB, name string) *host.Module {
	t.Helper()
	skipWithoutGo(t)
	g := build(name)
	if g.err != nil {
		t.Fatalf("guest %s: %v", name, g.err)
	}
	return g.mod
}

// logs collects a VM's log lines by level.
type logs struct {
	mu    sync.Mutex
	lines map[host.LogLevel][]string
}

func (l *logs) add(level host.LogLevel, msg string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.lines == nil {
		l.lines = map[host.LogLevel][]string{}
	}
	l.lines[level] = append(l.lines[level], msg)
}

func (l *logs) get(level host.LogLevel) []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.lines[level]...)
}

// noFailures fails the test with the conformance guest's FAIL lines and
// checks its own count of them agrees.
func noFailures(t *testing.T, vm *host.VM, l *logs) {
	t.Helper()
	var fails []string
	for _, line := range l.get(host.LogError) {
		if strings.HasPrefix(line, "FAIL ") {
			fails = append(fails, line)
		}
	}
	if len(fails) > 0 {
		t.Errorf("the conformance guest found %d wrong answers:\n%s", len(fails), strings.Join(fails, "\n"))
	}
	if vm.Err() == nil {
		if n := vm.Call("conformance_failures"); int(n) != len(fails) {
			t.Errorf("conformance_failures = %d, %d FAIL lines logged", n, len(fails))
		}
	}
}
