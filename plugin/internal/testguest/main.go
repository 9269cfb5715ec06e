// Command testguest is a small proxy-wasm plugin for the gateway's tests,
// built on Palisade's own ABI binding. What it does depends on the path:
//
//	/call/...    dispatches an http call to cluster "backend" (GET /lookup)
//	             and pauses; the answer resumes the request with
//	             x-lookup: <status>, a failed call answers 503
//	/pause/...   pauses and never resumes (the host must fail it closed)
//	/exit/...    calls proc_exit: the VM is gone
//	/panic/...   panics (the binding answers 500, the VM lives on)
//	anything else continues
package main

import (
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

type stream struct{ types.DefaultHttpContext }

func (s *stream) OnHttpRequestHeaders(int, bool) types.Action {
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
	}
	return types.ActionContinue
}
