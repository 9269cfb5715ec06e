package main

// Streams: what a request does depends on its x-mode header.
//
//	continue   header map and property checks, continue with changed headers
//	local      answer locally (403)
//	call       http call to cluster "echo", paused until its callback continues
//	calldeny   http call, paused until its callback answers locally (401)
//	wrongdir   continue the response while the request is paused: stays paused
//	body       buffer the body, then prepend, append and replace in it
//	close      proxy_close_stream: the stream is reset
//	trap       a nil map write: the Go runtime panics, the module traps
//	exit       proc_exit(3) from on_request_headers

var (
	modes   = map[uint32]string{}
	callFor = map[uint32]uint32{} // call id -> stream id
)

func header(mapID uint32, name string) (string, uint32) {
	var p, n uint32
	k, kn := sp(name)
	st := proxyGetHeaderMapValue(mapID, k, kn, u32(&p), u32(&n))
	return view(p, n), st
}

func property(path string) (string, uint32) {
	var p, n uint32
	k, kn := sp(path)
	st := proxyGetProperty(k, kn, u32(&p), u32(&n))
	return view(p, n), st
}

//go:wasmexport proxy_on_request_headers
func onRequestHeaders(id, numHeaders, eos uint32) uint32 {
	mode, _ := header(0, "x-mode")
	modes[id] = mode
	switch mode {
	case "continue":
		streamChecks(id, numHeaders)
		return 0
	case "local":
		d, dn := sp("denied_by_conformance")
		body, bn := sp("no")
		h := serialize([][2]string{{"x-reason", "test"}})
		check("local response status 99", proxySendLocalResponse(99, d, dn, body, bn, bp(h), uint32(len(h)), -1), badArgument)
		check("local response malformed headers", proxySendLocalResponse(403, d, dn, body, bn, bp([]byte{5, 0, 0, 0}), 4, -1), badArgument)
		check("local response headers out of memory", proxySendLocalResponse(403, d, dn, body, bn, bad, 16, -1), invalidMemory)
		check("local response details out of memory", proxySendLocalResponse(403, bad, 4, body, bn, bp(h), uint32(len(h)), -1), invalidMemory)
		check("local response", proxySendLocalResponse(403, d, dn, body, bn, bp(h), uint32(len(h)), -1), ok)
		return 0 // the local response wins over CONTINUE, as in Envoy
	case "call", "calldeny":
		cl, cln := sp("echo")
		hs := serialize([][2]string{{":method", "POST"}, {":path", "/lookup?q=1"}, {":authority", "echo.internal"}, {"x-call", "yes"}})
		body, bn := sp("question")
		var cid uint32
		check("http call", proxyHTTPCall(cl, cln, bp(hs), uint32(len(hs)), body, bn, nil, 0, 2000, u32(&cid)), ok)
		callFor[cid] = id
		return 1
	case "wrongdir":
		check("continue the response during the request", proxyContinueStream(1), ok)
		return 1
	case "close":
		check("close the request", proxyCloseStream(0), ok)
		return 1
	case "trap":
		var m map[string]int
		m["boom"]++
	case "exit":
		procExit(3)
	}
	return 0
}

func streamChecks(id, numHeaders uint32) {
	var p, n uint32
	check("get all request headers", proxyGetHeaderMapPairs(0, u32(&p), u32(&n)), ok)
	pairs := view(p, n)
	expect("pair count", len(pairs) >= 4 && uint32(pairs[0]) == numHeaders)
	var size uint32
	check("header map size", proxyGetHeaderMapSize(0, u32(&size)), ok)
	expect("header map size matches pairs", size == n)
	check("header map size out of memory", proxyGetHeaderMapSize(0, bad), invalidMemory)
	v, st := header(0, ":path")
	check("get :path", st, ok)
	expect(":path value", v == "/conformance?x=1")
	v, st = header(0, "X-Mode")
	check("header names match without case", st, ok)
	expect("x-mode value", v == "continue")
	_, st = header(0, "x-absent")
	check("absent header", st, notFound)
	v, _ = header(0, "x-replaced")
	expect("a repeated header reads its first value, as in Envoy", v == "old")
	k, kn := sp("X-Added")
	a, an := sp("one")
	b, bnn := sp("two")
	check("add header", proxyAddHeaderMapValue(0, k, kn, a, an), ok)
	check("add header twice", proxyAddHeaderMapValue(0, k, kn, b, bnn), ok)
	v, _ = header(0, "x-added")
	expect("added header", v == "one")
	r, rn := sp("x-replaced")
	check("replace header", proxyReplaceHeaderMapValue(0, r, rn, a, an), ok)
	nw, nwn := sp("x-new")
	check("replace an absent header adds it", proxyReplaceHeaderMapValue(0, nw, nwn, a, an), ok)
	rm, rmn := sp("x-remove-me")
	check("remove header", proxyRemoveHeaderMapValue(0, rm, rmn), ok)
	check("remove absent header", proxyRemoveHeaderMapValue(0, nw, 0), ok)
	check("set pairs malformed", proxySetHeaderMapPairs(0, bp([]byte{3, 0, 0, 0, 1}), 5), badArgument)
	check("set pairs out of memory", proxySetHeaderMapPairs(0, bad, 16), invalidMemory)
	check("header key out of memory", proxyAddHeaderMapValue(0, bad, 4, a, an), invalidMemory)
	check("header value out of memory", proxyAddHeaderMapValue(0, k, kn, bad, 4), invalidMemory)
	check("header value size overflowing", proxyAddHeaderMapValue(0, k, kn, a, 0xFFFFFFFF), invalidMemory)
	check("header pairs return out of memory", proxyGetHeaderMapPairs(0, bad, u32(&n)), invalidMemory)
	check("header value return out of memory", proxyGetHeaderMapValue(0, r, rn, u32(&p), bad), invalidMemory)
	check("response headers before the response", proxyGetHeaderMapValue(2, k, kn, u32(&p), u32(&n)), badArgument)
	check("call response map outside its callback", proxyAddHeaderMapValue(6, k, kn, a, an), badArgument)
	check("request body is readable and empty", proxyGetBufferBytes(0, 0, 10, u32(&p), u32(&n)), ok)
	expect("empty body", n == 0)
	check("set effective context to this stream", proxySetEffectiveContext(id), ok)
	if deleted != 0 {
		check("set effective context to a deleted stream", proxySetEffectiveContext(deleted), badArgument)
		check("back to this stream", proxySetEffectiveContext(id), ok)
	}
	propertyStreamChecks()
}

