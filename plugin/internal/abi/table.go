package abi

// streamTable maps live stream context ids to their streams. A Go map
// costs about 0.9 µs per insert and delete inside wasm (hashing, group
// probing, tombstones); streams come and go once per request, so they live
// in an open-addressing table instead: linear probing on the id's low bits
// (the host hands out ids in sequence, so they spread without hashing),
// deletion by backward shift (no tombstones, so probes stay short however
// many streams have come and gone), doubling at half load. Id 0 is never
// a stream (the spec reserves it) and marks an empty slot.
type streamTable struct {
	slots []streamSlot
	n     int
}

type streamSlot struct {
	id uint32
	s  stream
}

func (t *streamTable) get(id uint32) (stream, bool) {
	if id == 0 || len(t.slots) == 0 {
		return stream{}, false
	}
	mask := uint32(len(t.slots) - 1)
	for i := id & mask; ; i = (i + 1) & mask {
		switch t.slots[i].id {
		case id:
			return t.slots[i].s, true
		case 0:
			return stream{}, false
		}
	}
}

// put stores s under id, replacing any stream already there. Id 0 is
// ignored.
func (t *streamTable) put(id uint32, s stream) {
	if id == 0 {
		return
	}
	if 2*(t.n+1) > len(t.slots) {
		t.grow()
	}
	mask := uint32(len(t.slots) - 1)
	for i := id & mask; ; i = (i + 1) & mask {
		switch t.slots[i].id {
		case id:
			t.slots[i].s = s
			return
		case 0:
			t.slots[i] = streamSlot{id: id, s: s}
			t.n++
			return
		}
	}
}

// remove forgets id and returns the stream it held.
func (t *streamTable) remove(id uint32) (stream, bool) {
	if id == 0 || len(t.slots) == 0 {
		return stream{}, false
	}
	mask := uint32(len(t.slots) - 1)
	i := id & mask
	for t.slots[i].id != id {
		if t.slots[i].id == 0 {
			return stream{}, false
		}
		i = (i + 1) & mask
	}
	removed := t.slots[i].s
	// Shift back every later entry of the run that may sit in the hole:
	// one whose home slot is not cyclically in (i, j].
	for j := (i + 1) & mask; t.slots[j].id != 0; j = (j + 1) & mask {
		home := t.slots[j].id & mask
		if (j > i && (home <= i || home > j)) || (j < i && home <= i && home > j) {
			t.slots[i] = t.slots[j]
			i = j
		}
	}
	t.slots[i] = streamSlot{}
	t.n--
	return removed, true
}

func (t *streamTable) len() int { return t.n }

func (t *streamTable) grow() {
	old := t.slots
	t.slots = make([]streamSlot, max(2*len(old), 64))
	t.n = 0
	for _, e := range old {
		if e.id != 0 {
			t.put(e.id, e.s)
		}
	}
}
