// Command unknownimport is a proxy-wasm guest that imports two functions
// neither Envoy nor this host provides: it must fail to load, naming both.
package main

import "unsafe"

func main() {}

//go:wasmimport env proxy_does_not_exist
func proxyDoesNotExist() uint32

//go:wasmimport wasi_snapshot_preview1 sock_accept
func sockAccept(fd, flags uint32, ret unsafe.Pointer) uint32

var buf [64]byte

//go:wasmexport proxy_abi_version_0_2_1
func abiVersion() {}

//go:wasmexport proxy_on_memory_allocate
func allocate(size uint32) uint32 { return uint32(uintptr(unsafe.Pointer(&buf[0]))) }

//go:wasmexport proxy_on_vm_start
func vmStart(root, size uint32) uint32 {
	var fd uint32
	return proxyDoesNotExist() + sockAccept(3, 0, unsafe.Pointer(&fd))
}
