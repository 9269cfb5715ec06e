package host

import (
	"context"
	"strings"

	"github.com/tetratelabs/wazero/api"
)

// hostFunction is one proxy-wasm host function exported to guests as
// env.<name>. Every one returns a proxy_status_t (i32).
type hostFunction struct {
	name   string
	params []api.ValueType
	names  []string
	fn     api.GoModuleFunc
}

// abiFunc is the body of a host function: it gets the VM whose guest is
// calling (vm.mu is held: the guest only runs inside vm.call) and the raw
// parameters, and returns the status.
type abiFunc func(vm *VM, mem api.Memory, p []uint64) status

// def declares a host function. Parameters are i32 unless their name ends
// in ":i64".
func def(name string, f abiFunc, params ...string) hostFunction {
	hf := hostFunction{name: name, names: make([]string, len(params))}
	for i, p := range params {
		t := api.ValueTypeI32
		if n, ok := strings.CutSuffix(p, ":i64"); ok {
			p, t = n, api.ValueTypeI64
		}
		hf.names[i] = p
		hf.params = append(hf.params, t)
	}
	hf.fn = func(ctx context.Context, mod api.Module, stack []uint64) {
		vm := vmFrom(ctx)
		if vm == nil {
			stack[0] = uint64(statusInternalFailure)
			return
		}
		vm.hostCalls++
		stack[0] = uint64(f(vm, mod.Memory(), stack))
	}
	return hf
}

