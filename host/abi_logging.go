package host

import (
	"time"

	"github.com/tetratelabs/wazero/api"
)

// proxyLog implements proxy_log(log_level, message_data, message_size).
// Result: OK; BAD_ARGUMENT for a level above CRITICAL; INVALID_MEMORY_ACCESS
// when the message is outside guest memory. Messages below the VM's level
// are dropped without being copied.
func proxyLog(vm *VM, mem api.Memory, p []uint64) status {
	level := LogLevel(uint32(p[0]))
	if level > LogCritical {
		return statusBadArgument
	}
	b, ok := readBytes(mem, uint32(p[1]), uint32(p[2]))
	if !ok {
		return statusInvalidMemoryAccess
	}
	if level >= vm.cfg.LogLevel && vm.cfg.Log != nil {
		vm.cfg.Log(level, string(b))
	}
	return statusOK
}

// proxyGetLogLevel implements proxy_get_log_level(return_log_level).
func proxyGetLogLevel(vm *VM, mem api.Memory, p []uint64) status {
	if !writeUint32(mem, uint32(p[0]), uint32(vm.cfg.LogLevel)) {
		return statusInvalidMemoryAccess
	}
	return statusOK
}

// proxyGetCurrentTimeNanoseconds implements the deprecated
// proxy_get_current_time_nanoseconds(return_time): wall-clock nanoseconds.
func proxyGetCurrentTimeNanoseconds(vm *VM, mem api.Memory, p []uint64) status {
	if !writeUint64(mem, uint32(p[0]), uint64(time.Now().UnixNano())) {
		return statusInvalidMemoryAccess
	}
	return statusOK
}
