package host

import "github.com/tetratelabs/wazero/api"

// headerMap returns the map a guest names. Stream maps belong to the
// effective stream context; the call response maps exist only inside
// proxy_on_http_call_response. Result: BAD_ARGUMENT for an unknown id and
// for a map that is not available here and now (the spec lists no other
// status for these functions, and Envoy answers BAD_ARGUMENT when its map
// pointer is null: request headers in the root context, response headers
// before the response, gRPC metadata).
func (vm *VM) headerMap(id uint32) (m *Headers, writable bool, st status) {
	switch id {
	case mapRequestHeaders, mapRequestTrailers, mapResponseHeaders, mapResponseTrailers:
		s := vm.stream()
		if s == nil {
			return nil, false, statusBadArgument
		}
		switch id {
		case mapRequestHeaders:
			return &s.req.Headers, true, statusOK
		case mapRequestTrailers:
			return &s.req.Trailers, true, statusOK
		case mapResponseHeaders:
			if s.resp.Headers == nil {
				// Not received yet: Envoy's map pointer is still null.
				return nil, false, statusBadArgument
			}
			return &s.resp.Headers, true, statusOK
		}
		return &s.resp.Trailers, true, statusOK
	case mapCallResponseHeaders, mapCallResponseTrailers:
		if vm.phase != phaseCallResponse || vm.callResp == nil {
			return nil, false, statusBadArgument
		}
		if id == mapCallResponseHeaders {
			return &vm.callResp.headers, false, statusOK
		}
		return &vm.callResp.trailers, false, statusOK
	}
	return nil, false, statusBadArgument // including the gRPC maps: no gRPC here
}

// writableMap is headerMap for the functions that change a map: the call
// response maps are read-only (BAD_ARGUMENT, as in Envoy).
func (vm *VM) writableMap(id uint32) (*Headers, status) {
	m, w, st := vm.headerMap(id)
	if st != statusOK {
		return nil, st
	}
	if !w {
		return nil, statusBadArgument
	}
	return m, statusOK
}

// proxyGetHeaderMapSize implements proxy_get_header_map_size(map_id,
// return_serialized_pairs_size).
func proxyGetHeaderMapSize(vm *VM, mem api.Memory, p []uint64) status {
	m, _, st := vm.headerMap(uint32(p[0]))
	if st != statusOK {
		return st
	}
	n := 4
	for _, kv := range *m {
		n += 8 + len(kv[0]) + 1 + len(kv[1]) + 1
	}
	if !writeUint32(mem, uint32(p[1]), uint32(n)) {
		return statusInvalidMemoryAccess
	}
	return statusOK
}

// proxyGetHeaderMapPairs implements proxy_get_header_map_pairs(map_id,
// return_serialized_pairs_data, return_serialized_pairs_size): the whole
// map, serialized, in one call. A known map that is not available reads as
// an empty map (OK), as in Envoy; an unknown map id is BAD_ARGUMENT.
func proxyGetHeaderMapPairs(vm *VM, mem api.Memory, p []uint64) status {
	var h Headers
	m, _, st := vm.headerMap(uint32(p[0]))
	switch {
	case st == statusOK:
		h = *m
	case uint32(p[0]) > mapCallResponseTrailers:
		return st
	}
	vm.scratch = encodeMap(vm.scratch[:0], h)
	return vm.returnBytes(mem, vm.scratch, uint32(p[1]), uint32(p[2]))
}

// proxySetHeaderMapPairs implements proxy_set_header_map_pairs(map_id,
// serialized_pairs_data, serialized_pairs_size): replaces the whole map.
// A malformed serialization is BAD_ARGUMENT and changes nothing.
func proxySetHeaderMapPairs(vm *VM, mem api.Memory, p []uint64) status {
	m, st := vm.writableMap(uint32(p[0]))
	if st != statusOK {
		return st
	}
	b, ok := readBytes(mem, uint32(p[1]), uint32(p[2]))
	if !ok {
		return statusInvalidMemoryAccess
	}
	h, err := decodeMap(b)
	if err != nil {
		return statusBadArgument
	}
	*m = lowerNames(h)
	return statusOK
}

// proxyGetHeaderMapValue implements proxy_get_header_map_value(map_id,
// key_data, key_size, return_value_data, return_value_size). A repeated
// header answers its first value, as Envoy does (a plugin that must see
// every value reads the pairs). Result: NOT_FOUND for an absent key.
func proxyGetHeaderMapValue(vm *VM, mem api.Memory, p []uint64) status {
	m, _, st := vm.headerMap(uint32(p[0]))
	if st != statusOK {
		return st
	}
	key, ok := readBytes(mem, uint32(p[1]), uint32(p[2]))
	if !ok {
		return statusInvalidMemoryAccess
	}
	v, found := m.first(string(key))
	if !found {
		return statusNotFound
	}
	vm.scratch = append(vm.scratch[:0], v...)
	return vm.returnBytes(mem, vm.scratch, uint32(p[3]), uint32(p[4]))
}

// keyValue reads the key and value of the add/replace functions.
func keyValue(mem api.Memory, p []uint64) (k, v string, ok bool) {
	if k, ok = readString(mem, uint32(p[1]), uint32(p[2])); !ok {
		return "", "", false
	}
	v, ok = readString(mem, uint32(p[3]), uint32(p[4]))
	return k, v, ok
}

// proxyAddHeaderMapValue implements proxy_add_header_map_value(map_id,
// key_data, key_size, value_data, value_size): appends a pair, keeping
// existing values of the key.
func proxyAddHeaderMapValue(vm *VM, mem api.Memory, p []uint64) status {
	return vm.editMap(mem, p, Headers.add)
}

// proxyReplaceHeaderMapValue implements proxy_replace_header_map_value:
// the key ends up with exactly this one value.
func proxyReplaceHeaderMapValue(vm *VM, mem api.Memory, p []uint64) status {
	return vm.editMap(mem, p, Headers.replace)
}

// editMap applies edit(key, value) to the map the add and replace
// functions name.
func (vm *VM) editMap(mem api.Memory, p []uint64, edit func(Headers, string, string) Headers) status {
	m, st := vm.writableMap(uint32(p[0]))
	if st != statusOK {
		return st
	}
	k, v, ok := keyValue(mem, p)
	if !ok {
		return statusInvalidMemoryAccess
	}
	*m = edit(*m, k, v)
	return statusOK
}

// proxyRemoveHeaderMapValue implements proxy_remove_header_map_value(map_id,
// key_data, key_size): removes every value of the key; OK when absent.
func proxyRemoveHeaderMapValue(vm *VM, mem api.Memory, p []uint64) status {
	m, st := vm.writableMap(uint32(p[0]))
	if st != statusOK {
		return st
	}
	k, ok := readBytes(mem, uint32(p[1]), uint32(p[2]))
	if !ok {
		return statusInvalidMemoryAccess
	}
	*m = m.remove(string(k))
	return statusOK
}
