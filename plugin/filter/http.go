package filter

import (
	"github.com/palisade-wasm/palisade/plugin/config"
	"github.com/tetratelabs/proxy-wasm-go-sdk/proxywasm/types"
)

// httpContext handles one HTTP stream.
type httpContext struct {
	types.DefaultHttpContext
	id     uint32
	plugin *pluginContext
	cfg    *config.Config
}

// OnHttpRequestHeaders counts the request. A stream that started before
// any configuration was accepted is refused: the filter fails closed.
func (h *httpContext) OnHttpRequestHeaders(int, bool) types.Action {
	h.plugin.metrics.requests.Increment(1)
	if h.cfg == nil {
		h.plugin.log.error("request refused: no configuration in force")
		return h.plugin.failClosed()
	}
	h.plugin.log.debug("request headers")
	return types.ActionContinue
}
