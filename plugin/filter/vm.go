package filter

import (
	"github.com/tetratelabs/proxy-wasm-go-sdk/proxywasm/types"
)

// vmContext is the VM-wide context: it makes one plugin context per
// plugin configured on the VM.
type vmContext struct{}

// NewVMContext returns the VM context to register with the host.
func NewVMContext() types.VMContext { return vmContext{} }

// OnVMStart accepts any VM configuration: Palisade reads its settings from
// the plugin configuration only.
func (vmContext) OnVMStart(int) types.OnVMStartStatus { return types.OnVMStartStatusOK }

// NewPluginContext returns a plugin (root) context.
func (vmContext) NewPluginContext(contextID uint32) types.PluginContext {
	return newPluginContext(contextID)
}
