package abi

import (
	"unsafe"

	"github.com/tetratelabs/proxy-wasm-go-sdk/proxywasm/types"
)

// The facade over the host calls; the API is hostcall_other.go's, and so
// its doc comments. Every function that receives data resets the arena
// first and copies out before returning (see memory_wasip1.go).

func log(level uint32, msg string) { proxyLog(level, strPtr(msg), uint32(len(msg))) }

func LogTrace(msg string)    { log(0, msg) }
func LogDebug(msg string)    { log(1, msg) }
func LogInfo(msg string)     { log(2, msg) }
func LogWarn(msg string)     { log(3, msg) }
func LogError(msg string)    { log(4, msg) }
func LogCritical(msg string) { log(5, msg) }

// ret receives what host calls return through pointers. A local whose
// address goes to an imported function escapes to the heap, which made
// every such call an allocation (a microsecond inside wasm); ret is
// allocated once. The guest runs one call at a time, and while a host
// call runs the host only calls back into proxy_on_memory_allocate, which
// does not use ret, so one set of slots serves every call. Callers copy
// the values out before the next host call.
var ret retSlots

type retSlots struct {
	ptr, size, cas, id uint32
	u64                uint64
}

// Pointers to the slots; retReset clears them before a call.
var (
	retPtr  = unsafe.Pointer(&ret.ptr)
	retSize = unsafe.Pointer(&ret.size)
)

func retReset() { ret = retSlots{} }

func getBuffer(t uint32, start, maxSize int) ([]byte, error) {
	arenaReset()
	retReset()
	if err := statusError(status(proxyGetBufferBytes(t, uint32(start), uint32(maxSize), retPtr, retSize))); err != nil {
		return nil, err
	}
	b, ok := view(ret.ptr, ret.size)
	if !ok {
		return nil, types.ErrorInternalFailure
	}
	return append([]byte(nil), b...), nil
}

func setBuffer(t uint32, start, size int, data []byte) error {
	return statusError(status(proxySetBufferBytes(t, uint32(start), uint32(size), bytesPtr(data), uint32(len(data)))))
}

const maxUint32 = 1<<32 - 1

func GetVMConfiguration() ([]byte, error) { return getBuffer(bufferVMConfiguration, 0, maxUint32) }

func GetPluginConfiguration() ([]byte, error) {
	return getBuffer(bufferPluginConfiguration, 0, maxUint32)
}

func SetTickPeriodMilliSeconds(ms uint32) error {
	return statusError(status(proxySetTickPeriodMilliseconds(ms)))
}

func SetEffectiveContext(contextID uint32) error {
	if err := statusError(status(proxySetEffectiveContext(contextID))); err != nil {
		return err
	}
	current = contextID
	return nil
}

func getMap(t uint32) ([][2]string, error) { return getMapInto(t, nil) }

func getMapInto(t uint32, dst [][2]string) ([][2]string, error) {
	arenaReset()
	retReset()
	if err := statusError(status(proxyGetHeaderMapPairs(t, retPtr, retSize))); err != nil {
		return nil, err
	}
	b, ok := view(ret.ptr, ret.size)
	if !ok {
		return nil, types.ErrorInternalFailure
	}
	m, err := deserializeMapInto(dst, b)
	if err != nil {
		return nil, types.ErrorInternalFailure
	}
	return m, nil
}

func setMap(t uint32, m [][2]string) error {
	_, err := setMapBuf(t, m, nil)
	return err
}

// setMapBuf is setMap serializing into buf's storage; it returns the
// storage for the next call.
func setMapBuf(t uint32, m [][2]string, buf []byte) ([]byte, error) {
	b := appendMap(buf[:0], m)
	return b, statusError(status(proxySetHeaderMapPairs(t, bytesPtr(b), uint32(len(b)))))
}

func getMapValue(t uint32, key string) (string, error) {
	arenaReset()
	retReset()
	if err := statusError(status(proxyGetHeaderMapValue(t, strPtr(key), uint32(len(key)), retPtr, retSize))); err != nil {
		return "", err
	}
	b, ok := view(ret.ptr, ret.size)
	if !ok {
		return "", types.ErrorInternalFailure
	}
	return string(b), nil
}

func addMapValue(t uint32, key, value string) error {
	return statusError(status(proxyAddHeaderMapValue(t, strPtr(key), uint32(len(key)), strPtr(value), uint32(len(value)))))
}

