package filter

import (
	"github.com/palisade-wasm/palisade/plugin/internal/abi"
	"github.com/tetratelabs/proxy-wasm-go-sdk/proxywasm/types"
)

// failClosed answers the current stream with 500 when the filter cannot
// decide (no configuration, an internal error). The request never reaches
// the upstream.
func (p *pluginContext) failClosed() types.Action {
	p.metrics.failedClosed.Increment(1)
	body := []byte(`{"error":"internal_error","reason":"filter_unavailable"}`)
	headers := [][2]string{{"content-type", "application/json"}}
	if err := abi.SendHttpResponse(500, headers, body, -1); err != nil {
		p.log.error("send local response: " + err.Error())
	}
	return types.ActionPause
}
