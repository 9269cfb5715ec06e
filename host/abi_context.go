package host

import "github.com/tetratelabs/wazero/api"

// proxySetEffectiveContext implements proxy_set_effective_context(context_id):
// later host calls act on that context (a stream resumed from an http call
// callback, say). Result: OK; BAD_ARGUMENT for an unknown or closed context.
func proxySetEffectiveContext(vm *VM, _ api.Memory, p []uint64) status {
	id := uint32(p[0])
	if id != vm.rootID {
		if _, ok := vm.streams[id]; !ok {
			return statusBadArgument
		}
	}
	vm.effective = id
	return statusOK
}

// proxyDone implements proxy_done(): this host never leaves a context
// pending finalization (it does not wait after proxy_on_done returns
// false), so it is always NOT_FOUND, as the spec says for that case.
func proxyDone(*VM, api.Memory, []uint64) status { return statusNotFound }

// stream returns the effective stream context, or nil in the root context.
func (vm *VM) stream() *Stream {
	if vm.effective == vm.rootID {
		return nil
	}
	return vm.streams[vm.effective]
}