// hostFunctions is every proxy-wasm v0.2.1 host function, grouped as the
// spec groups them. Their bodies live in the abi_*.go file of their area.
var hostFunctions = []hostFunction{
	// Logging and clocks (abi_logging.go).
	def("proxy_log", proxyLog, "log_level", "message_data", "message_size"),
	def("proxy_get_log_level", proxyGetLogLevel, "return_log_level"),
	def("proxy_get_current_time_nanoseconds", proxyGetCurrentTimeNanoseconds, "return_time"),
	// Context lifecycle (abi_context.go).
	def("proxy_set_effective_context", proxySetEffectiveContext, "context_id"),
	def("proxy_done", proxyDone),
	// Timers (abi_timers.go).
	def("proxy_set_tick_period_milliseconds", proxySetTickPeriodMilliseconds, "tick_period"),
	// Buffers (abi_buffers.go).
	def("proxy_get_buffer_bytes", proxyGetBufferBytes, "buffer_id", "start", "max_size", "return_value_data", "return_value_size"),
	def("proxy_get_buffer_status", proxyGetBufferStatus, "buffer_id", "return_buffer_size", "return_ignored"),
	def("proxy_set_buffer_bytes", proxySetBufferBytes, "buffer_id", "start", "size", "value_data", "value_size"),
	// HTTP fields (abi_headers.go).
	def("proxy_get_header_map_size", proxyGetHeaderMapSize, "map_id", "return_serialized_pairs_size"),
	def("proxy_get_header_map_pairs", proxyGetHeaderMapPairs, "map_id", "return_serialized_pairs_data", "return_serialized_pairs_size"),
	def("proxy_set_header_map_pairs", proxySetHeaderMapPairs, "map_id", "serialized_pairs_data", "serialized_pairs_size"),
	def("proxy_get_header_map_value", proxyGetHeaderMapValue, "map_id", "key_data", "key_size", "return_value_data", "return_value_size"),
	def("proxy_add_header_map_value", proxyAddHeaderMapValue, "map_id", "key_data", "key_size", "value_data", "value_size"),
	def("proxy_replace_header_map_value", proxyReplaceHeaderMapValue, "map_id", "key_data", "key_size", "value_data", "value_size"),
	def("proxy_remove_header_map_value", proxyRemoveHeaderMapValue, "map_id", "key_data", "key_size"),
	// Streams (abi_stream.go).
	def("proxy_send_local_response", proxySendLocalResponse, "status_code", "status_code_details_data", "status_code_details_size",
		"body_data", "body_size", "serialized_headers_data", "serialized_headers_size", "grpc_status"),
	def("proxy_continue_stream", proxyContinueStream, "stream_type"),
	def("proxy_close_stream", proxyCloseStream, "stream_type"),
	def("proxy_get_status", proxyGetStatus, "return_status_code", "return_status_message_data", "return_status_message_size"),
	// Properties (abi_properties.go).
	def("proxy_get_property", proxyGetProperty, "path_data", "path_size", "return_value_data", "return_value_size"),
	def("proxy_set_property", proxySetProperty, "path_data", "path_size", "value_data", "value_size"),
	// HTTP and gRPC calls (abi_httpcall.go).
	def("proxy_http_call", proxyHTTPCall, "upstream_name_data", "upstream_name_size", "serialized_headers_data", "serialized_headers_size",
		"body_data", "body_size", "serialized_trailers_data", "serialized_trailers_size", "timeout", "return_call_id"),
	def("proxy_grpc_call", proxyUnimplemented, "upstream_name_data", "upstream_name_size", "service_name_data", "service_name_size",
		"method_name_data", "method_name_size", "serialized_initial_metadata_data", "serialized_initial_metadata_size",
		"message_data", "message_size", "timeout", "return_call_id"),
	def("proxy_grpc_stream", proxyUnimplemented, "upstream_name_data", "upstream_name_size", "service_name_data", "service_name_size",
		"method_name_data", "method_name_size", "serialized_initial_metadata_data", "serialized_initial_metadata_size", "return_stream_id"),
	def("proxy_grpc_send", proxyUnimplemented, "stream_id", "message_data", "message_size", "end_stream"),
	def("proxy_grpc_cancel", proxyUnimplemented, "call_or_stream_id"),
	def("proxy_grpc_close", proxyUnimplemented, "call_or_stream_id"),
	// Shared key-value store (abi_shareddata.go) and queues (abi_queues.go).
	def("proxy_get_shared_data", proxyGetSharedData, "key_data", "key_size", "return_value_data", "return_value_size", "return_cas"),
	def("proxy_set_shared_data", proxySetSharedData, "key_data", "key_size", "value_data", "value_size", "cas"),
	def("proxy_register_shared_queue", proxyRegisterSharedQueue, "name_data", "name_size", "return_queue_id"),
	def("proxy_resolve_shared_queue", proxyResolveSharedQueue, "vm_id_data", "vm_id_size", "name_data", "name_size", "return_queue_id"),
	def("proxy_enqueue_shared_queue", proxyEnqueueSharedQueue, "queue_id", "value_data", "value_size"),
	def("proxy_dequeue_shared_queue", proxyDequeueSharedQueue, "queue_id", "return_value_data", "return_value_size"),
	// Metrics (abi_metrics.go).
	def("proxy_define_metric", proxyDefineMetric, "metric_type", "name_data", "name_size", "return_metric_id"),
	def("proxy_increment_metric", proxyIncrementMetric, "metric_id", "delta:i64"),
	def("proxy_record_metric", proxyRecordMetric, "metric_id", "value:i64"),
	def("proxy_get_metric", proxyGetMetric, "metric_id", "return_value"),
	// Foreign functions: none are registered, as in a plain Envoy.
	def("proxy_call_foreign_function", proxyCallForeignFunction, "name_data", "name_size", "arguments_data", "arguments_size",
		"return_results_data", "return_results_size"),
}

var hostFunctionNames = func() map[string]bool {
	m := make(map[string]bool, len(hostFunctions))
	for _, f := range hostFunctions {
		m[f.name] = true
	}
	return m
}()

// proxyUnimplemented answers the gRPC calls: this host has no gRPC
// clusters. Envoy implements them; a plugin that needs them cannot run here.
func proxyUnimplemented(*VM, api.Memory, []uint64) status { return statusUnimplemented }

// proxyCallForeignFunction: no foreign function is registered, so every
// name is NOT_FOUND (after the arguments were checked to be readable).
func proxyCallForeignFunction(vm *VM, mem api.Memory, p []uint64) status {
	if _, ok := readBytes(mem, uint32(p[0]), uint32(p[1])); !ok {
		return statusInvalidMemoryAccess
	}
	if _, ok := readBytes(mem, uint32(p[2]), uint32(p[3])); !ok {
		return statusInvalidMemoryAccess
	}
	return statusNotFound
}
