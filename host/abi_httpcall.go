package host

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/tetratelabs/wazero/api"
)

// Cluster is an upstream a plugin may call with proxy_http_call, as an
// Envoy static cluster: a name, one endpoint, a timeout.
type Cluster struct {
	// Endpoint is the base URL requests go to, e.g. "http://127.0.0.1:9000"
	// or "https://idp.internal:8443".
	Endpoint string
	// Timeout caps every call to the cluster (the plugin's own timeout
	// applies when shorter). 0 means 5 s.
	Timeout time.Duration
	// Client sends the requests; nil means a default client. Set one to
	// configure TLS to the upstream.
	Client *http.Client
	// MaxResponseBytes bounds the body read from the upstream; a longer
	// answer fails the call. 0 means 4 MiB.
	MaxResponseBytes int64
}

// callResponse is what proxy_on_http_call_response lets the guest read.
type callResponse struct {
	headers  Headers
	body     []byte
	trailers Headers
	status   int
	message  string
}

// proxyHTTPCall implements proxy_http_call(upstream_name_data,
// upstream_name_size, serialized_headers_data, serialized_headers_size,
// body_data, body_size, serialized_trailers_data, serialized_trailers_size,
// timeout, return_call_id). The request is sent asynchronously; its answer
// (or its failure: no headers) is delivered later with
// proxy_on_http_call_response to the root context.
//
// Result: OK; BAD_ARGUMENT for an unknown cluster or headers lacking
// :method, :path or :authority (as Envoy); INTERNAL_FAILURE when too many
// calls are pending; INVALID_MEMORY_ACCESS.
func proxyHTTPCall(vm *VM, mem api.Memory, p []uint64) status {
	name, ok1 := readString(mem, uint32(p[0]), uint32(p[1]))
	hb, ok2 := readBytes(mem, uint32(p[2]), uint32(p[3]))
	body, ok3 := readBytes(mem, uint32(p[4]), uint32(p[5]))
	_, ok4 := readBytes(mem, uint32(p[6]), uint32(p[7]))
	retID := uint32(p[9])
	if !ok1 || !ok2 || !ok3 || !ok4 || !writable(mem, retID, 4) {
		return statusInvalidMemoryAccess
	}
	cl, ok := vm.cfg.Clusters[name]
	if !ok {
		return statusBadArgument
	}
	h, err := decodeMap(hb)
	if err != nil {
		return statusBadArgument
	}
	method, okm := h.Get(":method")
	path, okp := h.Get(":path")
	authority, oka := h.Get(":authority")
	if !okm || !okp || !oka || !strings.HasPrefix(path, "/") {
		return statusBadArgument
	}
	if len(vm.calls) >= vm.cfg.MaxPendingCalls {
		return statusInternalFailure
	}
	timeout := cl.Timeout
	if timeout == 0 {
		timeout = 5 * time.Second
	}
	if t := time.Duration(uint32(p[8])) * time.Millisecond; t > 0 && t < timeout {
		timeout = t
	}
	req, err := http.NewRequest(method, strings.TrimSuffix(cl.Endpoint, "/")+path, bytes.NewReader(append([]byte(nil), body...)))
	if err != nil {
		return statusBadArgument
	}
	req.Host = authority
	for _, kv := range h {
		if !strings.HasPrefix(kv[0], ":") {
			req.Header.Add(kv[0], kv[1])
		}
	}
	vm.nextCallID++
	id := vm.nextCallID
	vm.calls[id] = struct{}{}
	writeUint32(mem, retID, id)
	go vm.doCall(id, cl, req, timeout)
	return statusOK
}

// doCall performs one http call off the VM and delivers its answer.
func (vm *VM) doCall(id uint32, cl Cluster, req *http.Request, timeout time.Duration) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	client := cl.Client
	if client == nil {
		client = http.DefaultClient
	}
	limit := cl.MaxResponseBytes
	if limit == 0 {
		limit = 4 << 20
	}
	resp, err := client.Do(req.WithContext(ctx))
	var cr *callResponse
	if err == nil {
		body, rerr := io.ReadAll(io.LimitReader(resp.Body, limit+1))
		resp.Body.Close()
		if rerr == nil && int64(len(body)) <= limit {
			cr = &callResponse{status: resp.StatusCode, message: http.StatusText(resp.StatusCode), body: body}
			cr.headers = append(cr.headers, [2]string{":status", strconv.Itoa(resp.StatusCode)})
			for k, vs := range resp.Header {
				for _, v := range vs {
					cr.headers = cr.headers.add(k, v)
				}
			}
			for k, vs := range resp.Trailer {
				for _, v := range vs {
					cr.trailers = cr.trailers.add(k, v)
				}
			}
		}
	}
	if cr == nil {
		cr = &callResponse{message: "upstream call failed"}
	}
	vm.deliverCall(id, cr)
}

// deliverCall runs proxy_on_http_call_response for call id, with the
// answer readable through the call response maps and buffer.
func (vm *VM) deliverCall(id uint32, cr *callResponse) {
	vm.mu.Lock()
	defer vm.mu.Unlock()
	if _, ok := vm.calls[id]; !ok || vm.err != nil {
		return
	}
	delete(vm.calls, id)
	vm.phase = phaseCallResponse
	vm.callResp = cr
	vm.effective = vm.rootID
	vm.call(vm.fnCallResponse, uint64(vm.rootID), uint64(id), uint64(len(cr.headers)), uint64(len(cr.body)), uint64(len(cr.trailers)))
	vm.phase = phaseNone
	vm.callResp = nil
	vm.effective = vm.rootID
}

// PendingCalls returns how many http calls await their answer.
func (vm *VM) PendingCalls() int {
	vm.mu.Lock()
	defer vm.mu.Unlock()
	return len(vm.calls)
}
