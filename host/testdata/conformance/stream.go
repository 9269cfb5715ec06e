package main

// Streams: what a request does depends on its x-mode header.
//
//	continue  header map checks, then continue with changed headers
//	local     answer locally (403)
//	call      http call to cluster "echo", paused until its answer
//	body      buffer the body and wrap it in <...>
//	trap      a Go panic: the runtime exits, the VM is gone

var (
	modes   = map[uint32]string{}
	callFor = map[uint32]uint32{} // call id -> stream id
)

func header(name string) (string, uint32) {
	var p, n uint32
	k, kn := sp(name)
	st := proxyGetHeaderMapValue(0, k, kn, u32(&p), u32(&n))
	return view(p, n), st
}

//go:wasmexport proxy_on_request_headers
func onRequestHeaders(id, numHeaders, eos uint32) uint32 {
	mode, _ := header("x-mode")
	modes[id] = mode
	switch mode {
	case "continue":
		streamChecks(numHeaders)
		return 0
	case "local":
		d, dn := sp("denied_by_conformance")
		body, bn := sp("no")
		h := serialize([][2]string{{"x-reason", "test"}})
		check("local response status 99", proxySendLocalResponse(99, d, dn, body, bn, bp(h), uint32(len(h)), -1), badArgument)
		check("local response malformed headers", proxySendLocalResponse(403, d, dn, body, bn, bp([]byte{5, 0, 0, 0}), 4, -1), badArgument)
		check("local response", proxySendLocalResponse(403, d, dn, body, bn, bp(h), uint32(len(h)), -1), ok)
		return 1
	case "call":
		cl, cln := sp("echo")
		hs := serialize([][2]string{{":method", "GET"}, {":path", "/lookup"}, {":authority", "echo"}})
		var cid uint32
		check("http call", proxyHTTPCall(cl, cln, bp(hs), uint32(len(hs)), nil, 0, nil, 0, 2000, u32(&cid)), ok)
		callFor[cid] = id
		return 1
	case "body":
		return 0
	case "trap":
		var m map[string]int
		m["boom"]++
	}
	return 0
}

func streamChecks(numHeaders uint32) {
	var p, n uint32
	check("get all request headers", proxyGetHeaderMapPairs(0, u32(&p), u32(&n)), ok)
	pairs := view(p, n)
	expect("pair count", len(pairs) >= 4 && uint32(pairs[0]) == numHeaders)
	var size uint32
	check("header map size", proxyGetHeaderMapSize(0, u32(&size)), ok)
	expect("header map size matches pairs", size == n)
	v, st := header(":path")
	check("get :path", st, ok)
	expect(":path value", v == "/conformance")
	_, st = header("x-absent")
	check("absent header", st, notFound)
	k, kn := sp("x-added")
	a, an := sp("one")
	b, bnn := sp("two")
	check("add header", proxyAddHeaderMapValue(0, k, kn, a, an), ok)
	check("add header twice", proxyAddHeaderMapValue(0, k, kn, b, bnn), ok)
	v, _ = header("x-added")
	expect("repeated header joined", v == "one,two")
	r, rn := sp("x-replaced")
	check("replace header", proxyReplaceHeaderMapValue(0, r, rn, a, an), ok)
	rm, rmn := sp("x-remove-me")
	check("remove header", proxyRemoveHeaderMapValue(0, rm, rmn), ok)
	check("remove absent header", proxyRemoveHeaderMapValue(0, k, 0), ok)
	check("set pairs malformed", proxySetHeaderMapPairs(0, bp([]byte{3, 0, 0, 0, 1}), 5), badArgument)
	check("header key out of memory", proxyAddHeaderMapValue(0, bad, 4, a, an), invalidMemory)
	check("header value out of memory", proxyAddHeaderMapValue(0, k, kn, bad, 4), invalidMemory)
	check("header pairs return out of memory", proxyGetHeaderMapPairs(0, bad, u32(&n)), invalidMemory)
	check("response headers before the response", proxyGetHeaderMapValue(2, k, kn, u32(&p), u32(&n)), notFound)
	check("call response map is read-only", proxyAddHeaderMapValue(6, k, kn, a, an), notFound)
	pk, pkn := sp("request\x00path")
	check("property request.path", proxyGetProperty(pk, pkn, u32(&p), u32(&n)), ok)
	expect("request.path value", view(p, n) == "/conformance")
	sk, skn := sp("source\x00port")
	check("property source.port", proxyGetProperty(sk, skn, u32(&p), u32(&n)), ok)
	raw := view(p, n)
	expect("source.port is 8-byte little-endian", len(raw) == 8 && raw[0] == byte(40000&0xff) && raw[1] == byte(40000>>8))
	mk, mkn := sp("connection\x00mtls")
	check("property connection.mtls", proxyGetProperty(mk, mkn, u32(&p), u32(&n)), ok)
	raw = view(p, n)
	expect("connection.mtls is one byte, true", len(raw) == 1 && raw[0] == 1)
	uk, ukn := sp("connection\x00uri_san_peer_certificate")
	check("property uri san", proxyGetProperty(uk, ukn, u32(&p), u32(&n)), ok)
	expect("uri san value", view(p, n) == "spiffe://conformance.test/ns/a/sa/b")
}

