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
	placed      bool // editHeaders has written the set
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
		}
		return abi.ReplaceHttpRequestHeader(e.ops[0].name, e.ops[0].value)
	}
	e.out = editHeaders(e.out[:0], read, e.ops)
	var err error
	e.wire, err = abi.ReplaceHttpRequestHeadersBuf(e.out, e.wire[:0])
	return err
}

// editHeaders appends to dst the headers read with ops applied, the map
// the host has after the same calls one at a time: the last op on a name
// decides it, a set leaving one value (in place of the first, or at the
// end when the name was absent), a remove none. Names are lower case on
// both sides, as the host hands them over.
func editHeaders(dst, read [][2]string, ops []headerOp) [][2]string {
	for i := range ops {
		ops[i].placed = false
	}
	for _, kv := range read {
		op := lastOp(ops, kv[0])
		switch {
		case op == nil:
			dst = append(dst, kv)
		case op.remove || op.placed:
		default:
			dst = append(dst, [2]string{op.name, op.value})
			op.placed = true
		}
	}
	for i := range ops {
		if op := &ops[i]; !op.remove && !op.placed && lastOp(ops[i:], op.name) == op {
			dst = append(dst, [2]string{op.name, op.value})
			op.placed = true
		}
	}
	return dst
}

// lastOp is the last of ops on name, or nil.
func lastOp(ops []headerOp, name string) *headerOp {
	for i := len(ops) - 1; i >= 0; i-- {
		if ops[i].name == name {
			return &ops[i]
		}
	}
	return nil
}
