package host

import "github.com/tetratelabs/wazero/api"

// buffer returns the buffer a guest names, or a status saying why not:
// BAD_ARGUMENT for an unknown id, NOT_FOUND for one that exists in the ABI
// but not here and now (the VM configuration outside proxy_on_vm_start, a
// body outside a stream, TCP and gRPC buffers, which this host never has).
// writable reports whether the guest may change it.
func (vm *VM) buffer(id uint32) (buf *[]byte, writable bool, st status) {
	switch id {
	case bufferHTTPRequestBody, bufferHTTPResponseBody:
		s := vm.stream()
		if s == nil {
			return nil, false, statusNotFound
		}
		if id == bufferHTTPRequestBody {
			return &s.req.Body, true, statusOK
		}
		return &s.resp.Body, true, statusOK
	case bufferHTTPCallResponseBody:
		if vm.phase != phaseCallResponse || vm.callResp == nil {
			return nil, false, statusNotFound
		}
		return &vm.callResp.body, false, statusOK
	case bufferVMConfiguration:
		if vm.phase != phaseVMStart {
			return nil, false, statusNotFound
		}
		return &vm.cfg.VMConfiguration, false, statusOK
	case bufferPluginConfiguration:
		if vm.phase != phaseConfigure {
			return nil, false, statusNotFound
		}
		return &vm.cfg.PluginConfiguration, false, statusOK
	case bufferDownstreamData, bufferUpstreamData, bufferGrpcCallMessage, bufferForeignFunctionArgs:
		return nil, false, statusNotFound
	}
	return nil, false, statusBadArgument
}

// proxyGetBufferBytes implements proxy_get_buffer_bytes(buffer_id, start,
// max_size, return_value_data, return_value_size): up to max_size bytes from
// start. Result: OK; BAD_ARGUMENT for an unknown buffer or a start past its
// end; NOT_FOUND when the buffer is not available; INVALID_MEMORY_ACCESS.
func proxyGetBufferBytes(vm *VM, mem api.Memory, p []uint64) status {
	buf, _, st := vm.buffer(uint32(p[0]))
	if st != statusOK {
		return st
	}
	start, max := uint64(uint32(p[1])), uint64(uint32(p[2]))
	b := *buf
	if start > uint64(len(b)) {
		return statusBadArgument
	}
	end := min(start+max, uint64(len(b)))
	return vm.returnBytes(mem, b[start:end], uint32(p[3]), uint32(p[4]))
}

// proxyGetBufferStatus implements proxy_get_buffer_status(buffer_id,
// return_buffer_size, return_ignored).
func proxyGetBufferStatus(vm *VM, mem api.Memory, p []uint64) status {
	buf, _, st := vm.buffer(uint32(p[0]))
	if st != statusOK {
		return st
	}
	if !writeUint32(mem, uint32(p[1]), uint32(len(*buf))) || !writeUint32(mem, uint32(p[2]), 0) {
		return statusInvalidMemoryAccess
	}
	return statusOK
}

// proxySetBufferBytes implements proxy_set_buffer_bytes(buffer_id, start,
// size, value_data, value_size): replaces size bytes at start with the
// value. start=0,size=0 prepends; start at or past the end appends;
// otherwise the bytes in [start, start+size) are replaced. Only bodies are
// writable; the others answer BAD_ARGUMENT.
func proxySetBufferBytes(vm *VM, mem api.Memory, p []uint64) status {
	buf, ok, st := vm.buffer(uint32(p[0]))
	if st != statusOK {
		return st
	}
	if !ok {
		return statusBadArgument
	}
	val, okm := readBytes(mem, uint32(p[3]), uint32(p[4]))
	if !okm {
		return statusInvalidMemoryAccess
	}
	b := *buf
	start, size := uint64(uint32(p[1])), uint64(uint32(p[2]))
	if start > uint64(len(b)) {
		start = uint64(len(b))
	}
	end := min(start+size, uint64(len(b)))
	if uint64(len(b))-(end-start)+uint64(len(val)) > uint64(vm.cfg.MaxBufferBytes) {
		return statusBadArgument
	}
	out := make([]byte, 0, uint64(len(b))-(end-start)+uint64(len(val)))
	out = append(out, b[:start]...)
	out = append(out, val...)
	out = append(out, b[end:]...)
	*buf = out
	return statusOK
}
