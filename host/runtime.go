package host

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"
)

// RuntimeConfig configures a [Runtime].
type RuntimeConfig struct {
	// CacheDir, when set, keeps compiled machine code on disk so the next
	// process compiles the same module in milliseconds instead of seconds.
	CacheDir string
	// Interpreter selects wazero's interpreter instead of its compiler:
	// slower to run, nothing to compile. For platforms the compiler lacks.
	Interpreter bool
}

// Runtime compiles modules and holds the host functions every VM imports.
// It is safe for concurrent use.
type Runtime struct {
	rt    wazero.Runtime
	cache wazero.CompilationCache
}

// NewRuntime returns a runtime with the proxy-wasm host module ("env") and
// the WASI functions Envoy provides instantiated.
func NewRuntime(ctx context.Context, cfg RuntimeConfig) (*Runtime, error) {
	var rc wazero.RuntimeConfig
	if cfg.Interpreter {
		rc = wazero.NewRuntimeConfigInterpreter()
	} else {
		rc = wazero.NewRuntimeConfig()
	}
	r := &Runtime{}
	if cfg.CacheDir != "" {
		c, err := wazero.NewCompilationCacheWithDir(cfg.CacheDir)
		if err != nil {
			return nil, fmt.Errorf("open compilation cache: %w", err)
		}
		r.cache = c
		rc = rc.WithCompilationCache(c)
	}
	// Not WithCloseOnContextDone: it would let a deadline interrupt a guest
	// stuck in a loop, but costs every guest call ~1.3 µs here (measured),
	// more than the call itself. A runaway guest is bounded by the
	// gateway's pause timeout and VM replacement instead.
	r.rt = wazero.NewRuntimeWithConfig(ctx, rc)
	if _, err := wasi_snapshot_preview1.Instantiate(ctx, r.rt); err != nil {
		r.Close(ctx)
		return nil, fmt.Errorf("instantiate wasi: %w", err)
	}
	b := r.rt.NewHostModuleBuilder("env")
	for _, f := range hostFunctions {
		b.NewFunctionBuilder().
			WithGoModuleFunction(f.fn, f.params, []api.ValueType{api.ValueTypeI32}).
			WithParameterNames(f.names...).
			Export(f.name)
	}
	if _, err := b.Instantiate(ctx); err != nil {
		r.Close(ctx)
		return nil, fmt.Errorf("instantiate proxy-wasm host functions: %w", err)
	}
	return r, nil
}

// Close releases the runtime and every module and VM made from it.
func (r *Runtime) Close(ctx context.Context) error {
	err := r.rt.Close(ctx)
	if r.cache != nil {
		err = errors.Join(err, r.cache.Close(ctx))
	}
	return err
}

// Compile validates and compiles a proxy-wasm module. It fails, listing
// every offender, when the module imports a function this host (like
// Envoy) does not provide, or lacks the exports a proxy-wasm host needs.
func (r *Runtime) Compile(ctx context.Context, wasm []byte) (*Module, error) {
	cm, err := r.rt.CompileModule(ctx, wasm)
	if err != nil {
		return nil, fmt.Errorf("compile module: %w", err)
	}
	if err := checkImports(cm); err != nil {
		cm.Close(ctx)
		return nil, err
	}
	if err := checkExports(cm); err != nil {
		cm.Close(ctx)
		return nil, err
	}
	return &Module{r: r, cm: cm}, nil
}

func checkImports(cm wazero.CompiledModule) error {
	var unknown []string
	for _, f := range cm.ImportedFunctions() {
		mod, name, _ := f.Import()
		switch {
		case mod == "env" && hostFunctionNames[name]:
		case mod == "wasi_snapshot_preview1" && envoyWASI[name]:
		default:
			unknown = append(unknown, mod+"."+name)
		}
	}
	for _, m := range cm.ImportedMemories() {
		mod, name, _ := m.Import()
		unknown = append(unknown, mod+"."+name+" (memory)")
	}
	if len(unknown) == 0 {
		return nil
	}
	sort.Strings(unknown)
	return fmt.Errorf("module imports what the host does not provide: %s", strings.Join(unknown, ", "))
}

func checkExports(cm wazero.CompiledModule) error {
	exp := cm.ExportedFunctions()
	var missing []string
	if _, ok := exp["proxy_abi_version_0_2_1"]; !ok {
		missing = append(missing, "proxy_abi_version_0_2_1 (the only ABI version this host speaks)")
	}
	_, alloc := exp["proxy_on_memory_allocate"]
	_, malloc := exp["malloc"]
	if !alloc && !malloc {
		missing = append(missing, "proxy_on_memory_allocate")
	}
	if _, ok := cm.ExportedMemories()["memory"]; !ok {
		missing = append(missing, "memory")
	}
	if len(missing) > 0 {
		return fmt.Errorf("module lacks exports: %s", strings.Join(missing, ", "))
	}
	return nil
}
