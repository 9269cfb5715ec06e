package main

import "unsafe"

// Raw declarations of every proxy-wasm v0.2.1 host function, so the
// checks can pass any pointer and size, hostile ones included.

type ptr = unsafe.Pointer

//go:wasmimport env proxy_log
func proxyLog(level uint32, msg ptr, size uint32) uint32

//go:wasmimport env proxy_get_log_level
func proxyGetLogLevel(ret ptr) uint32

//go:wasmimport env proxy_get_current_time_nanoseconds
func proxyGetCurrentTimeNanoseconds(ret ptr) uint32

//go:wasmimport env proxy_set_tick_period_milliseconds
func proxySetTickPeriodMilliseconds(ms uint32) uint32

//go:wasmimport env proxy_set_effective_context
func proxySetEffectiveContext(id uint32) uint32

//go:wasmimport env proxy_done
func proxyDone() uint32

//go:wasmimport env proxy_get_buffer_bytes
func proxyGetBufferBytes(t, start, max uint32, retData, retSize ptr) uint32

//go:wasmimport env proxy_get_buffer_status
func proxyGetBufferStatus(t uint32, retSize, retFlags ptr) uint32

//go:wasmimport env proxy_set_buffer_bytes
func proxySetBufferBytes(t, start, size uint32, data ptr, dataSize uint32) uint32

//go:wasmimport env proxy_get_header_map_size
func proxyGetHeaderMapSize(t uint32, retSize ptr) uint32

//go:wasmimport env proxy_get_header_map_pairs
func proxyGetHeaderMapPairs(t uint32, retData, retSize ptr) uint32

//go:wasmimport env proxy_set_header_map_pairs
func proxySetHeaderMapPairs(t uint32, data ptr, size uint32) uint32

//go:wasmimport env proxy_get_header_map_value
func proxyGetHeaderMapValue(t uint32, key ptr, keySize uint32, retData, retSize ptr) uint32

//go:wasmimport env proxy_add_header_map_value
func proxyAddHeaderMapValue(t uint32, key ptr, keySize uint32, value ptr, valueSize uint32) uint32

//go:wasmimport env proxy_replace_header_map_value
func proxyReplaceHeaderMapValue(t uint32, key ptr, keySize uint32, value ptr, valueSize uint32) uint32

//go:wasmimport env proxy_remove_header_map_value
func proxyRemoveHeaderMapValue(t uint32, key ptr, keySize uint32) uint32

//go:wasmimport env proxy_get_property
func proxyGetProperty(path ptr, pathSize uint32, retData, retSize ptr) uint32

//go:wasmimport env proxy_set_property
func proxySetProperty(path ptr, pathSize uint32, value ptr, valueSize uint32) uint32

//go:wasmimport env proxy_send_local_response
func proxySendLocalResponse(status uint32, details ptr, detailsSize uint32, body ptr, bodySize uint32, headers ptr, headersSize uint32, grpc int32) uint32

//go:wasmimport env proxy_continue_stream
func proxyContinueStream(t uint32) uint32

//go:wasmimport env proxy_close_stream
func proxyCloseStream(t uint32) uint32

//go:wasmimport env proxy_get_status
func proxyGetStatus(code, msg, msgSize ptr) uint32

//go:wasmimport env proxy_http_call
func proxyHTTPCall(up ptr, upSize uint32, h ptr, hSize uint32, body ptr, bodySize uint32, tr ptr, trSize uint32, timeout uint32, retID ptr) uint32

//go:wasmimport env proxy_grpc_call
func proxyGrpcCall(a ptr, b uint32, c ptr, d uint32, e ptr, f uint32, g ptr, h uint32, i ptr, j uint32, timeout uint32, ret ptr) uint32

//go:wasmimport env proxy_grpc_stream
func proxyGrpcStream(a ptr, b uint32, c ptr, d uint32, e ptr, f uint32, g ptr, h uint32, ret ptr) uint32

//go:wasmimport env proxy_grpc_send
func proxyGrpcSend(id uint32, msg ptr, size uint32, end uint32) uint32

//go:wasmimport env proxy_grpc_cancel
func proxyGrpcCancel(id uint32) uint32

//go:wasmimport env proxy_grpc_close
func proxyGrpcClose(id uint32) uint32

//go:wasmimport env proxy_get_shared_data
func proxyGetSharedData(key ptr, keySize uint32, retData, retSize, retCAS ptr) uint32

//go:wasmimport env proxy_set_shared_data
func proxySetSharedData(key ptr, keySize uint32, value ptr, valueSize uint32, cas uint32) uint32

//go:wasmimport env proxy_register_shared_queue
func proxyRegisterSharedQueue(name ptr, nameSize uint32, retID ptr) uint32

//go:wasmimport env proxy_resolve_shared_queue
func proxyResolveSharedQueue(vm ptr, vmSize uint32, name ptr, nameSize uint32, retID ptr) uint32

//go:wasmimport env proxy_enqueue_shared_queue
func proxyEnqueueSharedQueue(id uint32, value ptr, size uint32) uint32

//go:wasmimport env proxy_dequeue_shared_queue
func proxyDequeueSharedQueue(id uint32, retData, retSize ptr) uint32

//go:wasmimport env proxy_define_metric
func proxyDefineMetric(t uint32, name ptr, nameSize uint32, retID ptr) uint32

//go:wasmimport env proxy_increment_metric
func proxyIncrementMetric(id uint32, delta int64) uint32

//go:wasmimport env proxy_record_metric
func proxyRecordMetric(id uint32, value uint64) uint32

//go:wasmimport env proxy_get_metric
func proxyGetMetric(id uint32, ret ptr) uint32

//go:wasmimport env proxy_call_foreign_function
func proxyCallForeignFunction(name ptr, nameSize uint32, args ptr, argsSize uint32, ret, retSize ptr) uint32

// procExit is WASI's proc_exit, imported directly (os.Exit would pull in
// the os package and with it WASI functions Envoy does not provide).
//
//go:wasmimport wasi_snapshot_preview1 proc_exit
func procExit(code uint32)
