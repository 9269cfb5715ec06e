package policies

// Decide evaluates the policy for r. A condition that fails to evaluate
// never grants access: it does not make an allow rule apply, and it makes
// a deny rule apply.
//
// Only the rules the index finds for r are visited, in document order,
// and of those only the ones that can still change the outcome are
// evaluated: once a deny decides under deny-overrides, later allow and
// deny rules cannot matter (conditions have no effects, so skipping one
// is not observable). Audit rules among the first 64 are always
// evaluated, for Decision.Audited.
//
// Rules in audit mode are kept apart: the decision is the one of the
// rules enforced, and the rules in audit mode join them only in a second
// outcome, the document as it would decide were they enforced, whose
// deciding rule, when one of them, is Decision.ShadowRule. Both are made
// in the same pass.
func (p *Policy) Decide(r *Request) Decision {
	p.slots.fill(r)
	var st decideState
	st.reset()
	if p.index == nil {
		for i := range p.Rules {
			if p.visit(i, r, &st) {
				break
			}
		}
	} else {
		var setBuf, hostBuf [maxSetWords]uint64
		set, host := ruleSet(setBuf[:p.index.words]), ruleSet(hostBuf[:p.index.words])
		p.index.candidates(r, set, host)
		for i := set.next(0); i >= 0; i = set.next(i + 1) {
			if p.visit(i, r, &st) {
				break
			}
		}
	}
	d := p.Combining.decide(p.Default, &st)
	d.Audited = st.audited
	d.ShadowRule = -1
	if st.shadowAllow >= 0 || st.shadowDeny >= 0 {
		all := st.withShadow()
		if s := p.Combining.decide(p.Default, &all); s.Rule >= 0 && p.Rules[s.Rule].Mode == ModeAudit {
			d.ShadowRule, d.ShadowAction, d.ShadowReason = s.Rule, s.Action, s.Reason
		}
	}
	return d
}

// decideState is what the rules visited so far came to: the first allow
// and deny rules that applied among those enforced, and among those in
// audit mode.
type decideState struct {
	firstAllow, firstDeny   int
	denyByError             bool
	shadowAllow, shadowDeny int
	shadowDenyByError       bool
	audited                 uint64
}

func (st *decideState) reset() {
	*st = decideState{firstAllow: -1, firstDeny: -1, shadowAllow: -1, shadowDeny: -1}
}

// withShadow returns the state of every rule enforced, audit mode
// included: the earlier of each pair.
func (st *decideState) withShadow() decideState {
	all := *st
	if st.shadowAllow >= 0 && (all.firstAllow < 0 || st.shadowAllow < all.firstAllow) {
		all.firstAllow = st.shadowAllow
	}
	if st.shadowDeny >= 0 && (all.firstDeny < 0 || st.shadowDeny < all.firstDeny) {
		all.firstDeny, all.denyByError = st.shadowDeny, st.shadowDenyByError
	}
	return all
}

// visit evaluates rule i if it can still change the decision, and
// reports whether no later rule can.
func (p *Policy) visit(i int, r *Request, st *decideState) (done bool) {
	rule := &p.Rules[i]
	switch rule.Action {
	case Audit:
		if i < 64 {
			if ok, _ := rule.applies(r); ok {
				st.audited |= 1 << i
			}
		}
	default:
		if rule.Mode == ModeAudit {
			// Rules visited so far all precede this one: whether it could
			// decide with every rule enforced is read from both states.
			if !p.Combining.needs(rule.Action, st.firstAllow >= 0 || st.shadowAllow >= 0, st.firstDeny >= 0 || st.shadowDeny >= 0) {
				break
			}
			ok, failed := rule.applies(r)
			switch {
			case rule.Action == Allow && ok:
				st.shadowAllow = i
			case rule.Action == Deny && (ok || failed):
				st.shadowDeny, st.shadowDenyByError = i, failed
			}
			break
		}
		if !p.Combining.needs(rule.Action, st.firstAllow >= 0, st.firstDeny >= 0) {
			break
		}
		ok, failed := rule.applies(r)
		switch {
		case rule.Action == Allow && ok:
			st.firstAllow = i
		case rule.Action == Deny && (ok || failed):
			st.firstDeny, st.denyByError = i, failed
		}
	}
	// Once the rules enforced are settled, so is the outcome with the
	// rules in audit mode: they can only have settled it earlier.
	return i >= 63 && !p.Combining.needs(Allow, st.firstAllow >= 0, st.firstDeny >= 0) &&
		!p.Combining.needs(Deny, st.firstAllow >= 0, st.firstDeny >= 0)
}

// needs reports whether a rule with action a, applying, would change the
// outcome, given whether an allow and a deny already applied.
func (c Combining) needs(a Action, allowSeen, denySeen bool) bool {
	switch c {
	case DenyOverrides:
		if a == Allow {
			return !allowSeen && !denySeen
		}
		return !denySeen
	case PermitOverrides:
		if a == Deny {
			return !allowSeen && !denySeen
		}
		return !allowSeen
	}
	return !allowSeen && !denySeen
}

// decide combines the first applying allow and deny rules.
func (c Combining) decide(def Action, st *decideState) Decision {
	d := Decision{Action: def, Rule: -1, Reason: "default"}
	allow := false
	switch c {
	case DenyOverrides:
		allow = st.firstDeny < 0 && st.firstAllow >= 0
	case PermitOverrides:
		allow = st.firstAllow >= 0
	case FirstApplicable:
		allow = st.firstAllow >= 0 && (st.firstDeny < 0 || st.firstAllow < st.firstDeny)
	}
	switch {
	case allow:
		d.Action, d.Rule, d.Reason = Allow, st.firstAllow, "rule"
	case st.firstDeny >= 0:
		d.Action, d.Rule, d.Reason = Deny, st.firstDeny, "rule"
		if st.denyByError {
			d.Reason = "condition_error"
		}
	}
	return d
}
