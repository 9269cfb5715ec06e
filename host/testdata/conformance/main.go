// Command conformance is a proxy-wasm guest that checks the host: it
// calls every host function of ABI v0.2.1, with well-formed and hostile
// arguments (pointers past the end of memory, unknown types, malformed
// maps, stale CAS values...), and compares each status with the spec's.
// Every mismatch is logged ("FAIL <check>: got N want M") and counted;
// the host test reads the count through the export conformance_failures.
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
	bad      = unsafe.Pointer(uintptr(0xFFFFFF00)) // past the end of any memory
	mem      [][]byte                              // allocations handed to the host stay reachable
	rootID   uint32
	queueID  uint32
	ticks    uint32
	queued   uint32
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
	expect("plugin configuration content", cfg == "conformance" || cfg == "conformance tick")
	check("plugin configuration partial", proxyGetBufferBytes(7, 2, 3, u32(&p), u32(&n)), ok)
	expect("partial read", view(p, n) == "nfo")
	check("buffer start past the end", proxyGetBufferBytes(7, 100, 1, u32(&p), u32(&n)), badArgument)
	check("unknown buffer", proxyGetBufferBytes(99, 0, 1, u32(&p), u32(&n)), badArgument)
	check("buffer return pointer out of memory", proxyGetBufferBytes(7, 0, 4, bad, u32(&n)), invalidMemory)
	check("configuration is read-only", proxySetBufferBytes(7, 0, 0, nil, 0), badArgument)
	check("request body outside a stream", proxyGetBufferBytes(0, 0, 1, u32(&p), u32(&n)), notFound)
	check("tcp buffers are not found", proxyGetBufferBytes(2, 0, 1, u32(&p), u32(&n)), notFound)
	rootChecks()
	if cfg == "conformance tick" {
		check("tick period", proxySetTickPeriodMilliseconds(10), ok)
	}
	return 1
}

