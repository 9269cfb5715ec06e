package host

import (
	"encoding/binary"

	"github.com/tetratelabs/wazero/api"
)

// Guest memory access. Every read and write is bounds-checked by wazero's
// Memory methods, which report (value, ok) rather than panicking; these
// helpers keep that shape so a hostile pointer becomes a status, never a
// host panic.

// readBytes returns a view of size bytes at ptr in guest memory. The view
// aliases guest memory: copy it before the guest runs again.
func readBytes(mem api.Memory, ptr, size uint32) ([]byte, bool) {
	if size == 0 {
		return nil, true
	}
	return mem.Read(ptr, size)
}

// readString copies size bytes at ptr out of guest memory.
func readString(mem api.Memory, ptr, size uint32) (string, bool) {
	b, ok := readBytes(mem, ptr, size)
	if !ok {
		return "", false
	}
	return string(b), true
}

func writeUint32(mem api.Memory, ptr, v uint32) bool { return mem.WriteUint32Le(ptr, v) }

func writeUint64(mem api.Memory, ptr uint32, v uint64) bool { return mem.WriteUint64Le(ptr, v) }

// writable reports whether n bytes at ptr lie inside guest memory.
func writable(mem api.Memory, ptr, n uint32) bool {
	end := uint64(ptr) + uint64(n)
	return end <= uint64(mem.Size())
}

// returnBytes hands data to the guest the way the ABI returns variable-size
// values: memory obtained from the guest's allocator, its address written
// at retPtr and its length at retSize. Both return slots are checked before
// the guest is asked to allocate, so a bad pointer costs no allocation.
func (vm *VM) returnBytes(mem api.Memory, data []byte, retPtr, retSize uint32) status {
	if !writable(mem, retPtr, 4) || !writable(mem, retSize, 4) {
		return statusInvalidMemoryAccess
	}
	var p uint32
	if len(data) > 0 {
		var ok bool
		p, ok = vm.allocate(uint32(len(data)))
		if !ok {
			return statusInternalFailure
		}
		if !mem.Write(p, data) {
			return statusInvalidMemoryAccess
		}
	}
	writeUint32(mem, retPtr, p)
	writeUint32(mem, retSize, uint32(len(data)))
	return statusOK
}

// le32 decodes a little-endian uint32; the caller checked the length.
func le32(b []byte) uint32 { return binary.LittleEndian.Uint32(b) }
