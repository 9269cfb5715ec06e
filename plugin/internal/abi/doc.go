// Package abi is the plugin's only door to its host: the proxy-wasm ABI
// v0.2.1 (https://github.com/proxy-wasm/spec/tree/main/abi-versions/v0.2.1).
//
// The exported functions carry the names of the proxy-wasm-go-sdk's
// proxywasm package, so plugin code reads like any other Go proxy-wasm
// filter. Two twins implement them, chosen by file name:
//
//   - hostcall_wasip1.go and the other *_wasip1.go files are Palisade's own
//     binding, written from the spec for upstream Go (GOOS=wasip1,
//     -buildmode=c-shared): //go:wasmimport host calls, //go:wasmexport
//     callbacks, and the context bookkeeping that routes callbacks to the
//     [types.VMContext] given to [SetVMContext]. Every unsafe line of the
//     plugin lives in those files.
//   - hostcall_other.go forwards to the SDK's proxywasm package, so the SDK's
//     proxytest emulator drives the very same plugin code in plain go test.
//
// Errors are the SDK's sentinels (types.ErrorStatusNotFound, ...), so callers
// branch on them with errors.Is whichever twin is built.
package abi
