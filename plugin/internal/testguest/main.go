// Command testguest is a small proxy-wasm plugin for the gateway's tests,
// built on Palisade's own ABI binding. What it does depends on the path:
//
//	/call/...    dispatches an http call to cluster "backend" (GET /lookup)
//	             and pauses; the answer resumes the request with
//	             x-lookup: <status>, a failed call answers 503
//	/pause/...   pauses and never resumes (the host must fail it closed)
//	/exit/...    calls proc_exit: the VM is gone
//	/panic/...   panics (the binding answers 500, the VM lives on)
//	/facade/...  exercises every facade function the paths above do not,
//	             reporting each result in an x-facade-* request header
//	anything else continues
package main

import (
	"errors"
	"os"
	"strconv"
	"strings"

	"github.com/palisade-wasm/palisade/plugin/internal/abi"
	"github.com/tetratelabs/proxy-wasm-go-sdk/proxywasm/types"
)

func init() { abi.SetVMContext(&vm{}) }

func main() {}

type vm struct{ types.DefaultVMContext }

func (*vm) NewPluginContext(uint32) types.PluginContext { return &plugin{} }

type plugin struct{ types.DefaultPluginContext }

func (*plugin) NewHttpContext(uint32) types.HttpContext { return &stream{} }

type stream struct {
	types.DefaultHttpContext
	facade bool
}

func (s *stream) OnHttpRequestHeaders(_ int, endOfStream bool) types.Action {
	path, err := abi.GetHttpRequestHeader(":path")
	if err != nil {
		return types.ActionContinue
	}
	switch {
	case strings.HasPrefix(path, "/call/"):
		_, err := abi.DispatchHttpCall("backend", [][2]string{{":method", "GET"}, {":path", "/lookup"}, {":authority", "backend"}},
			nil, nil, 2000, func(numHeaders, bodySize, numTrailers int) {
				if numHeaders == 0 {
					abi.SendHttpResponse(503, nil, []byte("lookup failed"), -1)
					return
				}
				st, _ := abi.GetHttpCallResponseHeaders()
				status := ""
				for _, kv := range st {
					if kv[0] == ":status" {
						status = kv[1]
					}
				}
				body, _ := abi.GetHttpCallResponseBody(0, bodySize)
				abi.AddHttpRequestHeader("x-lookup", status+" "+strconv.Itoa(len(body)))
				abi.ResumeHttpRequest()
			})
		if err != nil {
			abi.SendHttpResponse(500, nil, []byte("dispatch failed"), -1)
		}
		return types.ActionPause
	case strings.HasPrefix(path, "/pause/"):
		return types.ActionPause
	case strings.HasPrefix(path, "/exit/"):
		os.Exit(3)
	case strings.HasPrefix(path, "/panic/"):
		var m map[string]int
		m["boom"]++
	case strings.HasPrefix(path, "/facade/"):
		s.facade = true
		facadeRequest()
		if !endOfStream {
			return types.ActionContinue
		}
	}
	return types.ActionContinue
}

// report records one facade check as a request header.
func report(name string, err error, got string) {
	v := got
	if err != nil {
		v = "error: " + err.Error()
	}
	abi.AddHttpRequestHeader("x-facade-"+name, v)
}

