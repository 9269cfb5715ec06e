// Command noabi is a guest that exports the proxy-wasm callbacks but not
// the ABI version marker proxy_abi_version_0_2_1: a host must refuse it,
// as Envoy refuses a module whose ABI version it cannot tell.
package main

import "unsafe"

func main() {}

var buf [64]byte

//go:wasmexport proxy_on_memory_allocate
func allocate(size uint32) uint32 { return uint32(uintptr(unsafe.Pointer(&buf[0]))) }

//go:wasmexport proxy_on_vm_start
func vmStart(root, size uint32) uint32 { return 1 }
