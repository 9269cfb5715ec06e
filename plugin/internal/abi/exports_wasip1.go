package abi

import "github.com/tetratelabs/proxy-wasm-go-sdk/proxywasm/types"

// The proxy-wasm callbacks. Each records the context the host is acting
// in (so DispatchHttpCall knows whom to call back) and hands over to
// state. A panic in a stream callback is caught: the stream is answered
// with 500 and paused, never continued (fail closed), and the VM lives on.

var (
	vm      = newState(nil)
	current uint32
)

// SetVMContext registers the plugin's VM context with the host.
func SetVMContext(ctx types.VMContext) { vm = newState(ctx) }

//go:wasmexport proxy_abi_version_0_2_1
func proxyABIVersion() {}

//go:wasmexport proxy_on_context_create
func proxyOnContextCreate(contextID, parentID uint32) {
	current = contextID
	vm.contextCreate(contextID, parentID)
}

//go:wasmexport proxy_on_vm_start
func proxyOnVMStart(rootID, size uint32) uint32 {
	current = rootID
	return boolResult(vm.vmStart(int(size)))
}

//go:wasmexport proxy_on_configure
func proxyOnConfigure(rootID, size uint32) (ok uint32) {
	current = rootID
	defer func() {
		if r := recover(); r != nil {
			LogCritical("panic in OnPluginStart: configuration refused")
			ok = 0
		}
	}()
	return boolResult(vm.configure(rootID, int(size)))
}

//go:wasmexport proxy_on_tick
func proxyOnTick(rootID uint32) {
	current = rootID
	defer recoverRoot("OnTick")
	vm.tick(rootID)
}

//go:wasmexport proxy_on_queue_ready
func proxyOnQueueReady(rootID, queueID uint32) {
	current = rootID
	defer recoverRoot("OnQueueReady")
	vm.queueReady(rootID, queueID)
}

//go:wasmexport proxy_on_http_call_response
func proxyOnHTTPCallResponse(rootID, calloutID, numHeaders, bodySize, numTrailers uint32) {
	c, ok := vm.takeCallout(calloutID)
	if !ok {
		return
	}
	if err := SetEffectiveContext(c.context); err != nil {
		return // the context is gone: nothing to resume
	}
	if _, isStream := vm.streams.get(c.context); isStream {
		defer recoverStream("http call callback")
	} else {
		defer recoverRoot("http call callback")
	}
	c.fn(int(numHeaders), int(bodySize), int(numTrailers))
}

func streamCall(id uint32, f func(h types.HttpContext) types.Action) (action uint32) {
	current = id
	h := vm.http(id)
	if h == nil {
		return uint32(types.ActionPause)
	}
	defer func() {
		if r := recover(); r != nil {
			failStream("stream callback" + panicDetail(r))
			action = uint32(types.ActionPause)
		}
	}()
	return uint32(f(h))
}

//go:wasmexport proxy_on_request_headers
func proxyOnRequestHeaders(id, numHeaders, eos uint32) uint32 {
	return streamCall(id, func(h types.HttpContext) types.Action { return h.OnHttpRequestHeaders(int(numHeaders), eos != 0) })
}

//go:wasmexport proxy_on_request_body
func proxyOnRequestBody(id, size, eos uint32) uint32 {
	return streamCall(id, func(h types.HttpContext) types.Action { return h.OnHttpRequestBody(int(size), eos != 0) })
}

//go:wasmexport proxy_on_request_trailers
func proxyOnRequestTrailers(id, n uint32) uint32 {
	return streamCall(id, func(h types.HttpContext) types.Action { return h.OnHttpRequestTrailers(int(n)) })
}

//go:wasmexport proxy_on_response_headers
func proxyOnResponseHeaders(id, numHeaders, eos uint32) uint32 {
	return streamCall(id, func(h types.HttpContext) types.Action { return h.OnHttpResponseHeaders(int(numHeaders), eos != 0) })
}

//go:wasmexport proxy_on_response_body
func proxyOnResponseBody(id, size, eos uint32) uint32 {
	return streamCall(id, func(h types.HttpContext) types.Action { return h.OnHttpResponseBody(int(size), eos != 0) })
}

//go:wasmexport proxy_on_response_trailers
func proxyOnResponseTrailers(id, n uint32) uint32 {
	return streamCall(id, func(h types.HttpContext) types.Action { return h.OnHttpResponseTrailers(int(n)) })
}

//go:wasmexport proxy_on_done
func proxyOnDone(id uint32) uint32 {
	current = id
	return boolResult(vm.done(id))
}

//go:wasmexport proxy_on_log
func proxyOnLog(id uint32) {
	current = id
	defer recoverRoot("OnHttpStreamDone")
	vm.log(id)
}

//go:wasmexport proxy_on_delete
func proxyOnDelete(id uint32) { vm.delete(id) }

func boolResult(b bool) uint32 {
	if b {
		return 1
	}
	return 0
}

func recoverRoot(where string) {
	if r := recover(); r != nil {
		LogCritical("panic in " + where + " recovered")
	}
}

func recoverStream(where string) {
	if r := recover(); r != nil {
		failStream(where + panicDetail(r))
	}
}

// panicDetail describes a panic that is an error value (a runtime error
// such as an index out of range, or a library's error), truncated; other
// panic values, which could be anything, are not quoted.
func panicDetail(r any) string {
	e, ok := r.(error)
	if !ok {
		return ""
	}
	msg := e.Error()
	if len(msg) > 160 {
		msg = msg[:160]
	}
	return " (" + msg + ")"
}

// failStream answers the current stream with 500 after a panic.
func failStream(where string) {
	LogCritical("panic in " + where + ": stream failed closed")
	SendHttpResponse(500, [][2]string{{"content-type", "application/json"}},
		[]byte(`{"error":"internal_error","reason":"filter_panic"}`), -1)
}