//go:wasmexport proxy_on_request_body
func onRequestBody(id, size, eos uint32) uint32 {
	if modes[id] != "body" {
		return 0
	}
	if eos == 0 {
		return 1 // buffer until the end
	}
	var p, n uint32
	check("get request body", proxyGetBufferBytes(0, 0, size, u32(&p), u32(&n)), ok)
	expect("body size", n == size)
	var st uint32
	check("buffer status", proxyGetBufferStatus(0, u32(&st), u32(&n)), ok)
	expect("buffer status size", st == size)
	l, ln := sp("<")
	g, gn := sp(">")
	check("prepend to body", proxySetBufferBytes(0, 0, 0, l, ln), ok)
	check("append to body", proxySetBufferBytes(0, 0xFFFFFFFF, 0, g, gn), ok)
	check("body value out of memory", proxySetBufferBytes(0, 0, 0, bad, 4), invalidMemory)
	return 0
}

//go:wasmexport proxy_on_response_headers
func onResponseHeaders(id, n, eos uint32) uint32 {
	k, kn := sp("x-conformance")
	v, vn := sp("seen")
	check("add response header", proxyAddHeaderMapValue(2, k, kn, v, vn), ok)
	return 0
}

//go:wasmexport proxy_on_http_call_response
func onHTTPCallResponse(root, callID, numHeaders, bodySize, numTrailers uint32) {
	sid, known := callFor[callID]
	expect("call response for a known call", known)
	expect("call response goes to the root context", root == rootID)
	var p, n uint32
	k, kn := sp(":status")
	check("call response :status", proxyGetHeaderMapValue(6, k, kn, u32(&p), u32(&n)), ok)
	status := view(p, n)
	check("call response body", proxyGetBufferBytes(4, 0, bodySize, u32(&p), u32(&n)), ok)
	body := view(p, n)
	var code uint32
	check("get status in a call response", proxyGetStatus(u32(&code), u32(&p), u32(&n)), ok)
	expect("get status code", code == 200)
	check("set effective context to the stream", proxySetEffectiveContext(sid), ok)
	h, hn := sp("x-called")
	v, vn := sp(status + " " + body)
	check("add header after the call", proxyAddHeaderMapValue(0, h, hn, v, vn), ok)
	check("continue the stream", proxyContinueStream(0), ok)
}

//go:wasmexport proxy_on_done
func onDone(id uint32) uint32 { return 1 }

//go:wasmexport proxy_on_log
func onLog(id uint32) {}

//go:wasmexport proxy_on_delete
func onDelete(id uint32) { delete(modes, id) }
