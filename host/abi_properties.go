package host

import (
	"encoding/binary"
	"strconv"
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
			// An integer attribute: 8 bytes little-endian, as Envoy
			// serializes every int64, not the ":status" text.
			if c, ok := s.resp.Headers.first(":status"); ok {
				if n, err := strconv.ParseInt(c, 10, 64); err == nil {
					return binary.LittleEndian.AppendUint64(nil, uint64(n)), true
				}
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
// stream, like Envoy's filter state. Result: OK; NOT_FOUND outside a
// stream (Envoy keeps properties in a stream's filter state, so its root
// context has nowhere to put one); INVALID_MEMORY_ACCESS.
func proxySetProperty(vm *VM, mem api.Memory, p []uint64) status {
	path, ok1 := readBytes(mem, uint32(p[0]), uint32(p[1]))
	val, ok2 := readBytes(mem, uint32(p[2]), uint32(p[3]))
	if !ok1 || !ok2 {
		return statusInvalidMemoryAccess
	}
	s := vm.stream()
	if s == nil {
		return statusNotFound
	}
	if !s.ownProps {
		// The map came from NewStream's caller, who may hand the same
		// Properties to other streams, on other VMs: write to a copy.
		m := make(map[string][]byte, len(s.props.m)+1)
		for k, v := range s.props.m {
			m[k] = v
		}
		s.props.m, s.ownProps = m, true
	}
	s.props.m[propertyKey(path)] = append([]byte(nil), val...)
	return statusOK
}
