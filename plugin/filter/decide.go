package filter

import (
	"strconv"
	"time"

	"github.com/palisade-wasm/palisade/plugin/config"
	"github.com/palisade-wasm/palisade/policies"
)

// decide runs the policy on the request and its identities. It answers
// 403 itself on a deny (in enforce mode) and reports whether the request
// may go on. The policies.Request is the plugin context's, reused: a VM
// runs one callback at a time and the decision is made within one.
func (h *httpContext) decide() bool {
	pol := h.cfg.Policy
	if pol == nil {
		return true
	}
	p := h.plugin
	r := &p.decision
	*r = policies.Request{Method: h.req.method, Path: h.path, Host: hostOnly(h.req.authority), Scheme: h.req.scheme,
		Query: h.query, Headers: h.req.headers}
	if pol.Uses("route") {
		r.Route = propString(propRouteName)
	}
	if pol.Uses("now") {
		r.Now = time.Now()
	}
	if pol.Uses("source") {
		if b, err := propSourceAddress.AppendTo(nil); err == nil {
			ip, port := splitHostPort(string(b))
			r.SourceIP, r.SourcePort = ip, port
		}
	}
	if u := h.user; u != nil {
		r.User = policies.Principal{Authenticated: true, Subject: u.Claims.Subject, Issuer: u.Claims.Issuer,
			Provider: u.Provider.Name, Audience: u.Claims.Audience, Scope: u.Claims.Scope, Claims: u.Payload, Memo: &u.Memo}
	}
	if th := h.thing; th.authenticated {
		r.Thing = policies.Principal{Authenticated: true, Subject: th.id, Claims: th.claims}
	}
	if s := h.service; s.authenticated {
		ns, sa, _ := s.id.Kubernetes()
		r.Service = policies.Service{Authenticated: true, ID: s.id.String(), TrustDomain: s.id.TrustDomain(), Namespace: ns, ServiceAccount: sa}
	}
	d := pol.Decide(r)
	if d.Audited != 0 {
		p.metrics.auditMatched.Increment(1)
		if p.log.enabled(config.LevelInfo) {
			p.log.info("audit: rules matched mask=" + strconv.FormatUint(d.Audited, 2) + " request_id=" + h.requestID)
		}
	}
	h.rule = pol.RuleName(d)
	if d.ShadowRule >= 0 {
		h.recordShadow(pol, d)
	}
	if d.Action == policies.Allow {
		return true
	}
	if p.log.enabled(config.LevelDebug) {
		p.log.debug("decision deny rule=" + strconv.Quote(h.rule) + " reason=" + d.Reason + " request_id=" + h.requestID)
	}
	if h.cfg.Mode == config.ModeAudit {
		p.metrics.auditDenied.Increment(1)
		if h.auditReason == "" { // enforce mode would have stopped at the first refusal
			h.auditReason = "policy_denied"
		}
		return true
	}
	a := forbidden("policy_denied")
	if d.Rule >= 0 {
		a.custom = pol.Rules[d.Rule].Response
	}
	h.answer(a)
	return false
}

// shadowDecision is what a rule in audit mode would have decided.
type shadowDecision struct {
	rule     string
	decision string // allow or deny
	reason   string // "rule" or "condition_error"
}

// recordShadow counts and logs what a rule in audit mode would have
// decided, for the decision log: someone rolling out a rule sees which
// requests it would have denied (or allowed) while it changes nothing.
func (h *httpContext) recordShadow(pol *policies.Policy, d policies.Decision) {
	p := h.plugin
	h.shadow = shadowDecision{rule: pol.ShadowRuleName(d), decision: d.ShadowAction.String(), reason: d.ShadowReason}
	p.metrics.auditModeDecided.Increment(1)
	switch {
	case d.ShadowAction == policies.Deny && d.Action == policies.Allow:
		p.metrics.auditModeWouldDeny.Increment(1)
	case d.ShadowAction == policies.Allow && d.Action == policies.Deny:
		p.metrics.auditModeWouldAllow.Increment(1)
	}
	if p.log.enabled(config.LevelInfo) {
		why := ""
		if d.ShadowReason == "condition_error" {
			why = " (its condition failed to evaluate)"
		}
		p.log.info("audit: rule " + strconv.Quote(h.shadow.rule) + " in audit mode would " + h.shadow.decision + why +
			"; decided " + d.Action.String() + " request_id=" + h.requestID)
	}
}

func hostOnly(authority string) string {
	for i := len(authority) - 1; i >= 0; i-- {
		switch authority[i] {
		case ':':
			return authority[:i]
		case ']':
			return authority
		}
	}
	return authority
}

func splitHostPort(a string) (string, int64) {
	for i := len(a) - 1; i >= 0; i-- {
		if a[i] == ':' {
			p, _ := strconv.ParseInt(a[i+1:], 10, 64)
			host := a[:i]
			if len(host) > 1 && host[0] == '[' {
				host = host[1 : len(host)-1]
			}
			return host, p
		}
	}
	return a, 0
}
