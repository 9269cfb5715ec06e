// Command conformance is a proxy-wasm guest that checks the host: it
// calls every host function of ABI v0.2.1, with well-formed and hostile
// arguments (pointers past the end of memory, sizes that overflow, unknown
// types and ids, malformed maps, stale CAS values...), and compares each
// status with the one the spec and Envoy give. Every mismatch is logged at
// ERROR ("FAIL <check>: got N want M") and counted; the host test reads
// the log and the count (export conformance_failures).
//
// The plugin configuration chooses what the root context does:
// "conformance" runs the root checks, "conformance tick" also starts a
// 10 ms timer, "peek" only reads (and swaps) the shared key the root checks
// write, "refuse" makes proxy_on_configure answer false. Streams
// choose their behaviour with the x-mode request header (stream.go).
package main

import (
	"strconv"
	"unsafe"
)

func main() {}

// Status codes of the spec.
const (
	ok, notFound, badArgument, invalidMemory, empty, casMismatch, unimplemented = 0, 1, 2, 6, 7, 8, 12
)

var (
	failures uint32
	bad      = unsafe.Pointer(uintptr(0xFFFFFFF0)) // past the end of any memory
	mem      [][]byte                              // allocations handed to the host stay reachable
	rootID   uint32
	queueID  uint32
	ticks    uint32
	queued   uint32
	deleted  uint32 // the last stream context deleted
)

func logf(level uint32, s string) {
	proxyLog(level, unsafe.Pointer(unsafe.StringData(s)), uint32(len(s)))
}

func check(name string, got, want uint32) {
	if got != want {
		failures++
		logf(4, "FAIL "+name+": got "+strconv.Itoa(int(got))+" want "+strconv.Itoa(int(want)))
	}
}

func expect(name string, cond bool) {
	if !cond {
		failures++
		logf(4, "FAIL "+name)
	}
}

func sp(s string) (unsafe.Pointer, uint32) {
	return unsafe.Pointer(unsafe.StringData(s)), uint32(len(s))
}

// view reads the bytes the host returned at (p, n).
func view(p, n uint32) string {
	if n == 0 {
		return ""
	}
	return string(unsafe.Slice((*byte)(unsafe.Pointer(uintptr(p))), n))
}

func u32(p *uint32) unsafe.Pointer { return unsafe.Pointer(p) }

func bp(b []byte) unsafe.Pointer {
	if len(b) == 0 {
		return nil
	}
	return unsafe.Pointer(&b[0])
}

// le64 decodes the 8-byte little-endian integers of integer properties.
func le64(s string) uint64 {
	var v uint64
	for i := 7; i >= 0 && len(s) == 8; i-- {
		v = v<<8 | uint64(s[i])
	}
	return v
}

// serialize encodes a header map as the spec's "Serialization" section says.
func serialize(h [][2]string) []byte {
	le := func(b []byte, v int) []byte { return append(b, byte(v), byte(v>>8), byte(v>>16), byte(v>>24)) }
	b := le(nil, len(h))
	for _, kv := range h {
		b = le(b, len(kv[0]))
		b = le(b, len(kv[1]))
	}
	for _, kv := range h {
		b = append(append(append(append(b, kv[0]...), 0), kv[1]...), 0)
	}
	return b
}

//go:wasmexport proxy_abi_version_0_2_1
func abiVersion() {}

//go:wasmexport proxy_on_memory_allocate
func allocate(size uint32) uint32 {
	b := make([]byte, size+1)
	mem = append(mem, b)
	return uint32(uintptr(unsafe.Pointer(&b[0])))
}

//go:wasmexport conformance_failures
func conformanceFailures() uint32 { return failures }

//go:wasmexport conformance_ticks
func conformanceTicks() uint32 { return ticks }

//go:wasmexport conformance_queued
func conformanceQueued() uint32 { return queued }

//go:wasmexport proxy_on_context_create
func contextCreate(id, parent uint32) {
	if parent == 0 {
		rootID = id
	}
}

//go:wasmexport proxy_on_vm_start
func vmStart(root, size uint32) uint32 {
	var p, n uint32
	check("vm configuration readable in on_vm_start", proxyGetBufferBytes(6, 0, size, u32(&p), u32(&n)), ok)
	expect("vm configuration content", view(p, n) == "vm-config")
	check("plugin configuration not readable in on_vm_start", proxyGetBufferBytes(7, 0, 100, u32(&p), u32(&n)), notFound)
	return 1
}

