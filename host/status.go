package host

// status is a proxy_status_t, the result of every proxy-wasm host function.
type status uint32

const (
	statusOK                  status = 0
	statusNotFound            status = 1
	statusBadArgument         status = 2
	statusSerializationFailed status = 3
	statusParseFailure        status = 4
	statusInvalidMemoryAccess status = 6
	statusEmpty               status = 7
	statusCasMismatch         status = 8
	statusInternalFailure     status = 10
	statusUnimplemented       status = 12
)

// LogLevel is a proxy_log_level_t.
type LogLevel uint32

// The log levels of the ABI, lowest first.
const (
	LogTrace LogLevel = iota
	LogDebug
	LogInfo
	LogWarn
	LogError
	LogCritical
)

var logLevelNames = [...]string{"trace", "debug", "info", "warn", "error", "critical"}

func (l LogLevel) String() string {
	if int(l) < len(logLevelNames) {
		return logLevelNames[l]
	}
	return "unknown"
}

// ParseLogLevel returns the level named s ("trace" ... "critical").
func ParseLogLevel(s string) (LogLevel, bool) {
	for i, n := range logLevelNames {
		if n == s {
			return LogLevel(i), true
		}
	}
	return 0, false
}

// The ABI's enumerations the host dispatches on.
const (
	bufferHTTPRequestBody      = 0
	bufferHTTPResponseBody     = 1
	bufferDownstreamData       = 2
	bufferUpstreamData         = 3
	bufferHTTPCallResponseBody = 4
	bufferGrpcCallMessage      = 5
	bufferVMConfiguration      = 6
	bufferPluginConfiguration  = 7
	bufferForeignFunctionArgs  = 8

	mapRequestHeaders       = 0
	mapRequestTrailers      = 1
	mapResponseHeaders      = 2
	mapResponseTrailers     = 3
	mapGrpcInitialMetadata  = 4
	mapGrpcTrailingMetadata = 5
	mapCallResponseHeaders  = 6
	mapCallResponseTrailers = 7

	streamHTTPRequest  = 0
	streamHTTPResponse = 1
	streamDownstream   = 2
	streamUpstream     = 3

	actionContinue = 0
	actionPause    = 1
)
