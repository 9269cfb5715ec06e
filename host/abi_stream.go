package host

import "github.com/tetratelabs/wazero/api"

// proxySendLocalResponse implements proxy_send_local_response(status_code,
// status_code_details_data, status_code_details_size, body_data, body_size,
// serialized_headers_data, serialized_headers_size, grpc_status): the
// effective stream is answered by the plugin and never reaches (or no
// longer hears from) the upstream. Result: OK; BAD_ARGUMENT outside a
// stream, for a status outside 200..599 (Envoy's range for local replies)
// or malformed headers; INVALID_MEMORY_ACCESS.
func proxySendLocalResponse(vm *VM, mem api.Memory, p []uint64) status {
	code := uint32(p[0])
	details, ok1 := readString(mem, uint32(p[1]), uint32(p[2]))
	body, ok2 := readBytes(mem, uint32(p[3]), uint32(p[4]))
	hb, ok3 := readBytes(mem, uint32(p[5]), uint32(p[6]))
	if !ok1 || !ok2 || !ok3 {
		return statusInvalidMemoryAccess // checked first, as Envoy does
	}
	s := vm.stream()
	if s == nil || code < 200 || code > 599 {
		return statusBadArgument
	}
	h, err := decodeMap(hb)
	if err != nil {
		return statusBadArgument
	}
	s.local = &LocalResponse{
		Status:     int(code),
		Headers:    lowerNames(h),
		Body:       append([]byte(nil), body...),
		Details:    details,
		GRPCStatus: int32(uint32(p[7])),
	}
	s.wake()
	return statusOK
}

// proxyContinueStream implements proxy_continue_stream(stream_type):
// resumes the effective stream's request or response. Only the direction
// that is paused (or whose callback is running) resumes: continuing the
// response does not release a paused request, as in Envoy, where the two
// are continueDecoding and continueEncoding. Result: OK (also when that
// direction is not paused: nothing to do); BAD_ARGUMENT for an unknown
// type or outside a stream; UNIMPLEMENTED for the TCP stream types, which
// this host does not carry.
func proxyContinueStream(vm *VM, _ api.Memory, p []uint64) status {
	t := uint32(p[0])
	switch t {
	case streamHTTPRequest, streamHTTPResponse:
	case streamDownstream, streamUpstream:
		return statusUnimplemented
	default:
		return statusBadArgument
	}
	s := vm.stream()
	if s == nil {
		return statusBadArgument
	}
	if t != s.dir {
		return statusOK
	}
	s.continued = true
	s.paused = false
	s.wake()
	return statusOK
}

// proxyCloseStream implements proxy_close_stream(stream_type): the
// effective stream is reset.
func proxyCloseStream(vm *VM, _ api.Memory, p []uint64) status {
	if t := uint32(p[0]); t > streamUpstream {
		return statusBadArgument
	}
	s := vm.stream()
	if s == nil {
		return statusBadArgument
	}
	s.reset = true
	s.wake()
	return statusOK
}

// proxyGetStatus implements proxy_get_status(return_status_code,
// return_status_message_data, return_status_message_size): inside
// proxy_on_http_call_response, the HTTP status of the answer (0 when the
// call failed) and a short message; elsewhere NOT_FOUND.
func proxyGetStatus(vm *VM, mem api.Memory, p []uint64) status {
	if vm.phase != phaseCallResponse || vm.callResp == nil {
		return statusNotFound
	}
	if !writeUint32(mem, uint32(p[0]), uint32(vm.callResp.status)) {
		return statusInvalidMemoryAccess
	}
	vm.scratch = append(vm.scratch[:0], vm.callResp.message...)
	return vm.returnBytes(mem, vm.scratch, uint32(p[1]), uint32(p[2]))
}
