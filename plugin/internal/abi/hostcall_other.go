//go:build !wasip1

package abi

import (
	"github.com/tetratelabs/proxy-wasm-go-sdk/proxywasm"
	"github.com/tetratelabs/proxy-wasm-go-sdk/proxywasm/types"
)

// SetVMContext registers the plugin's VM context with the host.
func SetVMContext(ctx types.VMContext) { proxywasm.SetVMContext(ctx) }

// LogTrace writes msg to the host's log at trace level.
func LogTrace(msg string) { proxywasm.LogTrace(msg) }

// LogDebug writes msg to the host's log at debug level.
func LogDebug(msg string) { proxywasm.LogDebug(msg) }

// LogInfo writes msg to the host's log at info level.
func LogInfo(msg string) { proxywasm.LogInfo(msg) }

// LogWarn writes msg to the host's log at warn level.
func LogWarn(msg string) { proxywasm.LogWarn(msg) }

// LogError writes msg to the host's log at error level.
func LogError(msg string) { proxywasm.LogError(msg) }

// LogCritical writes msg to the host's log at critical level.
func LogCritical(msg string) { proxywasm.LogCritical(msg) }

// GetVMConfiguration returns the VM configuration; only valid in OnVMStart.
func GetVMConfiguration() ([]byte, error) { return proxywasm.GetVMConfiguration() }

// GetPluginConfiguration returns the plugin configuration; only valid in OnPluginStart.
func GetPluginConfiguration() ([]byte, error) { return proxywasm.GetPluginConfiguration() }

// SetTickPeriodMilliSeconds asks the host to call OnTick of the current root
// context every ms milliseconds; 0 stops the timer.
func SetTickPeriodMilliSeconds(ms uint32) error { return proxywasm.SetTickPeriodMilliSeconds(ms) }

// SetEffectiveContext makes contextID the context later host calls act on.
func SetEffectiveContext(contextID uint32) error { return proxywasm.SetEffectiveContext(contextID) }

// GetHttpRequestHeaders returns every request header in one host call.
func GetHttpRequestHeaders() ([][2]string, error) { return proxywasm.GetHttpRequestHeaders() }

// GetHttpRequestHeadersInto is GetHttpRequestHeaders reusing dst's storage
// for the pairs (its contents are overwritten).
func GetHttpRequestHeadersInto(dst [][2]string) ([][2]string, error) {
	hs, err := proxywasm.GetHttpRequestHeaders()
	if err != nil {
		return dst[:0], err
	}
	return append(dst[:0], hs...), nil
}

// GetHttpRequestHeader returns the value of the request header key.
func GetHttpRequestHeader(key string) (string, error) { return proxywasm.GetHttpRequestHeader(key) }

// AddHttpRequestHeader appends a request header, keeping existing values.
func AddHttpRequestHeader(key, value string) error { return proxywasm.AddHttpRequestHeader(key, value) }

// ReplaceHttpRequestHeader sets a request header, replacing every existing value.
func ReplaceHttpRequestHeader(key, value string) error {
	return proxywasm.ReplaceHttpRequestHeader(key, value)
}

// RemoveHttpRequestHeader removes every value of a request header.
func RemoveHttpRequestHeader(key string) error { return proxywasm.RemoveHttpRequestHeader(key) }

// ReplaceHttpRequestHeaders replaces the whole request header map.
func ReplaceHttpRequestHeaders(headers [][2]string) error {
	return proxywasm.ReplaceHttpRequestHeaders(headers)
}

// ReplaceHttpRequestHeadersBuf is ReplaceHttpRequestHeaders with storage
// to reuse (the SDK serializes on its own, so buf is returned unused).
func ReplaceHttpRequestHeadersBuf(headers [][2]string, buf []byte) ([]byte, error) {
	return buf, proxywasm.ReplaceHttpRequestHeaders(headers)
}

// GetHttpRequestTrailers returns every request trailer.
func GetHttpRequestTrailers() ([][2]string, error) { return proxywasm.GetHttpRequestTrailers() }

// GetHttpResponseHeaders returns every response header in one host call.
func GetHttpResponseHeaders() ([][2]string, error) { return proxywasm.GetHttpResponseHeaders() }

// GetHttpResponseHeader returns the value of the response header key.
func GetHttpResponseHeader(key string) (string, error) { return proxywasm.GetHttpResponseHeader(key) }

// AddHttpResponseHeader appends a response header, keeping existing values.
func AddHttpResponseHeader(key, value string) error {
	return proxywasm.AddHttpResponseHeader(key, value)
}

// ReplaceHttpResponseHeader sets a response header, replacing every existing value.
func ReplaceHttpResponseHeader(key, value string) error {
	return proxywasm.ReplaceHttpResponseHeader(key, value)
}

// RemoveHttpResponseHeader removes every value of a response header.
func RemoveHttpResponseHeader(key string) error { return proxywasm.RemoveHttpResponseHeader(key) }

// ReplaceHttpResponseHeaders replaces the whole response header map.
func ReplaceHttpResponseHeaders(headers [][2]string) error {
	return proxywasm.ReplaceHttpResponseHeaders(headers)
}

// GetHttpResponseTrailers returns every response trailer.
func GetHttpResponseTrailers() ([][2]string, error) { return proxywasm.GetHttpResponseTrailers() }

// GetHttpRequestBody returns up to maxSize bytes of the buffered request body from start.
func GetHttpRequestBody(start, maxSize int) ([]byte, error) {
	return proxywasm.GetHttpRequestBody(start, maxSize)
}

