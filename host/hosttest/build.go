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
	_, file, _, _ := runtime.Caller(0)
	pluginDir := filepath.Join(filepath.Dir(file), "..", "..", "plugin")
	dir, e := os.MkdirTemp("", "palisade-wasm-")
	if e != nil {
		return "", e
	}
	out := filepath.Join(dir, "palisade.wasm")
	cmd := exec.Command("go", "build", "-buildmode=c-shared", "-trimpath", "-o", out, ".")
	cmd.Dir = pluginDir
	cmd.Env = append(os.Environ(), "GOOS=wasip1", "GOARCH=wasm")
	if b, e := cmd.CombinedOutput(); e != nil {
		return "", fmt.Errorf("build palisade.wasm: %v\n%s", e, b)
	}
	return out, nil
}
