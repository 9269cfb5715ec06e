package abi

import (
	"encoding/binary"
	"errors"
	"slices"
)

// Header maps cross the ABI serialized as the spec's "Serialization"
// section says: a little-endian uint32 count, then count pairs of uint32
// (key length, value length), then each key and each value followed by a
// NUL byte. An empty map may arrive as zero bytes or a single zero byte.

var errMalformedMap = errors.New("abi: malformed serialized map")

// maxPairs bounds the count a host may claim, so a corrupt count cannot
// cost a huge allocation before the size check fails.
const maxPairs = 1 << 16

// serializeMap returns m in the ABI's map serialization.
func serializeMap(m [][2]string) []byte { return appendMap(nil, m) }

// appendMap appends m's serialization to b, growing it at most once and
// writing in place (in wasm every append is a call and a capacity check).
func appendMap(b []byte, m [][2]string) []byte {
	size := 4
	for _, kv := range m {
		size += 8 + len(kv[0]) + 1 + len(kv[1]) + 1
	}
	start := len(b)
	b = slices.Grow(b, size)[:start+size]
	out := b[start:]
	binary.LittleEndian.PutUint32(out, uint32(len(m)))
	lens, data := out[4:4+8*len(m)], out[4+8*len(m):]
	for i, kv := range m {
		binary.LittleEndian.PutUint32(lens[8*i:], uint32(len(kv[0])))
		binary.LittleEndian.PutUint32(lens[8*i+4:], uint32(len(kv[1])))
		n := copy(data, kv[0])
		data[n] = 0
		data = data[n+1:]
		n = copy(data, kv[1])
		data[n] = 0
		data = data[n+1:]
	}
	return b
}

// deserializeMap parses a serialized map. All keys and values share one
// string copied from b: two allocations for the whole map.
func deserializeMap(b []byte) ([][2]string, error) { return deserializeMapInto(nil, b) }

// deserializeMapInto is deserializeMap writing the pairs into dst's
// storage when it has room (its contents are overwritten).
func deserializeMapInto(dst [][2]string, b []byte) ([][2]string, error) {
	if len(b) == 0 || len(b) == 1 && b[0] == 0 {
		return dst[:0], nil
	}
	if len(b) < 4 {
		return nil, errMalformedMap
	}
	n := uint64(binary.LittleEndian.Uint32(b))
	if n > maxPairs || 4+8*n > uint64(len(b)) {
		return nil, errMalformedMap
	}
	sizes, data := b[4:4+8*n], b[4+8*n:]
	all := string(data)
	out := dst[:0]
	if out == nil || uint64(cap(out)) < n {
		out = make([][2]string, n)
	}
	out = out[:n]
	off := uint64(0)
	for i := uint64(0); i < n; i++ {
		kl := uint64(binary.LittleEndian.Uint32(sizes[8*i:]))
		vl := uint64(binary.LittleEndian.Uint32(sizes[8*i+4:]))
		if off+kl+vl+2 > uint64(len(all)) || all[off+kl] != 0 || all[off+kl+1+vl] != 0 {
			return nil, errMalformedMap
		}
		out[i] = [2]string{all[off : off+kl], all[off+kl+1 : off+kl+1+vl]}
		off += kl + vl + 2
	}
	return out, nil
}

// serializePath joins a property path with NUL separators, as Envoy reads it.
// Out of line (a host call follows anyway): inlined at its calls it cost
// palisade.wasm 4.5 KB.
//
//go:noinline
func serializePath(path []string) []byte {
	n := 0
	for _, p := range path {
		n += len(p) + 1
	}
	b := make([]byte, 0, n)
	for i, p := range path {
		if i > 0 {
			b = append(b, 0)
		}
		b = append(b, p...)
	}
	return b
}
