package main

import "unsafe"

// rootChecks runs in proxy_on_configure: every host function that makes
// sense outside a stream, and the stream ones to see them refused.
func rootChecks() {
	logChecks()
	mapChecks()
	propertyChecks()
	streamOpsChecks()
	callChecks()
	sharedDataChecks()
	queueChecks()
	metricChecks()
	ff, ffn := sp("compress")
	var p, n uint32
	check("foreign function", proxyCallForeignFunction(ff, ffn, nil, 0, u32(&p), u32(&n)), notFound)
	check("foreign function name out of memory", proxyCallForeignFunction(bad, 8, nil, 0, u32(&p), u32(&n)), invalidMemory)
	check("foreign function arguments out of memory", proxyCallForeignFunction(ff, ffn, bad, 8, u32(&p), u32(&n)), invalidMemory)
}

func logChecks() {
	m, mn := sp("conformance says hello")
	check("log", proxyLog(2, m, mn), ok)
	for i, l := range []string{"level trace", "level debug", "level info", "level warn", "level error", "level critical"} {
		p, n := sp(l)
		check(l, proxyLog(uint32(i), p, n), ok)
	}
	check("log unknown level", proxyLog(6, m, mn), badArgument)
	check("log message out of memory", proxyLog(2, bad, 16), invalidMemory)
	check("log size overflowing", proxyLog(2, m, 0xFFFFFFFF), invalidMemory)
	var lvl uint32 = 99
	check("get log level", proxyGetLogLevel(u32(&lvl)), ok)
	logf(5, "log level is "+string(rune('0'+lvl)))
	check("get log level bad pointer", proxyGetLogLevel(bad), invalidMemory)
	var t uint64
	check("current time", proxyGetCurrentTimeNanoseconds(unsafe.Pointer(&t)), ok)
	expect("current time is after 2020", t > 1577836800e9)
	check("current time bad pointer", proxyGetCurrentTimeNanoseconds(bad), invalidMemory)
}

// mapChecks: outside a stream the HTTP maps are not available. Envoy
// answers BAD_ARGUMENT, except get_header_map_pairs, which reads an empty
// map.
func mapChecks() {
	var p, n, size uint32
	k, kn := sp("x-key")
	v, vn := sp("v")
	for _, id := range []uint32{0, 1, 2, 3, 4, 5, 6, 7} {
		name := "map " + string(rune('0'+id)) + " "
		check(name+"pairs outside its context", proxyGetHeaderMapPairs(id, u32(&p), u32(&n)), ok)
		expect(name+"reads empty", n == 0 || view(p, n) == "\x00\x00\x00\x00")
		check(name+"value outside its context", proxyGetHeaderMapValue(id, k, kn, u32(&p), u32(&n)), badArgument)
		check(name+"size outside its context", proxyGetHeaderMapSize(id, u32(&size)), badArgument)
		check(name+"add outside its context", proxyAddHeaderMapValue(id, k, kn, v, vn), badArgument)
		check(name+"replace outside its context", proxyReplaceHeaderMapValue(id, k, kn, v, vn), badArgument)
		check(name+"remove outside its context", proxyRemoveHeaderMapValue(id, k, kn), badArgument)
		check(name+"set pairs outside its context", proxySetHeaderMapPairs(id, nil, 0), badArgument)
	}
	check("unknown map pairs", proxyGetHeaderMapPairs(99, u32(&p), u32(&n)), badArgument)
	check("unknown map value", proxyGetHeaderMapValue(99, k, kn, u32(&p), u32(&n)), badArgument)
	check("unknown map size", proxyGetHeaderMapSize(99, u32(&size)), badArgument)
}

func propertyChecks() {
	var p, n uint32
	for _, c := range [][2]string{
		{"plugin_name", "conformance"}, {"plugin_root_id", "conformance-root"}, {"plugin_vm_id", "conformance-vm"},
		{"node\x00id", "node-1"}, {"plugin_name\x00", "conformance"},
	} {
		k, kn := sp(c[0])
		check("property "+c[0], proxyGetProperty(k, kn, u32(&p), u32(&n)), ok)
		expect("property "+c[0]+" value", view(p, n) == c[1])
	}
	u, un := sp("no\x00such\x00property")
	check("unknown property", proxyGetProperty(u, un, u32(&p), u32(&n)), notFound)
	rk, rkn := sp("request\x00path")
	check("request property outside a stream", proxyGetProperty(rk, rkn, u32(&p), u32(&n)), notFound)
	k, kn := sp("plugin_name")
	check("property path out of memory", proxyGetProperty(bad, 8, u32(&p), u32(&n)), invalidMemory)
	check("property path size overflowing", proxyGetProperty(k, 0xFFFFFFFF, u32(&p), u32(&n)), invalidMemory)
	check("property return out of memory", proxyGetProperty(k, kn, bad, u32(&n)), invalidMemory)
	sk, skn := sp("palisade\x00conformance")
	sv, svn := sp("set")
	check("set property outside a stream", proxySetProperty(sk, skn, sv, svn), notFound)
	check("set property value out of memory", proxySetProperty(sk, skn, bad, 4), invalidMemory)
}