func facadeRequest() {
	all, err := abi.GetHttpRequestHeaders()
	err2 := abi.ReplaceHttpRequestHeaders(append(all, [2]string{"x-set-pairs", "yes"}))
	report("pairs", err, strconv.Itoa(len(all)))
	report("set-pairs", err2, "ok")
	err = abi.SetProperty([]string{"palisade", "facade"}, []byte("prop"))
	v, err2 := abi.GetProperty([]string{"palisade", "facade"})
	if err == nil {
		err = err2
	}
	report("property", err, string(v))
	_, err = abi.GetProperty([]string{"no", "such"})
	report("property-missing", nil, strconv.FormatBool(errors.Is(err, types.ErrorStatusNotFound)))
	err = abi.SetSharedData("facade", []byte("shared"), 0)
	d, cas, err2 := abi.GetSharedData("facade")
	if err == nil {
		err = err2
	}
	report("shared", err, string(d))
	err = abi.SetSharedData("facade", []byte("stale"), cas+1)
	report("cas-mismatch", nil, strconv.FormatBool(errors.Is(err, types.ErrorStatusCasMismatch)))
	c := abi.DefineCounterMetric("facade_counter")
	c.Increment(3)
	g := abi.DefineGaugeMetric("facade_gauge")
	g.Add(5)
	g.Add(-2)
	h := abi.DefineHistogramMetric("facade_histogram")
	h.Record(7)
	report("metrics", nil, strconv.FormatUint(c.Value(), 10)+" "+strconv.FormatInt(g.Value(), 10))
	report("tick", abi.SetTickPeriodMilliSeconds(0), "ok")
	abi.LogTrace("facade trace")
	abi.LogDebug("facade debug")
	abi.LogInfo("facade info")
	abi.LogWarn("facade warn")
	abi.LogError("facade error")
	abi.LogCritical("facade critical")
}

func (s *stream) OnHttpRequestBody(size int, endOfStream bool) types.Action {
	if !s.facade {
		return types.ActionContinue
	}
	if !endOfStream {
		return types.ActionPause
	}
	body, err := abi.GetHttpRequestBody(0, size)
	if err == nil {
		err = abi.ReplaceHttpRequestBody([]byte("[" + string(body) + "]"))
	}
	if err == nil {
		err = abi.AppendHttpRequestBody([]byte("+"))
	}
	if err != nil {
		abi.SendHttpResponse(500, nil, []byte(err.Error()), -1)
		return types.ActionPause
	}
	return types.ActionContinue
}

func (s *stream) OnHttpRequestTrailers(int) types.Action {
	if s.facade {
		t, err := abi.GetHttpRequestTrailers()
		if err == nil && len(t) > 0 {
			abi.AddHttpRequestHeader("x-facade-trailers", t[0][0])
		}
	}
	return types.ActionContinue
}

func (s *stream) OnHttpResponseHeaders(int, bool) types.Action {
	if !s.facade {
		return types.ActionContinue
	}
	st, err := abi.GetHttpResponseHeader(":status")
	if err == nil {
		err = abi.AddHttpResponseHeader("x-facade-status", st)
	}
	if err == nil {
		err = abi.ReplaceHttpResponseHeader("server", "facade")
	}
	if err == nil {
		err = abi.RemoveHttpResponseHeader("x-drop")
	}
	all, err2 := abi.GetHttpResponseHeaders()
	if err == nil {
		err = err2
	}
	if err == nil {
		err = abi.ReplaceHttpResponseHeaders(append(all, [2]string{"x-facade-count", strconv.Itoa(len(all))}))
	}
	if err != nil {
		abi.SendHttpResponse(500, nil, []byte(err.Error()), -1)
		return types.ActionPause
	}
	return types.ActionContinue
}

func (s *stream) OnHttpResponseBody(size int, endOfStream bool) types.Action {
	if !s.facade {
		return types.ActionContinue
	}
	if !endOfStream {
		return types.ActionPause
	}
	body, err := abi.GetHttpResponseBody(0, size)
	if err == nil {
		err = abi.ReplaceHttpResponseBody([]byte("<" + string(body) + ">"))
	}
	if err == nil {
		err = abi.AppendHttpResponseBody([]byte("!"))
	}
	if err != nil {
		return types.ActionContinue
	}
	return types.ActionContinue
}

func (s *stream) OnHttpResponseTrailers(int) types.Action {
	if s.facade {
		if t, err := abi.GetHttpResponseTrailers(); err == nil && len(t) > 0 {
			abi.LogInfo("facade response trailer " + t[0][0])
		}
	}
	return types.ActionContinue
}
