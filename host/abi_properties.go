package host

import (
	"strings"

	"github.com/tetratelabs/wazero/api"
)

// propertyKey turns a guest's path (segments separated, and possibly
// terminated, by NUL) into the key properties are stored under.
func propertyKey(b []byte) string {
	return strings.TrimSuffix(string(b), "\x00")
}

// property looks an attribute up as Envoy does for a stream: the
// stream's own (connection, source, values set by the plugin), then
// request.* computed from its current headers, then the VM-wide ones and
// the plugin's identity.
func (vm *VM) property(key string) ([]byte, bool) {
	if s := vm.stream(); s != nil {
		if v, ok := s.props.get(key); ok {
			return v, true
		}
		if v, ok := requestProperty(s.req.Headers, s.started, key); ok {
			return v, true
		}
		if key == "response\x00code" {
			if c, ok := s.resp.Headers.Get(":status"); ok {
				return []byte(c), true
			}
		}
	}
	if v, ok := vm.cfg.Properties.get(key); ok {
		return v, true
	}
	switch key {
	case "plugin_name":
		return []byte(vm.cfg.PluginName), true
	case "plugin_root_id":
		return []byte(vm.cfg.RootID), true
	case "plugin_vm_id":
		return []byte(vm.cfg.VMID), true
	}
	return nil, false
}

// proxyGetProperty implements proxy_get_property(path_data, path_size,
// return_value_data, return_value_size). Result: OK; NOT_FOUND for an
// unknown attribute; INVALID_MEMORY_ACCESS.
func proxyGetProperty(vm *VM, mem api.Memory, p []uint64) status {
	path, ok := readBytes(mem, uint32(p[0]), uint32(p[1]))
	if !ok {
		return statusInvalidMemoryAccess
	}
	v, found := vm.property(propertyKey(path))
	if !found {
		return statusNotFound
	}
	return vm.returnBytes(mem, v, uint32(p[2]), uint32(p[3]))
}

// proxySetProperty implements proxy_set_property(path_data, path_size,
// value_data, value_size): the value is visible to later reads in the same
// stream (or, from the root context, VM-wide), like Envoy's filter state.
func proxySetProperty(vm *VM, mem api.Memory, p []uint64) status {
	path, ok1 := readBytes(mem, uint32(p[0]), uint32(p[1]))
	val, ok2 := readBytes(mem, uint32(p[2]), uint32(p[3]))
	if !ok1 || !ok2 {
		return statusInvalidMemoryAccess
	}
	key := propertyKey(path)
	v := append([]byte(nil), val...)
	if s := vm.stream(); s != nil {
		if s.props.m == nil {
			s.props.m = make(map[string][]byte)
		}
		s.props.m[key] = v
		return statusOK
	}
	if vm.cfg.Properties.m == nil {
		vm.cfg.Properties.m = make(map[string][]byte)
	}
	vm.cfg.Properties.m[key] = v
	return statusOK
}
