// Package abi is the plugin's only door to its host: the proxy-wasm ABI
// v0.2.1 (https://github.com/proxy-wasm/spec/tree/main/abi-versions/v0.2.1).
//
// The exported functions carry the names of the proxy-wasm-go-sdk's
// proxywasm package, so plugin code reads like any other Go proxy-wasm
// filter. Two twins implement them, chosen by file name:
//
//   - the *_wasip1.go files are Palisade's own binding, written from the
//     spec for upstream Go (GOOS=wasip1, -buildmode=c-shared):
//     imports_wasip1.go declares the host functions (//go:wasmimport),
//     hostcall_wasip1.go is the facade over them, exports_wasip1.go the
//     callbacks (//go:wasmexport), memory_wasip1.go the arena behind
//     proxy_on_memory_allocate. Every unsafe line of the plugin lives in
//     those files. They route callbacks through state.go (contexts and
//     pending http calls) and serialize maps with serde.go, both plain Go
//     tested natively.
//   - hostcall_other.go forwards to the SDK's proxywasm package, so the SDK's
//     proxytest emulator drives the very same plugin code in plain go test.
//
// Errors are the SDK's sentinels (types.ErrorStatusNotFound, ...), so callers
// branch on them with errors.Is whichever twin is built.
package abi
