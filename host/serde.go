package host

import (
	"encoding/binary"
	"errors"
)

// Header maps cross the ABI serialized as the spec's "Serialization"
// section describes: a little-endian uint32 count, count pairs of uint32
// (key length, value length), then each key and each value followed by a
// NUL byte. The spec allows an empty map to be sent as zero bytes or as a
// single zero byte; SDKs also send a count of 0. All three are read.

// maxPairs bounds the pair count a guest may claim, so a forged count
// cannot make the host allocate gigabytes before the size check fails.
const maxPairs = 1 << 16

var errSerialization = errors.New("malformed serialized map")

// encodeMap appends the serialized form of h to dst.
func encodeMap(dst []byte, h Headers) []byte {
	dst = binary.LittleEndian.AppendUint32(dst, uint32(len(h)))
	for _, kv := range h {
		dst = binary.LittleEndian.AppendUint32(dst, uint32(len(kv[0])))
		dst = binary.LittleEndian.AppendUint32(dst, uint32(len(kv[1])))
	}
	for _, kv := range h {
		dst = append(dst, kv[0]...)
		dst = append(dst, 0)
		dst = append(dst, kv[1]...)
		dst = append(dst, 0)
	}
	return dst
}

// decodeMap parses a serialized map, copying every key and value out of b.
func decodeMap(b []byte) (Headers, error) {
	if len(b) == 0 || (len(b) == 1 && b[0] == 0) {
		return nil, nil
	}
	if len(b) < 4 {
		return nil, errSerialization
	}
	n := uint64(le32(b))
	if n > maxPairs || 4+n*8 > uint64(len(b)) {
		return nil, errSerialization
	}
	sizes := b[4 : 4+n*8]
	data := b[4+n*8:]
	// One string for all bytes, sliced: one allocation for the whole map.
	all := string(data)
	h := make(Headers, n)
	off := uint64(0)
	for i := uint64(0); i < n; i++ {
		kl := uint64(le32(sizes[i*8:]))
		vl := uint64(le32(sizes[i*8+4:]))
		if off+kl+1+vl+1 > uint64(len(all)) || all[off+kl] != 0 || all[off+kl+1+vl] != 0 {
			return nil, errSerialization
		}
		h[i] = [2]string{all[off : off+kl], all[off+kl+1 : off+kl+1+vl]}
		off += kl + 1 + vl + 1
	}
	if off != uint64(len(all)) {
		return nil, errSerialization
	}
	return h, nil
}
