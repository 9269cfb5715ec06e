package filter

import "github.com/palisade-wasm/palisade/plugin/internal/abi"

// metrics are the plugin's counters, defined once per plugin context. The
// host aggregates them across VMs (Envoy: stats prefixed "wasmcustom.").
// Each is a host call per increment, so an outcome every request has is
// counted once, in a tagged family (requests by decision and reason,
// token cache lookups by result), not again in an untagged total.
type metrics struct {
	defined        bool
	badRequests    abi.MetricCounter
	failedClosed   abi.MetricCounter
	configAccepted abi.MetricCounter
	configRejected abi.MetricCounter

	verified        abi.MetricCounter
	unauthenticated abi.MetricCounter
	auditDenied     abi.MetricCounter
	jwksFetches     abi.MetricCounter
	jwksFailures    abi.MetricCounter
	auditMatched    abi.MetricCounter
	dpopReplays     abi.MetricCounter
	// Rules in audit mode: requests one would have decided, and of those
	// the ones whose outcome it would have changed.
	auditModeDecided    abi.MetricCounter
	auditModeWouldDeny  abi.MetricCounter
	auditModeWouldAllow abi.MetricCounter

	// Tagged families (see family).
	decisions     *family // decision, reason: every request's outcome
	tokenFailures *family // provider, reason
	tokenCache    *family // result: hit, shared_hit, miss
	configLoads   *family // result: accepted, rejected
}

func defineMetrics() metrics {
	return metrics{
		defined:        true,
		badRequests:    abi.DefineCounterMetric("palisade_bad_requests_total"),
		failedClosed:   abi.DefineCounterMetric("palisade_failed_closed_total"),
		configAccepted: abi.DefineCounterMetric("palisade_config_accepted_total"),
		configRejected: abi.DefineCounterMetric("palisade_config_rejected_total"),

		verified:        abi.DefineCounterMetric("palisade_tokens_verified_total"),
		unauthenticated: abi.DefineCounterMetric("palisade_unauthenticated_total"),
		auditDenied:     abi.DefineCounterMetric("palisade_audit_denied_total"),
		jwksFetches:     abi.DefineCounterMetric("palisade_jwks_fetches_total"),
		jwksFailures:    abi.DefineCounterMetric("palisade_jwks_fetch_failures_total"),
		auditMatched:    abi.DefineCounterMetric("palisade_audit_rules_matched_total"),
		dpopReplays:     abi.DefineCounterMetric("palisade_dpop_replays_total"),

		auditModeDecided:    abi.DefineCounterMetric("palisade_audit_mode_decided_total"),
		auditModeWouldDeny:  abi.DefineCounterMetric("palisade_audit_mode_would_deny_total"),
		auditModeWouldAllow: abi.DefineCounterMetric("palisade_audit_mode_would_allow_total"),
		decisions:           &family{name: "palisade_decisions_total", keys: [2]string{"decision", "reason"}},
		tokenFailures:       &family{name: "palisade_token_failures_total", keys: [2]string{"provider", "reason"}},
		tokenCache:          &family{name: "palisade_token_cache_total", keys: [2]string{"result"}},
		configLoads:         &family{name: "palisade_config_loads_total", keys: [2]string{"result"}},
	}
}

// family is a counter told apart by up to two tags, one series per
// combination of values, each defined on first use. The tags travel in
// the metric's name the way Istio writes its own and Envoy's stats tag
// regexes take them out again ("(decision=\.=(.*?);\.;)", one per tag,
// what Istio's extraStatTags configures):
// "decision=.=deny;.;reason=.=expired;.;palisade_decisions_total" is
// exported as palisade_decisions_total{decision="deny",reason="expired"}.
type family struct {
	name   string
	keys   [2]string // tag names; the second is "" for a one-tag family
	series []series
}

type series struct {
	a, b string
	c    abi.MetricCounter
}

// maxSeries bounds a family's combinations; later ones are counted under
// the values "other" (the values here are codes and configured names, so
// this is a guard, not an expected case).
const maxSeries = 256

func (f *family) inc(a, b string) {
	for i := range f.series {
		if s := &f.series[i]; s.a == a && s.b == b {
			s.c.Increment(1)
			return
		}
	}
	if len(f.series) >= maxSeries && (a != "other" || b != "other") {
		f.inc("other", "other")
		return
	}
	name := f.keys[0] + "=.=" + tagValue(a) + ";.;"
	if f.keys[1] != "" {
		name += f.keys[1] + "=.=" + tagValue(b) + ";.;"
	}
	c := abi.DefineCounterMetric(name + f.name)
	f.series = append(f.series, series{a: a, b: b, c: c})
	c.Increment(1)
}

// tagValue keeps a value from closing its tag early: ';' and '=' (the
// delimiters' outer characters) become '_'; an empty value is "none".
func tagValue(v string) string {
	if v == "" {
		return "none"
	}
	b := []byte(v)
	for i, c := range b {
		if c == ';' || c == '=' {
			b[i] = '_'
		}
	}
	return string(b)
}