func replaceMapValue(t uint32, key, value string) error {
	return statusError(status(proxyReplaceHeaderMapValue(t, strPtr(key), uint32(len(key)), strPtr(value), uint32(len(value)))))
}

func removeMapValue(t uint32, key string) error {
	return statusError(status(proxyRemoveHeaderMapValue(t, strPtr(key), uint32(len(key)))))
}

func GetHttpRequestHeaders() ([][2]string, error) { return getMap(mapRequestHeaders) }

// GetHttpRequestHeadersInto is GetHttpRequestHeaders reusing dst's storage
// for the pairs (its contents are overwritten; the strings are new).
func GetHttpRequestHeadersInto(dst [][2]string) ([][2]string, error) {
	return getMapInto(mapRequestHeaders, dst)
}
func GetHttpRequestHeader(key string) (string, error) { return getMapValue(mapRequestHeaders, key) }
func AddHttpRequestHeader(key, value string) error    { return addMapValue(mapRequestHeaders, key, value) }
func ReplaceHttpRequestHeader(key, value string) error {
	return replaceMapValue(mapRequestHeaders, key, value)
}
func RemoveHttpRequestHeader(key string) error      { return removeMapValue(mapRequestHeaders, key) }
func ReplaceHttpRequestHeaders(h [][2]string) error { return setMap(mapRequestHeaders, h) }

// ReplaceHttpRequestHeadersBuf is ReplaceHttpRequestHeaders serializing
// into buf's storage, which it returns for the next call.
func ReplaceHttpRequestHeadersBuf(h [][2]string, buf []byte) ([]byte, error) {
	return setMapBuf(mapRequestHeaders, h, buf)
}
func GetHttpRequestTrailers() ([][2]string, error)     { return getMap(mapRequestTrailers) }
func GetHttpResponseHeaders() ([][2]string, error)     { return getMap(mapResponseHeaders) }
func GetHttpResponseHeader(key string) (string, error) { return getMapValue(mapResponseHeaders, key) }
func AddHttpResponseHeader(key, value string) error {
	return addMapValue(mapResponseHeaders, key, value)
}
func ReplaceHttpResponseHeader(key, value string) error {
	return replaceMapValue(mapResponseHeaders, key, value)
}
func RemoveHttpResponseHeader(key string) error      { return removeMapValue(mapResponseHeaders, key) }
func ReplaceHttpResponseHeaders(h [][2]string) error { return setMap(mapResponseHeaders, h) }
func GetHttpResponseTrailers() ([][2]string, error)  { return getMap(mapResponseTrailers) }

func GetHttpRequestBody(start, maxSize int) ([]byte, error) {
	return getBuffer(bufferHTTPRequestBody, start, maxSize)
}
func ReplaceHttpRequestBody(data []byte) error {
	return setBuffer(bufferHTTPRequestBody, 0, maxUint32, data)
}
func AppendHttpRequestBody(data []byte) error {
	return setBuffer(bufferHTTPRequestBody, maxUint32, 0, data)
}
func GetHttpResponseBody(start, maxSize int) ([]byte, error) {
	return getBuffer(bufferHTTPResponseBody, start, maxSize)
}
func ReplaceHttpResponseBody(data []byte) error {
	return setBuffer(bufferHTTPResponseBody, 0, maxUint32, data)
}
func AppendHttpResponseBody(data []byte) error {
	return setBuffer(bufferHTTPResponseBody, maxUint32, 0, data)
}

func GetProperty(path []string) ([]byte, error) {
	return getProperty(serializePath(path), nil)
}

// AppendTo appends the property's value to dst (which may be nil) and
// returns the extended slice: with room in dst, nothing is allocated.
func (p Property) AppendTo(dst []byte) ([]byte, error) { return getProperty(p.wire, dst) }

func getProperty(b, dst []byte) ([]byte, error) {
	arenaReset()
	retReset()
	if err := statusError(status(proxyGetProperty(bytesPtr(b), uint32(len(b)), retPtr, retSize))); err != nil {
		return nil, err
	}
	v, ok := view(ret.ptr, ret.size)
	if !ok {
		return nil, types.ErrorInternalFailure
	}
	return append(dst, v...), nil
}

