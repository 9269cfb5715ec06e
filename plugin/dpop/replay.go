package dpop

import (
	"crypto/sha256"
	"encoding/binary"
	"strconv"
	"time"
)

// The replay cache: proofs seen are kept until their iat leaves the
// accepted window, in Slots shared-data values of at most SlotEntries
// entries each. Shared data has no delete in the proxy-wasm ABI, so the
// cache is a fixed set of keys whose values are rewritten (compare and
// swap), expired entries dropped on each write. A slot full of live
// entries refuses the proof (fail closed) instead of forgetting one.
const (
	Slots       = 1024
	SlotEntries = 64
	entryBytes  = 16 + 8
)

// ReplayID names a proof in the cache: a digest of the key's thumbprint
// and the jti (jti values are unique per key, RFC 9449 section 11.1),
// and the shared-data key of its slot.
func ReplayID(prefix string, p *Proof) (key string, id [16]byte) {
	sum := sha256.Sum256([]byte(p.Thumbprint + "\x00" + p.JTI))
	copy(id[:], sum[:16])
	slot := binary.BigEndian.Uint32(sum[16:20]) % Slots
	return prefix + strconv.FormatUint(uint64(slot), 10), id
}

// Record adds id, live until expires, to a slot's value (nil when the
// slot is new) and returns the value to store. It returns ErrReplay when
// id is already there and live, ErrReplayFull when the slot holds
// SlotEntries live entries. A value this code did not write (of the wrong
// length) is refused the same way: reading it as empty could forget a
// proof still inside its window.
func Record(slot []byte, id [16]byte, now, expires time.Time) ([]byte, error) {
	if len(slot)%entryBytes != 0 || len(slot) > SlotEntries*entryBytes {
		return nil, ErrReplayFull
	}
	out := make([]byte, 0, len(slot)+entryBytes)
	live := 0
	for i := 0; i < len(slot); i += entryBytes {
		e := slot[i : i+entryBytes]
		until := int64(binary.BigEndian.Uint64(e[16:]))
		if until <= now.Unix() {
			continue
		}
		if [16]byte(e[:16]) == id {
			return nil, ErrReplay
		}
		out = append(out, e...)
		live++
	}
	if live >= SlotEntries {
		return nil, ErrReplayFull
	}
	out = append(out, id[:]...)
	out = binary.BigEndian.AppendUint64(out, uint64(expires.Unix()+1))
	return out, nil
}