func streamOpsChecks() {
	check("local response in the root context", proxySendLocalResponse(403, nil, 0, nil, 0, nil, 0, -1), badArgument)
	check("local response body out of memory", proxySendLocalResponse(403, nil, 0, bad, 8, nil, 0, -1), invalidMemory)
	check("continue unknown stream type", proxyContinueStream(9), badArgument)
	check("continue the request outside a stream", proxyContinueStream(0), badArgument)
	check("continue tcp stream", proxyContinueStream(2), unimplemented)
	check("close unknown stream type", proxyCloseStream(9), badArgument)
	check("close outside a stream", proxyCloseStream(0), badArgument)
	var code, p, n uint32
	check("get status outside a call response", proxyGetStatus(u32(&code), u32(&p), u32(&n)), notFound)
	check("set effective context unknown", proxySetEffectiveContext(999), badArgument)
	check("set effective context root", proxySetEffectiveContext(rootID), ok)
	check("done with nothing pending", proxyDone(), notFound)
}

func callChecks() {
	cl, cln := sp("echo")
	good := serialize([][2]string{{":method", "GET"}, {":path", "/x"}, {":authority", "echo"}})
	var id uint32
	for _, c := range []struct {
		name    string
		cluster string
		headers []byte
		want    uint32
	}{
		{"http call unknown cluster", "no-such-cluster", good, badArgument},
		{"http call without :path", "echo", serialize([][2]string{{":method", "GET"}, {":authority", "echo"}}), badArgument},
		{"http call without :method", "echo", serialize([][2]string{{":path", "/x"}, {":authority", "echo"}}), badArgument},
		{"http call without :authority", "echo", serialize([][2]string{{":method", "GET"}, {":path", "/x"}}), badArgument},
		{"http call malformed headers", "echo", []byte{9, 0, 0, 0}, badArgument},
		{"http call count overflowing", "echo", []byte{0xff, 0xff, 0xff, 0xff, 1, 0, 0, 0}, badArgument},
	} {
		c1, c1n := sp(c.cluster)
		check(c.name, proxyHTTPCall(c1, c1n, bp(c.headers), uint32(len(c.headers)), nil, 0, nil, 0, 1000, u32(&id)), c.want)
	}
	check("http call headers out of memory", proxyHTTPCall(cl, cln, bad, 64, nil, 0, nil, 0, 1000, u32(&id)), invalidMemory)
	check("http call body out of memory", proxyHTTPCall(cl, cln, bp(good), uint32(len(good)), bad, 8, nil, 0, 1000, u32(&id)), invalidMemory)
	check("http call trailers out of memory", proxyHTTPCall(cl, cln, bp(good), uint32(len(good)), nil, 0, bad, 8, 1000, u32(&id)), invalidMemory)
	check("http call return out of memory", proxyHTTPCall(cl, cln, bp(good), uint32(len(good)), nil, 0, nil, 0, 1000, bad), invalidMemory)
	check("grpc call", proxyGrpcCall(cl, cln, nil, 0, nil, 0, nil, 0, nil, 0, 1000, u32(&id)), unimplemented)
	check("grpc stream", proxyGrpcStream(cl, cln, nil, 0, nil, 0, nil, 0, u32(&id)), unimplemented)
	check("grpc send", proxyGrpcSend(1, nil, 0, 1), unimplemented)
	check("grpc cancel", proxyGrpcCancel(1), unimplemented)
	check("grpc close", proxyGrpcClose(1), unimplemented)
}

func sharedDataChecks() {
	dk, dkn := sp("conformance/key")
	var p, n, cas uint32
	check("shared data missing", proxyGetSharedData(dk, dkn, u32(&p), u32(&n), u32(&cas)), notFound)
	v1, v1n := sp("one")
	check("shared data set", proxySetSharedData(dk, dkn, v1, v1n, 0), ok)
	check("shared data get", proxyGetSharedData(dk, dkn, u32(&p), u32(&n), u32(&cas)), ok)
	expect("shared data value", view(p, n) == "one" && cas != 0)
	v2, v2n := sp("two")
	check("shared data stale cas", proxySetSharedData(dk, dkn, v2, v2n, cas+1), casMismatch)
	check("shared data right cas", proxySetSharedData(dk, dkn, v2, v2n, cas), ok)
	check("shared data old cas after a write", proxySetSharedData(dk, dkn, v1, v1n, cas), casMismatch)
	nk, nkn := sp("conformance/new")
	check("shared data any cas creates a key", proxySetSharedData(nk, nkn, v1, v1n, 12345), ok)
	check("shared data key out of memory", proxyGetSharedData(bad, 4, u32(&p), u32(&n), u32(&cas)), invalidMemory)
	check("shared data value return out of memory", proxyGetSharedData(dk, dkn, bad, u32(&n), u32(&cas)), invalidMemory)
	check("shared data cas out of memory", proxyGetSharedData(dk, dkn, u32(&p), u32(&n), bad), invalidMemory)
	check("shared data set value out of memory", proxySetSharedData(dk, dkn, bad, 4, 0), invalidMemory)
	check("shared data set size overflowing", proxySetSharedData(dk, dkn, v1, 0xFFFFFFFF, 0), invalidMemory)
}