// propertyStreamChecks reads the attributes of the stream in Envoy's
// encodings: strings as bytes, integers as 8 bytes little-endian, booleans
// as one byte.
func propertyStreamChecks() {
	for _, c := range [][2]string{
		{"request\x00path", "/conformance?x=1"}, {"request\x00url_path", "/conformance"}, {"request\x00query", "x=1"},
		{"request\x00method", "POST"}, {"request\x00host", "app"}, {"request\x00scheme", "https"},
		{"request\x00headers\x00x-mode", "continue"}, {"source\x00address", "127.0.0.1:40000"},
		{"destination\x00address", "127.0.0.1:8443"}, {"connection\x00tls_version", "TLSv1.3"},
		{"connection\x00uri_san_peer_certificate", "spiffe://conformance.test/ns/a/sa/b"},
		{"connection\x00requested_server_name", "app.test"}, {"plugin_name", "conformance"},
	} {
		v, st := property(c[0])
		check("property "+c[0], st, ok)
		expect("property "+c[0]+" value", v == c[1])
	}
	for _, c := range []struct {
		path string
		want uint64
	}{{"source\x00port", 40000}, {"destination\x00port", 8443}} {
		v, st := property(c.path)
		check("property "+c.path, st, ok)
		expect("property "+c.path+" is 8-byte little-endian", len(v) == 8 && le64(v) == c.want)
	}
	v, _ := property("connection\x00mtls")
	expect("connection.mtls is one byte, true", v == "\x01")
	v, _ = property("request\x00time")
	expect("request.time is 8 bytes of nanoseconds", len(v) == 8 && le64(v) > 1577836800e9)
	v, st := property("request\x00headers")
	check("property request.headers", st, ok)
	expect("request.headers is a serialized map", len(v) > 4 && v[0] == 9)
	_, st = property("response\x00code")
	check("response.code before the response", st, notFound)
	sk, skn := sp("palisade\x00conformance")
	sv, svn := sp("set")
	check("set property", proxySetProperty(sk, skn, sv, svn), ok)
	v, st = property("palisade\x00conformance")
	check("read back a set property", st, ok)
	expect("set property value", v == "set")
}

//go:wasmexport proxy_on_request_body
func onRequestBody(id, size, eos uint32) uint32 {
	if modes[id] != "body" {
		return 0
	}
	if eos == 0 {
		return 1 // buffer until the end
	}
	var p, n, st uint32
	check("get request body", proxyGetBufferBytes(0, 0, size, u32(&p), u32(&n)), ok)
	expect("body is everything buffered", view(p, n) == "abcd")
	check("buffer status", proxyGetBufferStatus(0, u32(&st), u32(&n)), ok)
	expect("buffer status size", st == size)
	check("buffer status flags out of memory", proxyGetBufferStatus(0, u32(&st), bad), invalidMemory)
	l, ln := sp("<")
	g, gn := sp(">")
	check("prepend to body", proxySetBufferBytes(0, 0, 0, l, ln), ok)
	check("append to body", proxySetBufferBytes(0, 0xFFFFFFFF, 0, g, gn), ok)
	sq, sqn := sp("[")
	check("replace the first byte", proxySetBufferBytes(0, 0, 1, sq, sqn), ok)
	xy, xyn := sp("XY")
	check("replace in the middle", proxySetBufferBytes(0, 1, 2, xy, xyn), ok)
	check("body value out of memory", proxySetBufferBytes(0, 0, 0, bad, 4), invalidMemory)
	check("body value size overflowing", proxySetBufferBytes(0, 0, 0, l, 0xFFFFFFFF), invalidMemory)
	check("read the rewritten body", proxyGetBufferBytes(0, 0, 100, u32(&p), u32(&n)), ok)
	expect("rewritten body", view(p, n) == "[XYcd>")
	return 0
}

