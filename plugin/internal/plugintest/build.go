// Package plugintest builds palisade.wasm for tests and runs it in the
// wazero host, so every test of the real artifact builds it the same way.
package plugintest

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
	once   sync.Once
	module *host.Module
	wasm   []byte
	err    error
)

// Module returns palisade.wasm compiled in a wazero host, built once per
// test binary. PALISADE_WASM names a prebuilt module (make test builds it
// first, so tests run exactly the artifact make plugin produces);
// otherwise the module is built from this checkout into a temp dir.
func Module() (*host.Module, []byte, error) {
	once.Do(func() {
		path := os.Getenv("PALISADE_WASM")
		if path == "" {
			path, err = build()
			if err != nil {
				return
			}
		}
		wasm, err = os.ReadFile(path)
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
	pluginDir := filepath.Join(filepath.Dir(file), "..", "..")
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
