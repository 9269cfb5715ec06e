package filter

import (
	"time"

	"github.com/palisade-wasm/palisade/plugin/config"
	"github.com/palisade-wasm/palisade/plugin/internal/abi"
	"github.com/palisade-wasm/palisade/plugin/provider"
	"github.com/palisade-wasm/palisade/policies"
	"github.com/tetratelabs/proxy-wasm-go-sdk/proxywasm/types"
)

// pluginContext is the root context: it holds the configuration in force
// and the metrics, and makes one httpContext per stream.
type pluginContext struct {
	types.DefaultPluginContext
	id      uint32
	cfg     *config.Config // nil until a configuration was accepted
	log     logger
	metrics metrics
	// discoveryMetrics count OIDC discovery fetches (see discovery.go).
	discoveryMetrics discoveryMetrics

	// cache holds verified tokens; remotes the key-fetching state of each
	// provider with remote_jwks; waiting the streams paused for keys.
	cache       *provider.Cache
	fingerprint uint32 // of the configuration in force: keys the proxy-wide cache
	remotes     map[*provider.Provider]*provider.Remote
	waiting     []*httpContext

	// decision is the policy input, reused by every request of this VM.
	decision policies.Request

	// free holds stream contexts the host has deleted, for reuse: inside
	// wasm an allocation costs microseconds, more than the rest of a
	// tokenless request.
	free []*httpContext

	// reply is storage for local responses.
	reply replyStorage

	// peers remembers the service identity of the last peer certificates'
	// URI SANs, so that a caller seen again costs no parsing.
	peers peerMemo

	tick uint32 // the tick period asked of the host, ms (0: none)
}

// maxFree bounds the contexts kept for reuse (a burst of concurrent
// streams leaves at most this many behind).
const maxFree = 256

// Verified tokens kept per VM, and for how long at most (a token's own
// exp ends its entry sooner).
const (
	cacheEntries = 4096
	cacheTTL     = 5 * time.Minute
)

func newPluginContext(id uint32) *pluginContext {
	return &pluginContext{id: id, log: logger{level: config.LevelInfo}}
}

// OnPluginStart reads and validates the plugin configuration. A bad one is
// refused whole, with a log line naming the field; when a configuration is
// already in force (a reload), it stays in force.
func (p *pluginContext) OnPluginStart(size int) types.OnPluginStartStatus {
	if !p.metrics.defined {
		p.metrics = defineMetrics()
		p.discoveryMetrics = defineDiscoveryMetrics()
	}
	var raw []byte
	if size > 0 {
		var err error
		raw, err = abi.GetPluginConfiguration()
		if err != nil {
			p.log.error("read plugin configuration: " + err.Error())
			p.metrics.configRejected.Increment(1)
			p.metrics.configLoads.inc("rejected", "")
			return types.OnPluginStartStatusFailed
		}
	}
	cfg, err := config.Parse(raw)
	if err != nil {
		p.log.error(err.Error())
		p.metrics.configRejected.Increment(1)
		p.metrics.configLoads.inc("rejected", "")
		return types.OnPluginStartStatusFailed
	}
	p.cfg = cfg
	p.log.level = cfg.LogLevel
	// A new configuration starts from clean caches: its providers and keys
	// are new objects, and a token verified under the old one must be
	// verified again under the new.
	p.cache = provider.NewCache(cacheEntries, cacheTTL)
	p.fingerprint = provider.Fingerprint(raw)
	p.remotes = map[*provider.Provider]*provider.Remote{}
	p.startRemotes()
	p.prepareReplayCache()
	p.metrics.configAccepted.Increment(1)
	p.metrics.configLoads.inc("accepted", "")
	p.log.info("configuration accepted")
	return types.OnPluginStartStatusOK
}

// NewHttpContext returns the context of one request. It sees the
// configuration in force when the request started, even if a new one
// arrives while it runs.
func (p *pluginContext) NewHttpContext(contextID uint32) types.HttpContext {
	if n := len(p.free); n > 0 {
		h := p.free[n-1]
		p.free[n-1] = nil
		p.free = p.free[:n-1]
		h.id, h.cfg = contextID, p.cfg // renewed when the host deleted it
		return h
	}
	return &httpContext{id: contextID, plugin: p, cfg: p.cfg}
}
