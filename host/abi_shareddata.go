package host

import (
	"sync"

	"github.com/tetratelabs/wazero/api"
)

// SharedData is the host-wide key-value store of proxy_get_shared_data and
// proxy_set_shared_data, shared by every VM given it, with Envoy's
// compare-and-swap: every write gives the key a new non-zero CAS value,
// and a write carrying a non-zero CAS succeeds only if it still matches.
// As in Envoy, keys live in one namespace per VM id: VMs configured with
// different VMIDs do not see each other's data. It is safe for concurrent
// use.
type SharedData struct {
	mu      sync.Mutex
	m       map[string]sharedValue
	nextCAS uint32
	queues  queues
}

type sharedValue struct {
	data []byte
	cas  uint32
}

// NewSharedData returns an empty store.
func NewSharedData() *SharedData {
	return &SharedData{m: make(map[string]sharedValue)}
}

// Get returns the value and CAS of key in the namespace of vmID.
func (d *SharedData) Get(vmID, key string) ([]byte, uint32, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	v, ok := d.m[vmID+"\x00"+key]
	return v.data, v.cas, ok
}

// Set stores data under key in the namespace of vmID if cas is 0 or
// matches the key's current CAS (a key that does not exist yet accepts any
// CAS, as in Envoy), and reports whether it did.
func (d *SharedData) Set(vmID, key string, data []byte, cas uint32) bool {
	key = vmID + "\x00" + key
	d.mu.Lock()
	defer d.mu.Unlock()
	cur, exists := d.m[key]
	if cas != 0 && exists && cur.cas != cas {
		return false
	}
	d.nextCAS++
	if d.nextCAS == 0 {
		d.nextCAS = 1
	}
	d.m[key] = sharedValue{data: data, cas: d.nextCAS}
	return true
}

// proxyGetSharedData implements proxy_get_shared_data(key_data, key_size,
// return_value_data, return_value_size, return_cas). Result: OK; NOT_FOUND
// for an absent key; INVALID_MEMORY_ACCESS.
func proxyGetSharedData(vm *VM, mem api.Memory, p []uint64) status {
	key, ok := readBytes(mem, uint32(p[0]), uint32(p[1]))
	if !ok || !writable(mem, uint32(p[4]), 4) {
		return statusInvalidMemoryAccess
	}
	data, cas, found := vm.cfg.SharedData.Get(vm.cfg.VMID, string(key))
	if !found {
		return statusNotFound
	}
	if st := vm.returnBytes(mem, data, uint32(p[2]), uint32(p[3])); st != statusOK {
		return st
	}
	writeUint32(mem, uint32(p[4]), cas)
	return statusOK
}

// proxySetSharedData implements proxy_set_shared_data(key_data, key_size,
// value_data, value_size, cas). Result: OK; CAS_MISMATCH when cas is
// non-zero and stale; INVALID_MEMORY_ACCESS.
func proxySetSharedData(vm *VM, mem api.Memory, p []uint64) status {
	key, ok1 := readString(mem, uint32(p[0]), uint32(p[1]))
	val, ok2 := readBytes(mem, uint32(p[2]), uint32(p[3]))
	if !ok1 || !ok2 {
		return statusInvalidMemoryAccess
	}
	if !vm.cfg.SharedData.Set(vm.cfg.VMID, key, append([]byte(nil), val...), uint32(p[4])) {
		return statusCasMismatch
	}
	return statusOK
}