func rootChecks() {
	m, mn := sp("conformance says hello")
	check("log", proxyLog(2, m, mn), ok)
	check("log unknown level", proxyLog(9, m, mn), badArgument)
	check("log message out of memory", proxyLog(2, bad, 16), invalidMemory)
	check("log size overflowing", proxyLog(2, m, 0xFFFFFFFF), invalidMemory)
	var lvl uint32
	check("get log level", proxyGetLogLevel(u32(&lvl)), ok)
	check("get log level bad pointer", proxyGetLogLevel(bad), invalidMemory)
	var t uint64
	check("current time", proxyGetCurrentTimeNanoseconds(unsafe.Pointer(&t)), ok)
	expect("current time is after 2020", t > 1577836800e9)
	check("current time bad pointer", proxyGetCurrentTimeNanoseconds(bad), invalidMemory)

	// Header maps do not exist in the root context.
	var p, n uint32
	check("request headers in the root context", proxyGetHeaderMapPairs(0, u32(&p), u32(&n)), notFound)
	check("unknown map", proxyGetHeaderMapPairs(99, u32(&p), u32(&n)), badArgument)
	check("call response headers outside a callback", proxyGetHeaderMapPairs(6, u32(&p), u32(&n)), notFound)

	// Properties.
	k, kn := sp("plugin_name")
	check("property plugin_name", proxyGetProperty(k, kn, u32(&p), u32(&n)), ok)
	expect("plugin_name value", view(p, n) == "conformance")
	u, un := sp("no\x00such\x00property")
	check("unknown property", proxyGetProperty(u, un, u32(&p), u32(&n)), notFound)
	check("property path out of memory", proxyGetProperty(bad, 8, u32(&p), u32(&n)), invalidMemory)
	check("property return out of memory", proxyGetProperty(k, kn, bad, u32(&n)), invalidMemory)
	sk, skn := sp("palisade\x00conformance")
	sv, svn := sp("set")
	check("set property", proxySetProperty(sk, skn, sv, svn), ok)
	check("read back a set property", proxyGetProperty(sk, skn, u32(&p), u32(&n)), ok)
	expect("set property value", view(p, n) == "set")

	// Stream operations outside a stream.
	check("local response in the root context", proxySendLocalResponse(403, nil, 0, nil, 0, nil, 0, -1), badArgument)
	check("continue unknown stream type", proxyContinueStream(9), badArgument)
	check("continue tcp stream", proxyContinueStream(2), unimplemented)
	check("close unknown stream type", proxyCloseStream(9), badArgument)
	var code uint32
	check("get status outside a call response", proxyGetStatus(u32(&code), u32(&p), u32(&n)), notFound)

	// Contexts.
	check("set effective context unknown", proxySetEffectiveContext(999), badArgument)
	check("set effective context root", proxySetEffectiveContext(rootID), ok)
	check("done with nothing pending", proxyDone(), notFound)

	// HTTP and gRPC calls.
	cl, cln := sp("echo")
	good := serialize([][2]string{{":method", "GET"}, {":path", "/x"}, {":authority", "echo"}})
	noPath := serialize([][2]string{{":method", "GET"}, {":authority", "echo"}})
	var id uint32
	un2, un2n := sp("no-such-cluster")
	check("http call unknown cluster", proxyHTTPCall(un2, un2n, bp(good), uint32(len(good)), nil, 0, nil, 0, 1000, u32(&id)), badArgument)
	check("http call without :path", proxyHTTPCall(cl, cln, bp(noPath), uint32(len(noPath)), nil, 0, nil, 0, 1000, u32(&id)), badArgument)
	check("http call malformed headers", proxyHTTPCall(cl, cln, bp([]byte{9, 0, 0, 0}), 4, nil, 0, nil, 0, 1000, u32(&id)), badArgument)
	check("http call headers out of memory", proxyHTTPCall(cl, cln, bad, 64, nil, 0, nil, 0, 1000, u32(&id)), invalidMemory)
	check("http call return out of memory", proxyHTTPCall(cl, cln, bp(good), uint32(len(good)), nil, 0, nil, 0, 1000, bad), invalidMemory)
	check("grpc call", proxyGrpcCall(cl, cln, nil, 0, nil, 0, nil, 0, nil, 0, 1000, u32(&id)), unimplemented)

	// Shared data with CAS.
	dk, dkn := sp("conformance/key")
	var cas uint32
	check("shared data missing", proxyGetSharedData(dk, dkn, u32(&p), u32(&n), u32(&cas)), notFound)
	v1, v1n := sp("one")
	check("shared data set", proxySetSharedData(dk, dkn, v1, v1n, 0), ok)
	check("shared data get", proxyGetSharedData(dk, dkn, u32(&p), u32(&n), u32(&cas)), ok)
	expect("shared data value", view(p, n) == "one" && cas != 0)
	v2, v2n := sp("two")
	check("shared data stale cas", proxySetSharedData(dk, dkn, v2, v2n, cas+1), casMismatch)
	check("shared data right cas", proxySetSharedData(dk, dkn, v2, v2n, cas), ok)
	check("shared data old cas after a write", proxySetSharedData(dk, dkn, v1, v1n, cas), casMismatch)
	check("shared data key out of memory", proxyGetSharedData(bad, 4, u32(&p), u32(&n), u32(&cas)), invalidMemory)
	check("shared data cas out of memory", proxyGetSharedData(dk, dkn, u32(&p), u32(&n), bad), invalidMemory)

	// Shared queues.
	qn, qnn := sp("conformance-queue")
	check("register queue", proxyRegisterSharedQueue(qn, qnn, u32(&queueID)), ok)
	vm, vmn := sp("conformance-vm")
	var rid uint32
	check("resolve queue", proxyResolveSharedQueue(vm, vmn, qn, qnn, u32(&rid)), ok)
	expect("resolved the registered queue", rid == queueID)
	nq, nqn := sp("nobody-registered-this")
	check("resolve unknown queue", proxyResolveSharedQueue(vm, vmn, nq, nqn, u32(&rid)), notFound)
	check("dequeue empty", proxyDequeueSharedQueue(queueID, u32(&p), u32(&n)), empty)
	check("enqueue unknown queue", proxyEnqueueSharedQueue(9999, v1, v1n), notFound)
	check("enqueue", proxyEnqueueSharedQueue(queueID, v1, v1n), ok)
	check("dequeue", proxyDequeueSharedQueue(queueID, u32(&p), u32(&n)), ok)
	expect("dequeued value", view(p, n) == "one")

	// Metrics.
	mn2, mnn := sp("conformance_total")
	var mid, gid, hid uint32
	check("define counter", proxyDefineMetric(0, mn2, mnn, u32(&mid)), ok)
	var again uint32
	check("define counter again", proxyDefineMetric(0, mn2, mnn, u32(&again)), ok)
	expect("same name, same id", again == mid)
	check("define same name as gauge", proxyDefineMetric(1, mn2, mnn, u32(&again)), badArgument)
	check("define unknown type", proxyDefineMetric(9, mn2, mnn, u32(&again)), badArgument)
	check("increment counter", proxyIncrementMetric(mid, 5), ok)
	check("decrement counter", proxyIncrementMetric(mid, -1), badArgument)
	var val uint64
	check("get counter", proxyGetMetric(mid, unsafe.Pointer(&val)), ok)
	expect("counter value", val == 5)
	gn, gnn := sp("conformance_gauge")
	check("define gauge", proxyDefineMetric(1, gn, gnn, u32(&gid)), ok)
	check("record gauge", proxyRecordMetric(gid, 42), ok)
	check("gauge down", proxyIncrementMetric(gid, -2), ok)
	check("get gauge", proxyGetMetric(gid, unsafe.Pointer(&val)), ok)
	expect("gauge value", val == 40)
	hn, hnn := sp("conformance_histogram")
	check("define histogram", proxyDefineMetric(2, hn, hnn, u32(&hid)), ok)
	check("record histogram", proxyRecordMetric(hid, 7), ok)
	check("get histogram", proxyGetMetric(hid, unsafe.Pointer(&val)), badArgument)
	check("unknown metric", proxyIncrementMetric(9999, 1), notFound)
	check("get metric bad pointer", proxyGetMetric(mid, bad), invalidMemory)

	// Foreign functions: none registered.
	ff, ffn := sp("compress")
	check("foreign function", proxyCallForeignFunction(ff, ffn, nil, 0, u32(&p), u32(&n)), notFound)
}

func bp(b []byte) unsafe.Pointer {
	if len(b) == 0 {
		return nil
	}
	return unsafe.Pointer(&b[0])
}

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

//go:wasmexport proxy_on_tick
func onTick(root uint32) { ticks++ }

//go:wasmexport proxy_on_queue_ready
func onQueueReady(root, id uint32) {
	if id == queueID {
		queued++
	}
}
