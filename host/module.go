package host

import (
	"context"
	"sync/atomic"

	"github.com/tetratelabs/wazero"
)

// Module is a compiled proxy-wasm module from which VMs are started.
type Module struct {
	r     *Runtime
	cm    wazero.CompiledModule
	vmSeq atomic.Uint64
}

// Close releases the compiled code. VMs already started keep running.
func (m *Module) Close(ctx context.Context) error { return m.cm.Close(ctx) }