// ReplaceHttpRequestBody replaces the buffered request body.
func ReplaceHttpRequestBody(data []byte) error { return proxywasm.ReplaceHttpRequestBody(data) }

// AppendHttpRequestBody appends data to the buffered request body.
func AppendHttpRequestBody(data []byte) error { return proxywasm.AppendHttpRequestBody(data) }

// GetHttpResponseBody returns up to maxSize bytes of the buffered response body from start.
func GetHttpResponseBody(start, maxSize int) ([]byte, error) {
	return proxywasm.GetHttpResponseBody(start, maxSize)
}

// ReplaceHttpResponseBody replaces the buffered response body.
func ReplaceHttpResponseBody(data []byte) error { return proxywasm.ReplaceHttpResponseBody(data) }

// AppendHttpResponseBody appends data to the buffered response body.
func AppendHttpResponseBody(data []byte) error { return proxywasm.AppendHttpResponseBody(data) }

// GetProperty returns the host property at path in the host's encoding
// (strings raw, integers 8-byte little-endian, ...).
func GetProperty(path []string) ([]byte, error) { return proxywasm.GetProperty(path) }

// AppendTo appends the property's value to dst (which may be nil) and
// returns the extended slice.
func (p Property) AppendTo(dst []byte) ([]byte, error) {
	v, err := proxywasm.GetProperty(p.path)
	if err != nil {
		return dst, err
	}
	return append(dst, v...), nil
}

// SetProperty sets the host property at path.
func SetProperty(path []string, data []byte) error { return proxywasm.SetProperty(path, data) }

// SendHttpResponse answers the current stream locally; the request does not
// reach the upstream.
func SendHttpResponse(status uint32, headers [][2]string, body []byte, grpcStatus int32) error {
	return proxywasm.SendHttpResponse(status, headers, body, grpcStatus)
}

// SendHttpResponseBuf is SendHttpResponse with storage to reuse (the SDK
// serializes on its own, so buf is returned unused).
func SendHttpResponseBuf(status uint32, headers [][2]string, body []byte, grpcStatus int32, buf []byte) ([]byte, error) {
	return buf, proxywasm.SendHttpResponse(status, headers, body, grpcStatus)
}

// ResumeHttpRequest continues a request stream paused by the plugin.
func ResumeHttpRequest() error { return proxywasm.ResumeHttpRequest() }

// ResumeHttpResponse continues a response stream paused by the plugin.
func ResumeHttpResponse() error { return proxywasm.ResumeHttpResponse() }

// DispatchHttpCall sends an HTTP request to the named cluster; callback runs
// in the dispatching context when the answer (or a failure: numHeaders 0)
// arrives.
func DispatchHttpCall(cluster string, headers [][2]string, body []byte, trailers [][2]string,
	timeoutMillisecond uint32, callback func(numHeaders, bodySize, numTrailers int)) (uint32, error) {
	return proxywasm.DispatchHttpCall(cluster, headers, body, trailers, timeoutMillisecond, callback)
}

// GetHttpCallResponseHeaders returns the headers of the answer being delivered.
func GetHttpCallResponseHeaders() ([][2]string, error) { return proxywasm.GetHttpCallResponseHeaders() }

// GetHttpCallResponseBody returns up to maxSize bytes of the answer's body from start.
func GetHttpCallResponseBody(start, maxSize int) ([]byte, error) {
	return proxywasm.GetHttpCallResponseBody(start, maxSize)
}

// GetHttpCallResponseTrailers returns the trailers of the answer being delivered.
func GetHttpCallResponseTrailers() ([][2]string, error) {
	return proxywasm.GetHttpCallResponseTrailers()
}

// GetSharedData returns the host-wide value stored under key and its CAS.
func GetSharedData(key string) ([]byte, uint32, error) { return proxywasm.GetSharedData(key) }

// SetSharedData stores data under key; a non-zero cas must match the
// current CAS or types.ErrorStatusCasMismatch is returned.
func SetSharedData(key string, data []byte, cas uint32) error {
	return proxywasm.SetSharedData(key, data, cas)
}

// MetricCounter is a monotonically increasing host metric.
type MetricCounter struct{ m proxywasm.MetricCounter }

// DefineCounterMetric defines (or finds) the counter name.
func DefineCounterMetric(name string) MetricCounter {
	return MetricCounter{proxywasm.DefineCounterMetric(name)}
}

// Increment adds offset to the counter.
func (c MetricCounter) Increment(offset uint64) { c.m.Increment(offset) }

// Value returns the counter's current value.
func (c MetricCounter) Value() uint64 { return c.m.Value() }

// MetricGauge is a host metric that goes up and down.
type MetricGauge struct{ m proxywasm.MetricGauge }

// DefineGaugeMetric defines (or finds) the gauge name.
func DefineGaugeMetric(name string) MetricGauge {
	return MetricGauge{proxywasm.DefineGaugeMetric(name)}
}

// Add adds offset (possibly negative) to the gauge.
func (g MetricGauge) Add(offset int64) { g.m.Add(offset) }

// Value returns the gauge's current value.
func (g MetricGauge) Value() int64 { return g.m.Value() }

// MetricHistogram is a host metric recording a distribution of values.
type MetricHistogram struct{ m proxywasm.MetricHistogram }

// DefineHistogramMetric defines (or finds) the histogram name.
func DefineHistogramMetric(name string) MetricHistogram {
	return MetricHistogram{proxywasm.DefineHistogramMetric(name)}
}

// Record records one value in the histogram.
func (h MetricHistogram) Record(value uint64) { h.m.Record(value) }