//go:wasmexport proxy_on_request_trailers
func onRequestTrailers(id, n uint32) uint32 {
	v, st := header(1, "x-trailer")
	check("request trailer", st, ok)
	expect("request trailer value", v == "t")
	k, kn := sp("x-trailer-added")
	tv, tvn := sp("yes")
	check("add request trailer", proxyAddHeaderMapValue(1, k, kn, tv, tvn), ok)
	return 0
}

//go:wasmexport proxy_on_response_headers
func onResponseHeaders(id, n, eos uint32) uint32 {
	k, kn := sp("x-conformance")
	v, vn := sp("seen")
	check("add response header", proxyAddHeaderMapValue(2, k, kn, v, vn), ok)
	code, st := property("response\x00code")
	check("property response.code", st, ok)
	expect("response.code is 8-byte little-endian 200", len(code) == 8 && le64(code) == 200)
	return 0
}

//go:wasmexport proxy_on_response_body
func onResponseBody(id, size, eos uint32) uint32 {
	var p, n uint32
	check("get response body", proxyGetBufferBytes(1, 0, size, u32(&p), u32(&n)), ok)
	expect("response body", view(p, n) == "hello")
	up, upn := sp("HELLO")
	check("replace the response body", proxySetBufferBytes(1, 0, size, up, upn), ok)
	return 0
}

//go:wasmexport proxy_on_response_trailers
func onResponseTrailers(id, n uint32) uint32 {
	k, kn := sp("x-response-trailer")
	v, vn := sp("r")
	check("replace response trailer", proxyReplaceHeaderMapValue(3, k, kn, v, vn), ok)
	return 0
}

//go:wasmexport proxy_on_http_call_response
func onHTTPCallResponse(root, callID, numHeaders, bodySize, numTrailers uint32) {
	sid, known := callFor[callID]
	delete(callFor, callID)
	expect("call response for a known call", known)
	expect("call response goes to the root context", root == rootID)
	expect("call response has headers", numHeaders > 0)
	status, st := header(6, ":status")
	check("call response :status", st, ok)
	echoed, _ := header(6, "x-echo")
	var p, n, size uint32
	check("call response headers size", proxyGetHeaderMapSize(6, u32(&size)), ok)
	xk, xkn := sp("x")
	check("call response headers are read-only", proxyAddHeaderMapValue(6, xk, xkn, xk, xkn), badArgument)
	check("call response trailers", proxyGetHeaderMapPairs(7, u32(&p), u32(&n)), ok)
	check("call response body", proxyGetBufferBytes(4, 0, bodySize, u32(&p), u32(&n)), ok)
	body := view(p, n)
	check("call response body is read-only", proxySetBufferBytes(4, 0, 0, nil, 0), badArgument)
	var code uint32
	check("get status in a call response", proxyGetStatus(u32(&code), u32(&p), u32(&n)), ok)
	expect("get status code", code == 200)
	check("get status code out of memory", proxyGetStatus(bad, u32(&p), u32(&n)), invalidMemory)
	check("request headers of no stream in the callback", proxyGetHeaderMapValue(0, xk, xkn, u32(&p), u32(&n)), badArgument)
	check("set effective context to the stream", proxySetEffectiveContext(sid), ok)
	if modes[sid] == "calldeny" {
		d, dn := sp("denied_after_call")
		h := serialize([][2]string{{"www-authenticate", "Bearer"}})
		b, bn := sp(body)
		check("local response from the callback", proxySendLocalResponse(401, d, dn, b, bn, bp(h), uint32(len(h)), -1), ok)
		return
	}
	h, hn := sp("x-called")
	v, vn := sp(status + " " + echoed + " " + body)
	check("add header after the call", proxyAddHeaderMapValue(0, h, hn, v, vn), ok)
	check("continue the response: the request stays paused", proxyContinueStream(1), ok)
	check("continue the stream", proxyContinueStream(0), ok)
}

//go:wasmexport proxy_on_done
func onDone(id uint32) uint32 { return 1 }

//go:wasmexport proxy_on_log
func onLog(id uint32) {
	if id == rootID {
		return
	}
	_, st := header(0, ":path")
	check("request headers readable in on_log", st, ok)
}

//go:wasmexport proxy_on_delete
func onDelete(id uint32) {
	delete(modes, id)
	if id != rootID {
		deleted = id
	}
}