func queueChecks() {
	qn, qnn := sp("conformance-queue")
	check("register queue", proxyRegisterSharedQueue(qn, qnn, u32(&queueID)), ok)
	var again, rid, p, n uint32
	check("register queue again", proxyRegisterSharedQueue(qn, qnn, u32(&again)), ok)
	expect("registering again opens the same queue", again == queueID)
	check("register queue return out of memory", proxyRegisterSharedQueue(qn, qnn, bad), invalidMemory)
	vm, vmn := sp("conformance-vm")
	check("resolve queue", proxyResolveSharedQueue(vm, vmn, qn, qnn, u32(&rid)), ok)
	expect("resolved the registered queue", rid == queueID)
	nq, nqn := sp("nobody-registered-this")
	check("resolve unknown queue", proxyResolveSharedQueue(vm, vmn, nq, nqn, u32(&rid)), notFound)
	ov, ovn := sp("other-vm")
	check("resolve another vm's queue name", proxyResolveSharedQueue(ov, ovn, qn, qnn, u32(&rid)), notFound)
	check("resolve name out of memory", proxyResolveSharedQueue(vm, vmn, bad, 4, u32(&rid)), invalidMemory)
	check("dequeue empty", proxyDequeueSharedQueue(queueID, u32(&p), u32(&n)), empty)
	check("dequeue unknown queue", proxyDequeueSharedQueue(9999, u32(&p), u32(&n)), notFound)
	check("dequeue return out of memory", proxyDequeueSharedQueue(queueID, bad, u32(&n)), invalidMemory)
	v1, v1n := sp("one")
	check("enqueue unknown queue", proxyEnqueueSharedQueue(9999, v1, v1n), notFound)
	check("enqueue value out of memory", proxyEnqueueSharedQueue(queueID, bad, 4), invalidMemory)
	check("enqueue", proxyEnqueueSharedQueue(queueID, v1, v1n), ok)
	check("dequeue", proxyDequeueSharedQueue(queueID, u32(&p), u32(&n)), ok)
	expect("dequeued value", view(p, n) == "one")
	ping, pingn := sp("ping")
	check("enqueue for on_queue_ready", proxyEnqueueSharedQueue(queueID, ping, pingn), ok)
}

func metricChecks() {
	cn, cnn := sp("conformance_total")
	var cid, gid, hid, again uint32
	check("define counter", proxyDefineMetric(0, cn, cnn, u32(&cid)), ok)
	check("define counter again", proxyDefineMetric(0, cn, cnn, u32(&again)), ok)
	expect("same name, same id", again == cid)
	check("define same name as gauge", proxyDefineMetric(1, cn, cnn, u32(&again)), badArgument)
	check("define unknown type", proxyDefineMetric(3, cn, cnn, u32(&again)), badArgument)
	check("define name out of memory", proxyDefineMetric(0, bad, 8, u32(&again)), invalidMemory)
	check("define return out of memory", proxyDefineMetric(0, cn, cnn, bad), invalidMemory)
	check("increment counter", proxyIncrementMetric(cid, 5), ok)
	check("decrement counter", proxyIncrementMetric(cid, -1), badArgument)
	check("increment counter by zero", proxyIncrementMetric(cid, 0), badArgument)
	check("record counter adds", proxyRecordMetric(cid, 10), ok)
	var val uint64
	check("get counter", proxyGetMetric(cid, unsafe.Pointer(&val)), ok)
	expect("counter value", val == 15)
	gn, gnn := sp("conformance.gauge")
	check("define gauge", proxyDefineMetric(1, gn, gnn, u32(&gid)), ok)
	check("record gauge", proxyRecordMetric(gid, 42), ok)
	check("gauge down", proxyIncrementMetric(gid, -2), ok)
	check("get gauge", proxyGetMetric(gid, unsafe.Pointer(&val)), ok)
	expect("gauge value", val == 40)
	hn, hnn := sp("conformance_histogram")
	check("define histogram", proxyDefineMetric(2, hn, hnn, u32(&hid)), ok)
	check("record histogram", proxyRecordMetric(hid, 7), ok)
	check("increment histogram", proxyIncrementMetric(hid, 1), badArgument)
	check("get histogram", proxyGetMetric(hid, unsafe.Pointer(&val)), badArgument)
	check("increment unknown metric", proxyIncrementMetric(9999, 1), notFound)
	check("record unknown metric", proxyRecordMetric(9999, 1), notFound)
	check("get unknown metric", proxyGetMetric(9999, unsafe.Pointer(&val)), notFound)
	check("get metric bad pointer", proxyGetMetric(cid, bad), invalidMemory)
}