//go:wasmexport proxy_on_configure
func configure(root, size uint32) uint32 {
	var p, n uint32
	check("plugin configuration readable", proxyGetBufferBytes(7, 0, size, u32(&p), u32(&n)), ok)
	cfg := view(p, n)
	switch cfg {
	case "refuse":
		logf(4, "configuration refused")
		return 0
	case "peek":
		peek()
		return 1
	}
	expect("plugin configuration content", cfg == "conformance" || cfg == "conformance tick")
	var st uint32
	check("plugin configuration status", proxyGetBufferStatus(7, u32(&st), u32(&n)), ok)
	expect("plugin configuration size", st == size)
	check("plugin configuration partial", proxyGetBufferBytes(7, 2, 3, u32(&p), u32(&n)), ok)
	expect("partial read", view(p, n) == "nfo")
	check("plugin configuration read past the end", proxyGetBufferBytes(7, 8, 0xFFFFFFFF, u32(&p), u32(&n)), ok)
	expect("read past the end is cut at the end", view(p, n) == "nce" || view(p, n) == "nce tick")
	check("buffer start past the end", proxyGetBufferBytes(7, 100, 1, u32(&p), u32(&n)), badArgument)
	check("unknown buffer", proxyGetBufferBytes(99, 0, 1, u32(&p), u32(&n)), badArgument)
	check("unknown buffer status", proxyGetBufferStatus(99, u32(&st), u32(&n)), badArgument)
	check("buffer return pointer out of memory", proxyGetBufferBytes(7, 0, 4, bad, u32(&n)), invalidMemory)
	check("buffer size pointer out of memory", proxyGetBufferBytes(7, 0, 4, u32(&p), bad), invalidMemory)
	check("buffer status pointer out of memory", proxyGetBufferStatus(7, bad, u32(&n)), invalidMemory)
	check("configuration is read-only", proxySetBufferBytes(7, 0, 0, nil, 0), badArgument)
	check("set unknown buffer", proxySetBufferBytes(99, 0, 0, nil, 0), badArgument)
	check("vm configuration outside on_vm_start", proxyGetBufferBytes(6, 0, 1, u32(&p), u32(&n)), notFound)
	check("request body outside a stream", proxyGetBufferBytes(0, 0, 1, u32(&p), u32(&n)), notFound)
	check("call response body outside its callback", proxyGetBufferBytes(4, 0, 1, u32(&p), u32(&n)), notFound)
	check("tcp buffers are not found", proxyGetBufferBytes(2, 0, 1, u32(&p), u32(&n)), notFound)
	rootChecks()
	if cfg == "conformance tick" {
		check("tick period", proxySetTickPeriodMilliseconds(10), ok)
	}
	return 1
}

// peek reads the shared key the root checks write, and swaps it with the
// CAS it read, to show what another VM sees.
func peek() {
	k, kn := sp("conformance/key")
	var p, n, cas uint32
	if proxyGetSharedData(k, kn, u32(&p), u32(&n), u32(&cas)) != ok {
		logf(2, "peek: absent")
		return
	}
	logf(2, "peek: "+view(p, n))
	v, vn := sp("peeked")
	check("swap with the CAS just read", proxySetSharedData(k, kn, v, vn, cas), ok)
}

//go:wasmexport proxy_on_tick
func onTick(root uint32) {
	ticks++
	if root != rootID {
		expect("tick goes to the root context", false)
	}
}

//go:wasmexport proxy_on_queue_ready
func onQueueReady(root, id uint32) {
	expect("queue notification for the registered queue", id == queueID && root == rootID)
	// One notification per enqueue: the root checks enqueued twice and
	// took the first item themselves, so one call finds "ping", the other
	// finds the queue empty.
	var p, n uint32
	switch st := proxyDequeueSharedQueue(id, u32(&p), u32(&n)); st {
	case ok:
		expect("queued item", view(p, n) == "ping")
		queued++
	case empty:
	default:
		check("dequeue in on_queue_ready", st, ok)
	}
}
