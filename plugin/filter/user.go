package filter

import (
	"encoding/base64"
	"errors"
	"time"

	"github.com/palisade-wasm/palisade/plugin/config"
	"github.com/palisade-wasm/palisade/plugin/dpop"
	"github.com/palisade-wasm/palisade/plugin/internal/abi"
	"github.com/palisade-wasm/palisade/plugin/jwt"
	"github.com/palisade-wasm/palisade/plugin/provider"
	"github.com/palisade-wasm/palisade/policies/jsonv"
	"github.com/tetratelabs/proxy-wasm-go-sdk/proxywasm/types"
)

// userStage is where a stream stands in establishing its user.
type userStage uint8

const (
	userDone    userStage = iota // decided: h.user set, or anonymous
	userAnswer                   // answered with a 401
	userWaiting                  // paused until the provider's keys arrive
)

// resolveUser establishes the user from the request's token: cached, or
// parsed, matched to a provider by issuer and verified. It answers 401
// itself when the token is missing (and required) or invalid, and pauses
// the stream when the provider's keys must first be fetched.
func (h *httpContext) resolveUser(req request) userStage {
	cfg := h.cfg
	if len(cfg.UserProviders) == 0 {
		return userDone
	}
	found, ok, err := provider.FindIn(cfg.UserProviders, req.headers, req.query(), cfg.TokenHeaders.Contains)
	if err != nil {
		h.deny401(provider.Reason(err), false)
		return userAnswer
	}
	if !ok {
		if cfg.RequireUser {
			h.deny401("token_missing", true)
			return userAnswer
		}
		return userDone
	}
	h.found = found
	now := time.Now()
	if id, hit := h.plugin.cache.Get(found.Token, now); hit && id.Provider != cfg.ThingProvider {
		h.plugin.metrics.tokenCache.inc("hit", "")
		h.user = id
		return userDone
	}
	// Another VM may have verified it: the proxy-wide cache.
	if b, _, err := abi.GetSharedData(provider.SharedKey(h.plugin.fingerprint, found.Token)); err == nil {
		if id, ok := provider.DecodeIdentity(b, found.Token, cfg.UserProviders, now); ok {
			h.plugin.metrics.tokenCache.inc("shared_hit", "")
			h.plugin.cache.Put(found.Token, id, now)
			h.user = id
			return userDone
		}
	}
	h.plugin.metrics.tokenCache.inc("miss", "")
	if !provider.IsJWS(found.Token) {
		if p := provider.Introspector(cfg.UserProviders); p != nil {
			return h.introspect(p)
		}
	}
	t, err := jwt.Parse(found.Token)
	if err != nil {
		h.deny401(provider.Reason(err), false)
		return userAnswer
	}
	p, err := provider.Choose(cfg.UserProviders, t)
	if err != nil {
		h.deny401(provider.Reason(err), false)
		return userAnswer
	}
	h.token, h.provider = t, p
	return h.verifyUser(now, true)
}

// verifyUser verifies h.token with h.provider. mayWait allows pausing for
// keys (false when resuming after a fetch: then missing keys are final).
func (h *httpContext) verifyUser(now time.Time, mayWait bool) userStage {
	p := h.provider
	var keys jwt.KeySet
	if p.Remote != nil {
		r := h.plugin.remote(p)
		set := r.Keys(now)
		if set == nil {
			if mayWait {
				return h.waitForKeys(now)
			}
			h.deny401("jwks_unavailable", false)
			return userAnswer
		}
		keys = set
	}
	id, err := p.Verify(h.token, keys, now)
	if errors.Is(err, jwt.ErrUnknownKID) && p.Remote != nil && mayWait && h.plugin.remote(p).RequestEarly(now) {
		// A kid the keys lack: the issuer may have rotated; fetch once.
		return h.waitForKeys(now)
	}
	if err != nil {
		h.deny401(provider.Reason(err), false)
		return userAnswer
	}
	h.plugin.metrics.verified.Increment(1)
	h.plugin.cache.Put(h.found.Token, id, now)
	h.share(id, now)
	h.user = id
	return userDone
}

func (h *httpContext) waitForKeys(now time.Time) userStage {
	h.waitUntil = now.Add(h.provider.Remote.Timeout + time.Second)
	h.plugin.wait(h)
	return userWaiting
}

// resume continues a stream that waited for its provider's keys; it runs
// in the fetch's callback or on a tick, with the stream made the
// effective context.
func (h *httpContext) resume(timedOut bool) {
	h.waiting = false
	st := userAnswer
	if timedOut {
		h.deny401("jwks_unavailable", false)
	} else {
		st = h.verifyUser(time.Now(), false)
	}
	if st == userAnswer && !h.audited {
		return // answered with a 401
	}
	if h.finish() == types.ActionContinue {
		abi.ResumeHttpRequest()
	}
}

