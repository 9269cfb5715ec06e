// Package hosttest provides palisade.wasm to tests, compiled in the wazero
// host, so every test of the real artifact gets it the same way: the
// module make plugin built (PALISADE_WASM), or one built from this checkout.
package hosttest

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"

	"github.com/palisade-wasm/palisade/host"
)

var (
	once     sync.Once
	module   *host.Module
	wasm     []byte
	err      error
	pathOnce sync.Once
	path     string
	pathErr  error
)

// WasmPath returns the path of palisade.wasm: PALISADE_WASM when set
// (make test builds the module first, so tests run exactly the artifact
// make plugin produces), otherwise a module built once per test binary
// from this checkout into a temp dir.
func WasmPath() (string, error) {
	pathOnce.Do(func() {
		if path = os.Getenv("PALISADE_WASM"); path == "" {
			path, pathErr = build()
		}
	})
	return path, pathErr
}

// Module returns palisade.wasm (see [WasmPath]) and its bytes, compiled
// once per test binary in a wazero runtime with the shared compilation
// cache.
func Module() (*host.Module, []byte, error) {
	once.Do(func() {
		var p string
		if p, err = WasmPath(); err != nil {
			return
		}
		wasm, err = os.ReadFile(p)
		if err != nil {
			return
		}
		ctx := context.Background()
		var rt *host.Runtime
		rt, err = host.NewRuntime(ctx, host.RuntimeConfig{CacheDir: CacheDir()})
		if err != nil {
			return
		}
		module, err = rt.Compile(ctx, wasm)
	})
	return module, wasm, err
}

// CacheDir is the wazero compilation cache shared by test runs, so the
// module's machine code is compiled once per change rather than per run.
func CacheDir() string {
	if d := os.Getenv("PALISADE_WAZERO_CACHE"); d != "" {
		return d
	}
	base, e := os.UserCacheDir()
	if e != nil {
		base = os.TempDir()
	}
	return filepath.Join(base, "palisade", "wazero")
}

func build() (string, error) {
	p, err := BuildGuest("plugin")
	if err != nil {
		return "", err
	}
	// The product module keeps its name: tests print it.
	out := filepath.Join(filepath.Dir(p), "palisade.wasm")
	return out, os.Rename(p, out)
}

// BuildGuest builds the Go package at pkg (a path relative to the
// repository root, like "plugin/internal/testguest") as a wasip1 reactor
// into a temp dir and returns the module's path.
func BuildGuest(pkg string) (string, error) {
	_, file, _, _ := runtime.Caller(0)
	root := filepath.Join(filepath.Dir(file), "..", "..")
	dir, err := os.MkdirTemp("", "palisade-guest-")
	if err != nil {
		return "", err
	}
	out := filepath.Join(dir, filepath.Base(pkg)+".wasm")
	cmd := exec.Command("go", "build", "-buildmode=c-shared", "-trimpath", "-o", out, "./"+pkg)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "GOOS=wasip1", "GOARCH=wasm")
	if b, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("build %s: %v\n%s", pkg, err, b)
	}
	return out, nil
}
