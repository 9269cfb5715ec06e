package provider

import (
	"bytes"
	"encoding/binary"
	"strconv"
	"time"

	"github.com/palisade-wasm/palisade/plugin/jwt"
)

// SharedSlots is the number of proxy-wide cache slots. The ABI has no
// way to delete shared data, so a key per token would grow without bound;
// a fixed ring of slots bounds the store (SharedSlots entries of a token
// and its payload), a new token taking its slot's place.
const SharedSlots = 4096

// SharedKey returns the shared-data key of token's slot. config names the
// configuration in force (a fingerprint of its bytes): VMs share only
// what they would verify alike. FNV picks the slot; the entry holds the
// whole token, compared in full, so the hash alone never decides.
func SharedKey(config uint32, token string) string {
	h := uint32(2166136261)
	for i := 0; i < len(token); i++ {
		h ^= uint32(token[i])
		h *= 16777619
	}
	return "palisade/tok/" + strconv.FormatUint(uint64(config), 16) + "/" + strconv.FormatUint(uint64(h%SharedSlots), 10)
}

// Fingerprint is FNV-1a of a configuration's bytes.
func Fingerprint(b []byte) uint32 {
	h := uint32(2166136261)
	for _, c := range b {
		h ^= uint32(c)
		h *= 16777619
	}
	return h
}

// EncodeIdentity packs a verified identity for its slot: expiry (8 bytes,
// Unix nanoseconds), provider name, token and payload, each length-prefixed.
func EncodeIdentity(token string, id *Identity, expires time.Time) []byte {
	b := binary.LittleEndian.AppendUint64(nil, uint64(expires.UnixNano()))
	for _, part := range [][]byte{[]byte(id.Provider.Name), []byte(token), id.Payload} {
		b = binary.LittleEndian.AppendUint32(b, uint32(len(part)))
		b = append(b, part...)
	}
	return b
}

// DecodeIdentity returns the identity in a slot's value when it is for
// token, is still fresh at now, and its provider is one of providers.
func DecodeIdentity(b []byte, token string, providers []*Provider, now time.Time) (*Identity, bool) {
	if len(b) < 8 {
		return nil, false
	}
	exp := time.Unix(0, int64(binary.LittleEndian.Uint64(b)))
	if !now.Before(exp) {
		return nil, false
	}
	b = b[8:]
	var parts [3][]byte
	for i := range parts {
		if len(b) < 4 {
			return nil, false
		}
		n := binary.LittleEndian.Uint32(b)
		if uint64(n) > uint64(len(b)-4) {
			return nil, false
		}
		parts[i], b = b[4:4+n], b[4+n:]
	}
	if !bytes.Equal(parts[1], []byte(token)) {
		return nil, false
	}
	for _, p := range providers {
		if p.Name == string(parts[0]) {
			c, err := jwt.ParseClaims(parts[2])
			if err != nil {
				return nil, false
			}
			payload := append([]byte(nil), parts[2]...)
			return &Identity{Provider: p, Claims: c, Payload: payload, Expiry: exp}, true
		}
	}
	return nil, false
}