// setUserHeaders forwards the verified user upstream: subject, issuer,
// provider, chosen claims (arrays and objects as JSON) and, if asked, the
// whole payload; and removes the token unless the provider forwards it
// (edits written by allow).
func (h *httpContext) setUserHeaders() {
	id := h.user
	if id == nil {
		return
	}
	hc := h.cfg.Headers
	set := func(name, value string) {
		if name != "" && value != "" {
			h.edits.set(name, value)
		}
	}
	set(hc.User, id.Claims.Subject)
	set(hc.Issuer, id.Claims.Issuer)
	set(hc.Provider, id.Provider.Name)
	for _, ch := range id.Provider.ClaimHeaders {
		v := jsonv.GetBytes(id.Payload, ch.Claim)
		value := v.String()
		if v.IsArray() || v.IsObject() {
			value = v.Raw
		}
		set(ch.Header, value)
	}
	if ph := id.Provider.PayloadHeader; ph != "" {
		set(ph, base64.RawURLEncoding.EncodeToString(id.Payload))
	}
	if !id.Provider.Forward && h.found.Source.Kind == provider.FromHeader {
		if usesDPoPScheme(h.found) {
			// The proof is for this hop only, like the token.
			h.edits.remove("dpop")
		}
		h.edits.remove(h.found.Source.Name)
	}
}

// deny401 answers 401 with an RFC 6750 challenge; missing says the request
// carried no token (then the challenge has no error code).
func (h *httpContext) deny401(reason string, missing bool) {
	if h.unauthenticated(reason) {
		return
	}
	h.answer(unauthorized(reason, missing))
}

// unauthenticated counts and logs a failed authentication; in audit mode
// it records why the request would have been refused and reports true
// (let it pass).
func (h *httpContext) unauthenticated(reason string) (audited bool) {
	h.plugin.metrics.unauthenticated.Increment(1)
	prov := ""
	if h.provider != nil {
		prov = h.provider.Name
	}
	h.plugin.metrics.tokenFailures.inc(prov, reason)
	if h.plugin.log.enabled(config.LevelDebug) {
		h.plugin.log.debug("decision unauthenticated reason=" + reason + " request_id=" + h.requestID)
	}
	if h.cfg.Mode == config.ModeAudit { // record, let pass
		h.plugin.metrics.auditDenied.Increment(1)
		h.audited = true
		if h.auditReason == "" {
			h.auditReason = reason
		}
		return true
	}
	return false
}

// denyDPoP is deny401 for a DPoP failure: the challenge names the DPoP
// scheme, and error invalid_dpop_proof when the proof itself is at fault
// (RFC 9449 section 7.1).
func (h *httpContext) denyDPoP(err error) {
	reason := dpop.Reason(err)
	if h.unauthenticated(reason) {
		return
	}
	a := unauthorized(reason, false)
	a.scheme = "DPoP"
	if dpop.ProofError(err) {
		a.challenge = "invalid_dpop_proof"
	}
	h.answer(a)
}

// share offers a verified identity to the other VMs of the proxy, for as
// long as this VM's own cache would keep it.
func (h *httpContext) share(id *provider.Identity, now time.Time) {
	expires := now.Add(cacheTTL)
	if !id.Expiry.IsZero() && id.Expiry.Before(expires) {
		expires = id.Expiry
	}
	key := provider.SharedKey(h.plugin.fingerprint, h.found.Token)
	if err := abi.SetSharedData(key, provider.EncodeIdentity(h.found.Token, id, expires), 0); err != nil {
		h.plugin.log.warn("share verified token: " + err.Error())
	}
}

// introspect asks p's RFC 7662 endpoint about an opaque token and pauses
// the stream until the answer; no answer, a slow one or an error is a 401
// (fail closed).
func (h *httpContext) introspect(p *provider.Provider) userStage {
	in := p.Introspection
	headers, body := in.Request(h.found.Token)
	_, err := abi.DispatchHttpCall(in.Cluster, headers, body, nil, uint32(in.Timeout/time.Millisecond), func(numHeaders, bodySize, _ int) {
		h.introspected(p, numHeaders, bodySize)
	})
	if err != nil {
		h.plugin.log.error("introspect with cluster " + in.Cluster + ": " + err.Error())
		h.deny401("introspection_unavailable", false)
		return userAnswer
	}
	h.provider = p
	return userWaiting
}

func (h *httpContext) introspected(p *provider.Provider, numHeaders, bodySize int) {
	now := time.Now()
	status := 0
	if callStatus(numHeaders) == "200" {
		status = 200
	}
	var body []byte
	if status == 200 {
		body, _ = abi.GetHttpCallResponseBody(0, bodySize)
	}
	id, err := p.Introspected(status, body, now)
	if err != nil {
		h.deny401(provider.Reason(err), false)
		if !h.audited {
			return
		}
	} else {
		h.plugin.metrics.verified.Increment(1)
		h.plugin.cache.Put(h.found.Token, id, now)
		h.share(id, now)
		h.user = id
	}
	if h.finish() == types.ActionContinue {
		abi.ResumeHttpRequest()
	}
}
