package host

import "github.com/tetratelabs/wazero/api"

// queues are the shared queues of a SharedData: named per VM id, readable
// and writable from every VM, with proxy_on_queue_ready delivered to the
// VM that registered the queue. Guarded by SharedData.mu.
type queues struct {
	byName map[string]uint32 // vm_id + "\x00" + name → id
	list   []*queue          // id-1 → queue
}

type queue struct {
	owner *VM
	items [][]byte
}

// maxQueueItems bounds a queue nobody drains.
const maxQueueItems = 10000

// proxyRegisterSharedQueue implements proxy_register_shared_queue(name_data,
// name_size, return_queue_id): creates, or opens, the queue this VM's id
// owns under that name; its proxy_on_queue_ready goes to this VM.
func proxyRegisterSharedQueue(vm *VM, mem api.Memory, p []uint64) status {
	name, ok := readString(mem, uint32(p[0]), uint32(p[1]))
	if !ok || !writable(mem, uint32(p[2]), 4) {
		return statusInvalidMemoryAccess
	}
	d := vm.cfg.SharedData
	d.mu.Lock()
	defer d.mu.Unlock()
	key := vm.cfg.VMID + "\x00" + name
	id, ok := d.queues.byName[key]
	if !ok {
		if d.queues.byName == nil {
			d.queues.byName = make(map[string]uint32)
		}
		d.queues.list = append(d.queues.list, &queue{owner: vm})
		id = uint32(len(d.queues.list))
		d.queues.byName[key] = id
	} else {
		d.queues.list[id-1].owner = vm
	}
	writeUint32(mem, uint32(p[2]), id)
	return statusOK
}

// proxyResolveSharedQueue implements proxy_resolve_shared_queue(vm_id_data,
// vm_id_size, name_data, name_size, return_queue_id). Result: NOT_FOUND
// for a queue nobody registered.
func proxyResolveSharedQueue(vm *VM, mem api.Memory, p []uint64) status {
	vmID, ok1 := readString(mem, uint32(p[0]), uint32(p[1]))
	name, ok2 := readString(mem, uint32(p[2]), uint32(p[3]))
	if !ok1 || !ok2 || !writable(mem, uint32(p[4]), 4) {
		return statusInvalidMemoryAccess
	}
	d := vm.cfg.SharedData
	d.mu.Lock()
	defer d.mu.Unlock()
	id, ok := d.queues.byName[vmID+"\x00"+name]
	if !ok {
		return statusNotFound
	}
	writeUint32(mem, uint32(p[4]), id)
	return statusOK
}

func (d *SharedData) queue(id uint32) *queue {
	if id == 0 || int(id) > len(d.queues.list) {
		return nil
	}
	return d.queues.list[id-1]
}

// proxyEnqueueSharedQueue implements proxy_enqueue_shared_queue(queue_id,
// value_data, value_size). Result: NOT_FOUND for an unknown queue;
// INTERNAL_FAILURE when the queue is full.
func proxyEnqueueSharedQueue(vm *VM, mem api.Memory, p []uint64) status {
	val, ok := readBytes(mem, uint32(p[1]), uint32(p[2]))
	if !ok {
		return statusInvalidMemoryAccess
	}
	d := vm.cfg.SharedData
	d.mu.Lock()
	q := d.queue(uint32(p[0]))
	if q == nil {
		d.mu.Unlock()
		return statusNotFound
	}
	if len(q.items) >= maxQueueItems {
		d.mu.Unlock()
		return statusInternalFailure
	}
	q.items = append(q.items, append([]byte(nil), val...))
	owner := q.owner
	d.mu.Unlock()
	// Delivered later, as Envoy posts it to the owner's dispatcher: the
	// owner may be this very VM, busy in the current call.
	go owner.queueReady(uint32(p[0]))
	return statusOK
}

// proxyDequeueSharedQueue implements proxy_dequeue_shared_queue(queue_id,
// return_value_data, return_value_size). Result: NOT_FOUND for an unknown
// queue; EMPTY when there is nothing to take.
func proxyDequeueSharedQueue(vm *VM, mem api.Memory, p []uint64) status {
	if !writable(mem, uint32(p[1]), 4) || !writable(mem, uint32(p[2]), 4) {
		return statusInvalidMemoryAccess
	}
	d := vm.cfg.SharedData
	d.mu.Lock()
	q := d.queue(uint32(p[0]))
	if q == nil {
		d.mu.Unlock()
		return statusNotFound
	}
	if len(q.items) == 0 {
		d.mu.Unlock()
		return statusEmpty
	}
	item := q.items[0]
	q.items[0] = nil
	q.items = q.items[1:]
	d.mu.Unlock()
	return vm.returnBytes(mem, item, uint32(p[1]), uint32(p[2]))
}

func (vm *VM) queueReady(id uint32) {
	vm.mu.Lock()
	defer vm.mu.Unlock()
	if vm.err != nil {
		return
	}
	vm.effective = vm.rootID
	vm.call(vm.fnQueueReady, uint64(vm.rootID), uint64(id))
}
