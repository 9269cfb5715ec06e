package filter

import "github.com/palisade-wasm/palisade/plugin/internal/abi"

// requestEdits are the changes the plugin makes to a request's headers
// (the normalized :path, removed credentials and forgeable headers, the
// identity headers), kept in order and written to the host only when the
// request is let through, and then in one host call when there are
// several: the headers as read, edited here, replace the host's whole
// map (proxy_set_header_map_pairs), instead of one host call per header.
// A request answered locally never reaches the upstream, so its edits are
// dropped unwritten.
//
// The plugin reads the request headers once, when they arrive, and no
// one else changes them while its filter holds the request (Envoy runs
// the next filter only when this one continues), so the headers as read
// plus these edits are the map the host would have after the same calls
// one by one.
type requestEdits struct {
	ops  []headerOp
	out  [][2]string // the edited map, storage kept across streams
	wire []byte      // its serialized form, likewise
}

// headerOp sets name to value, replacing every value it had, or removes
// every value of name.
type headerOp struct {
	name, value string
	remove      bool
}

// set replaces every value of name (lower case) with value.
func (e *requestEdits) set(name, value string) {
	e.ops = append(e.ops, headerOp{name: name, value: value})
}

// remove removes every value of name (lower case).
func (e *requestEdits) remove(name string) {
	e.ops = append(e.ops, headerOp{name: name, remove: true})
}

// reset forgets the edits, keeping the storage.
func (e *requestEdits) reset() {
	clear(e.ops)
	clear(e.out)
	e.ops, e.out = e.ops[:0], e.out[:0]
}

// apply writes the edits to the host's request headers, read as read:
// nothing when there are none, the one call an edit is when there is
// one, and else the whole edited map in one call.
func (e *requestEdits) apply(read [][2]string) error {
	switch len(e.ops) {
	case 0:
		return nil
	case 1:
		if op := e.ops[0]; op.remove {
			return abi.RemoveHttpRequestHeader(op.name)
		} else {
			return abi.ReplaceHttpRequestHeader(op.name, op.value)
		}
	}
	e.out = editHeaders(append(e.out[:0], read...), e.ops)
	var err error
	e.wire, err = abi.ReplaceHttpRequestHeadersBuf(e.out, e.wire[:0])
	return err
}

// editHeaders applies ops to h in order, as the host applies the same
// calls one at a time: a set replaces the first value of its name in
// place and drops the others, or appends the header when it is absent; a
// remove drops every value. Names are lower case on both sides, as the
// host hands them over.
func editHeaders(h [][2]string, ops []headerOp) [][2]string {
	for _, op := range ops {
		kept, found := h[:0], false
		for _, kv := range h {
			if kv[0] != op.name {
				kept = append(kept, kv)
				continue
			}
			if !op.remove && !found {
				kept = append(kept, [2]string{op.name, op.value})
				found = true
			}
		}
		if !op.remove && !found {
			kept = append(kept, [2]string{op.name, op.value})
		}
		if len(kept) < len(h) {
			clear(h[len(kept):])
		}
		h = kept
	}
	return h
}
