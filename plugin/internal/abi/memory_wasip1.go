package abi

import "unsafe"

// The host writes variable-size results (header maps, bodies, property
// values) into memory it gets from proxy_on_memory_allocate during the
// host call that returns them. A Go allocation costs ~0.5 µs in wasm, so
// that memory comes from an arena instead:
//
//   - every facade function that receives data calls arena.reset before
//     its host call, then copies what it received into Go values before
//     returning; nothing keeps a pointer into the arena across host calls;
//   - within one host call the arena bump-allocates; when it runs out it
//     starts a larger buffer and keeps the old one alive until the next
//     reset, so no address handed out is reused while it may be in use;
//   - Go's garbage collector does not move objects, so the addresses stay
//     valid as long as the buffers are referenced from arena.
var arena struct {
	buf []byte
	off int
	old [][]byte
}

const arenaMin = 16 << 10

func arenaReset() {
	arena.off = 0
	if len(arena.old) > 0 {
		clear(arena.old)
		arena.old = arena.old[:0]
	}
}

// arenaAlloc returns the address of n fresh bytes, 8-byte aligned. A
// zero-size request gets a valid address too.
func arenaAlloc(n uint32) uint32 {
	size := (int(n) + 7) &^ 7
	if size == 0 {
		size = 8
	}
	if arena.off+size > len(arena.buf) {
		if arena.buf != nil {
			arena.old = append(arena.old, arena.buf)
		}
		c := max(2*len(arena.buf), size, arenaMin)
		arena.buf = make([]byte, c)
		arena.off = 0
	}
	p := unsafe.Pointer(&arena.buf[arena.off])
	arena.off += size
	return uint32(uintptr(p))
}

// view returns the n bytes the host wrote at address p, which must lie in
// memory the arena handed out since the last reset: an address anywhere
// else is refused, so a confused host cannot make the plugin read outside
// what it gave.
func view(p, n uint32) ([]byte, bool) {
	if n == 0 {
		return nil, true
	}
	if b, ok := within(arena.buf, p, n); ok {
		return b, true
	}
	for _, old := range arena.old {
		if b, ok := within(old, p, n); ok {
			return b, true
		}
	}
	return nil, false
}

func within(buf []byte, p, n uint32) ([]byte, bool) {
	if len(buf) == 0 {
		return nil, false
	}
	base := uint64(uintptr(unsafe.Pointer(&buf[0])))
	off := uint64(p) - base
	if uint64(p) < base || off+uint64(n) > uint64(len(buf)) {
		return nil, false
	}
	return buf[off : off+uint64(n)], true
}

//go:wasmexport proxy_on_memory_allocate
func proxyOnMemoryAllocate(size uint32) uint32 { return arenaAlloc(size) }
