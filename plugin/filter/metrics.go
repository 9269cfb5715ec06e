package filter

import "github.com/palisade-wasm/palisade/plugin/internal/abi"

// metrics are the plugin's counters, defined once per plugin context. The
// host aggregates them across VMs (Envoy: stats prefixed "wasmcustom.").
type metrics struct {
	defined        bool
	requests       abi.MetricCounter
	allowed        abi.MetricCounter
	badRequests    abi.MetricCounter
	failedClosed   abi.MetricCounter
	configAccepted abi.MetricCounter
	configRejected abi.MetricCounter

	verified        abi.MetricCounter
	cacheHits       abi.MetricCounter
	sharedHits      abi.MetricCounter
	unauthenticated abi.MetricCounter
	auditDenied     abi.MetricCounter
	jwksFetches     abi.MetricCounter
	jwksFailures    abi.MetricCounter
	denied          abi.MetricCounter
	auditMatched    abi.MetricCounter
	dpopReplays     abi.MetricCounter
	// Rules in audit mode: requests one would have decided, and of those
	// the ones whose outcome it would have changed.
	auditModeDecided    abi.MetricCounter
	auditModeWouldDeny  abi.MetricCounter
	auditModeWouldAllow abi.MetricCounter
}

func defineMetrics() metrics {
	return metrics{
		defined:        true,
		requests:       abi.DefineCounterMetric("palisade_requests_total"),
		allowed:        abi.DefineCounterMetric("palisade_allowed_total"),
		badRequests:    abi.DefineCounterMetric("palisade_bad_requests_total"),
		failedClosed:   abi.DefineCounterMetric("palisade_failed_closed_total"),
		configAccepted: abi.DefineCounterMetric("palisade_config_accepted_total"),
		configRejected: abi.DefineCounterMetric("palisade_config_rejected_total"),

		verified:        abi.DefineCounterMetric("palisade_tokens_verified_total"),
		cacheHits:       abi.DefineCounterMetric("palisade_token_cache_hits_total"),
		sharedHits:      abi.DefineCounterMetric("palisade_token_shared_cache_hits_total"),
		unauthenticated: abi.DefineCounterMetric("palisade_unauthenticated_total"),
		auditDenied:     abi.DefineCounterMetric("palisade_audit_denied_total"),
		jwksFetches:     abi.DefineCounterMetric("palisade_jwks_fetches_total"),
		jwksFailures:    abi.DefineCounterMetric("palisade_jwks_fetch_failures_total"),
		denied:          abi.DefineCounterMetric("palisade_denied_total"),
		auditMatched:    abi.DefineCounterMetric("palisade_audit_rules_matched_total"),
		dpopReplays:     abi.DefineCounterMetric("palisade_dpop_replays_total"),

		auditModeDecided:    abi.DefineCounterMetric("palisade_audit_mode_decided_total"),
		auditModeWouldDeny:  abi.DefineCounterMetric("palisade_audit_mode_would_deny_total"),
		auditModeWouldAllow: abi.DefineCounterMetric("palisade_audit_mode_would_allow_total"),
	}
}
