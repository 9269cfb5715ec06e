package filter

import (
	"time"

	"github.com/palisade-wasm/palisade/plugin/config"
	"github.com/palisade-wasm/palisade/plugin/internal/abi"
	"github.com/palisade-wasm/palisade/plugin/jwt"
	"github.com/palisade-wasm/palisade/plugin/provider"
	"github.com/palisade-wasm/palisade/plugin/urlpath"
	"github.com/tetratelabs/proxy-wasm-go-sdk/proxywasm/types"
)

// httpContext handles one HTTP stream. It follows the request flow of
// DESIGN.md: read the headers once, make the path safe, strip what a
// client could forge, establish the identities, decide, answer.
type httpContext struct {
	types.DefaultHttpContext
	id     uint32
	plugin *pluginContext
	cfg    *config.Config

	requestID string
	service   serviceIdentity
	thing     thingIdentity
	req       request
	path      string // normalized, without the query
	query     string
	rule      string // the policy rule that allowed the request
	// shadow is what a policy rule in audit mode would have decided
	// (shadow.rule "" when none would have).
	shadow shadowDecision

	// The user stage: the token found, parsed, its provider, the verified
	// identity (nil: anonymous), and how long it may wait for keys.
	found     provider.Found
	token     *jwt.Token
	provider  *provider.Provider
	user      *provider.Identity
	waitUntil time.Time
	audited   bool // audit mode let a denied request pass
	// auditReason is why audit mode let the request pass.
	auditReason string
	// trace is the decision for the trace response header.
	trace   string
	waiting bool

	// pairs is storage for the request's headers, kept when the context
	// is reused for another stream.
	pairs [][2]string
	// edits are the changes to the request's headers, written when the
	// request is let through (storage kept likewise).
	edits requestEdits
}

// OnHttpRequestHeaders decides the request. Any failure to decide answers
// locally (fail closed); nothing reaches the upstream undecided.
func (h *httpContext) OnHttpRequestHeaders(int, bool) types.Action {
	p := h.plugin
	if h.cfg == nil {
		p.log.error("request refused: no configuration in force")
		return p.failClosed()
	}
	hdrs, err := abi.GetHttpRequestHeadersInto(h.pairs)
	h.pairs = hdrs
	if err != nil {
		p.log.error("read request headers: " + err.Error())
		return p.failClosed()
	}
	req := readRequest(hdrs)
	h.req = req
	h.requestID = req.requestID

	if !headersValid(hdrs) {
		p.metrics.badRequests.Increment(1)
		return h.answer(badRequest("header_invalid"))
	}
	path, query, err := urlpath.Normalize(req.path)
	h.path, h.query = path, query
	if err != nil {
		p.metrics.badRequests.Increment(1)
		if p.log.enabled(config.LevelDebug) {
			p.log.debug("decision bad_request reason=" + urlpath.Reason(err) + " request_id=" + h.requestID)
		}
		return h.answer(badRequest(urlpath.Reason(err)))
	}
	if path != req.pathOnly() || query != req.query() {
		normal := path
		if query != "" {
			normal += "?" + query
		}
		h.edits.set(":path", normal)
	}
	h.stripForgeable(hdrs)
	h.service = h.resolveService(req)
	if h.resolveThing(req) {
		return types.ActionPause
	}
	switch h.resolveUser(req) {
	case userAnswer:
		if !h.audited {
			return types.ActionPause
		}
	case userWaiting:
		h.waiting = true
		return types.ActionPause
	}
	return h.finish()
}

// finish runs the stages after the user's verification: the token's
// binding to this connection (checked on every request: a cached token
// may arrive on another connection), then the policy (joining here), and
// lets the request through with its identity headers.
func (h *httpContext) finish() types.Action {
	if h.user != nil && h.user.BindingApplies() {
		if err := h.user.CheckBinding(propString(propCertDigest)); err != nil {
			h.user = nil
			h.deny401(provider.Reason(err), false)
			if !h.audited {
				return types.ActionPause
			}
		}
	}
	if h.user != nil {
		if err := h.checkDPoP(); err != nil {
			h.user = nil
			h.denyDPoP(err)
			if !h.audited {
				return types.ActionPause
			}
		}
	}
	if !h.decide() {
		return types.ActionPause
	}
	return h.allow()
}

// OnHttpStreamDone forgets a stream that may still wait for keys.
func (h *httpContext) OnHttpStreamDone() {
	if h.waiting {
		h.plugin.forget(h)
		h.waiting = false
	}
}

// OnHttpContextDelete (the host deleted the stream, and the ABI layer has
// dropped the calls it waited for) puts the context up for reuse. Nothing
// else holds it: a stream waiting for keys left the waiting list when it
// ended.
func (h *httpContext) OnHttpContextDelete() {
	p := h.plugin
	if h.waiting {
		p.forget(h)
	}
	if len(p.free) < maxFree {
		h.renew() // drop the old request's strings while it waits
		p.free = append(p.free, h)
	}
}

// renew empties h for its next stream, keeping the storage of its
// headers and their edits.
func (h *httpContext) renew() {
	clear(h.pairs)
	h.edits.reset()
	*h = httpContext{plugin: h.plugin, pairs: h.pairs[:0], edits: h.edits}
}

// allow forwards the request with the verified identities as headers:
// every edit to its headers is written here, in one host call when there
// are several.
func (h *httpContext) allow() types.Action {
	h.setUserHeaders()
	hc := h.cfg.Headers
	if hc.Decision != "" && h.rule != "" {
		h.edits.set(hc.Decision, h.rule)
	}
	if hc.Thing != "" && h.thing.authenticated {
		h.edits.set(hc.Thing, h.thing.id)
	}
	if hc.Service != "" && h.service.authenticated {
		h.edits.set(hc.Service, h.service.id.String())
	}
	if err := h.edits.apply(h.pairs); err != nil {
		h.plugin.log.error("edit request headers: " + err.Error())
		return h.plugin.failClosed()
	}
	if h.plugin.log.enabled(config.LevelDebug) {
		h.plugin.log.debug("decision allow request_id=" + h.requestID)
	}
	if h.auditReason != "" {
		h.logDecision("audit", 0, h.auditReason)
	} else {
		h.logDecision("allow", 0, "")
	}
	return types.ActionContinue
}

// stripForgeable removes every incoming header the plugin may set, and
// x-forwarded-client-cert unless a trusted proxy set it: edits, written
// before the identity headers when the request is let through.
func (h *httpContext) stripForgeable(hdrs [][2]string) {
	for _, kv := range hdrs {
		if h.cfg.Forgeable.Contains(kv[0]) {
			h.edits.remove(kv[0])
		}
	}
}