func SetProperty(path []string, data []byte) error {
	b := serializePath(path)
	return statusError(status(proxySetProperty(bytesPtr(b), uint32(len(b)), bytesPtr(data), uint32(len(data)))))
}

func SendHttpResponse(statusCode uint32, headers [][2]string, body []byte, grpcStatus int32) error {
	_, err := SendHttpResponseBuf(statusCode, headers, body, grpcStatus, nil)
	return err
}

// SendHttpResponseBuf is SendHttpResponse serializing the headers into
// buf's storage, which it returns for the next call.
func SendHttpResponseBuf(statusCode uint32, headers [][2]string, body []byte, grpcStatus int32, buf []byte) ([]byte, error) {
	h := appendMap(buf[:0], headers)
	return h, statusError(status(proxySendLocalResponse(statusCode, nil, 0, bytesPtr(body), uint32(len(body)),
		bytesPtr(h), uint32(len(h)), grpcStatus)))
}

func ResumeHttpRequest() error  { return statusError(status(proxyContinueStream(streamRequest))) }
func ResumeHttpResponse() error { return statusError(status(proxyContinueStream(streamResponse))) }

func DispatchHttpCall(cluster string, headers [][2]string, body []byte, trailers [][2]string,
	timeoutMillisecond uint32, callback func(numHeaders, bodySize, numTrailers int)) (uint32, error) {
	h, t := serializeMap(headers), serializeMap(trailers)
	retReset()
	st := status(proxyHTTPCall(strPtr(cluster), uint32(len(cluster)), bytesPtr(h), uint32(len(h)),
		bytesPtr(body), uint32(len(body)), bytesPtr(t), uint32(len(t)), timeoutMillisecond, unsafe.Pointer(&ret.id)))
	if err := statusError(st); err != nil {
		return 0, err
	}
	id := ret.id
	vm.registerCallout(id, current, callback)
	return id, nil
}

func GetHttpCallResponseHeaders() ([][2]string, error) { return getMap(mapCallResponseHeaders) }
func GetHttpCallResponseBody(start, maxSize int) ([]byte, error) {
	return getBuffer(bufferHTTPCallResponseBody, start, maxSize)
}
func GetHttpCallResponseTrailers() ([][2]string, error) { return getMap(mapCallResponseTrailers) }

func GetSharedData(key string) ([]byte, uint32, error) {
	arenaReset()
	retReset()
	if err := statusError(status(proxyGetSharedData(strPtr(key), uint32(len(key)), retPtr, retSize, unsafe.Pointer(&ret.cas)))); err != nil {
		return nil, 0, err
	}
	v, ok := view(ret.ptr, ret.size)
	if !ok {
		return nil, 0, types.ErrorInternalFailure
	}
	return append([]byte(nil), v...), ret.cas, nil
}

func SetSharedData(key string, data []byte, cas uint32) error {
	return statusError(status(proxySetSharedData(strPtr(key), uint32(len(key)), bytesPtr(data), uint32(len(data)), cas)))
}

func defineMetric(t uint32, name string) uint32 {
	retReset()
	if proxyDefineMetric(t, strPtr(name), uint32(len(name)), unsafe.Pointer(&ret.id)) != 0 {
		LogError("define metric " + name + " failed")
	}
	return ret.id
}

func getMetric(id uint32) uint64 {
	retReset()
	proxyGetMetric(id, unsafe.Pointer(&ret.u64))
	return ret.u64
}

type MetricCounter struct{ id uint32 }

func DefineCounterMetric(name string) MetricCounter {
	return MetricCounter{defineMetric(metricCounter, name)}
}
func (c MetricCounter) Increment(offset uint64) { proxyIncrementMetric(c.id, int64(offset)) }
func (c MetricCounter) Value() uint64           { return getMetric(c.id) }

type MetricGauge struct{ id uint32 }

func DefineGaugeMetric(name string) MetricGauge { return MetricGauge{defineMetric(metricGauge, name)} }
func (g MetricGauge) Add(offset int64)          { proxyIncrementMetric(g.id, offset) }
func (g MetricGauge) Value() int64              { return int64(getMetric(g.id)) }

type MetricHistogram struct{ id uint32 }

func DefineHistogramMetric(name string) MetricHistogram {
	return MetricHistogram{defineMetric(metricHistogram, name)}
}
func (h MetricHistogram) Record(value uint64) { proxyRecordMetric(h.id, value) }
