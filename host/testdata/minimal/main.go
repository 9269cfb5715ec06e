// Command minimal is the smallest useful proxy-wasm guest: per request it
// reads every request header in one host call and continues, answering
// 403 when the request carries "x-deny". It measures the host's own cost
// per request (BenchmarkEmptyRequest) and shows the API (Example).
package main

import "unsafe"

func main() {}

//go:wasmimport env proxy_get_header_map_pairs
func proxyGetHeaderMapPairs(mapID uint32, retData, retSize unsafe.Pointer) uint32

//go:wasmimport env proxy_send_local_response
func proxySendLocalResponse(status uint32, details unsafe.Pointer, detailsSize uint32, body unsafe.Pointer, bodySize uint32, headers unsafe.Pointer, headersSize uint32, grpc int32) uint32

//go:wasmimport env proxy_log
func proxyLog(level uint32, msg unsafe.Pointer, size uint32) uint32

// arena is reused for what the host hands over: the guest reads it before
// the next host call.
var arena []byte

//go:wasmexport proxy_abi_version_0_2_1
func abiVersion() {}

//go:wasmexport proxy_on_memory_allocate
func allocate(size uint32) uint32 {
	if int(size) > cap(arena) {
		arena = make([]byte, size)
	}
	return uint32(uintptr(unsafe.Pointer(unsafe.SliceData(arena[:cap(arena)]))))
}

//go:wasmexport proxy_on_configure
func configure(root, size uint32) uint32 {
	msg := "minimal guest configured"
	proxyLog(2, unsafe.Pointer(unsafe.StringData(msg)), uint32(len(msg)))
	return 1
}

//go:wasmexport proxy_on_request_headers
func onRequestHeaders(id, numHeaders, eos uint32) uint32 {
	var p, n uint32
	if proxyGetHeaderMapPairs(0, unsafe.Pointer(&p), unsafe.Pointer(&n)) != 0 {
		return 0
	}
	if hasKey(unsafe.Slice((*byte)(unsafe.Pointer(uintptr(p))), n), "x-deny") {
		body := "denied\n"
		proxySendLocalResponse(403, nil, 0, unsafe.Pointer(unsafe.StringData(body)), uint32(len(body)), nil, 0, -1)
	}
	return 0
}

// hasKey reports whether the serialized map b has key k.
func hasKey(b []byte, k string) bool {
	if len(b) < 4 {
		return false
	}
	n := int(le32(b))
	sizes, data := b[4:], b[4+8*n:]
	for i := 0; i < n; i++ {
		kl, vl := int(le32(sizes[8*i:])), int(le32(sizes[8*i+4:]))
		if string(data[:kl]) == k {
			return true
		}
		data = data[kl+1+vl+1:]
	}
	return false
}

func le32(b []byte) uint32 {
	return uint32(b[0]) | uint32(b[1])<<8 | uint32(b[2])<<16 | uint32(b[3])<<24
}
