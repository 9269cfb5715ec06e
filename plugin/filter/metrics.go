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
	}
}
