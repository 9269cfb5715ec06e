// Package host runs proxy-wasm plugins outside a proxy: a host for the
// proxy-wasm ABI v0.2.1 (https://github.com/proxy-wasm/spec, abi-versions/v0.2.1)
// built on the wazero WebAssembly runtime, with Envoy's semantics wherever
// the spec leaves a choice to the host.
//
// A [Runtime] compiles a module once ([Runtime.Compile], optionally with an
// on-disk compilation cache); a [Module] starts any number of [VM]s, each an
// instance of the module with its own root context, configured as Envoy
// configures one (_initialize, proxy_on_vm_start, proxy_on_configure). A VM
// runs one guest call at a time; a [Stream] is one HTTP request/response
// pair through it.
//
// The host never trusts the guest: every pointer and size coming from the
// module is bounds-checked and answered with the status Envoy returns
// (BadArgument, NotFound, InvalidMemoryAccess, ...). A trap or proc_exit in
// the guest fails the stream it happened in and marks the VM failed; the
// caller replaces the VM (see [VM.Err]).
//
// Files follow the ABI's areas: abi_logging.go, abi_buffers.go,
// abi_headers.go, abi_properties.go, abi_httpcall.go, abi_shareddata.go,
// abi_queues.go, abi_timers.go, abi_metrics.go, abi_context.go, wasi.go.
package host
