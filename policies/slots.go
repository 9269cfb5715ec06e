package policies

import (
	"bytes"
	"unsafe"

	"github.com/buger/jsonparser"
	"github.com/palisade-wasm/palisade/policies/jsonv"
)

// Claims are read through slots: at compile time every claim path a
// policy uses (user.claims.roles, thing.claims.compliant...) gets a slot
// number; at decision time one pass over each token payload fills every
// slot (jsonparser.EachKey), and an accessor reads its slot by index. No
// lookup by name, no re-scan of the payload per condition.

// maxSlots bounds the distinct claim paths of one policy.
const maxSlots = 32

type slot struct {
	set bool
	v   value
}

// slotTable assigns slots to claim paths while a policy compiles.
type slotTable struct {
	userPaths, thingPaths [][]string
	userSlot, thingSlot   []int
	index                 map[string]int
	n                     int
	// derived counts the subexpressions kept in the user's and the
	// thing's memos (see derive.go), derivedIndex numbers them by tree.
	derived      [2]int
	derivedIndex map[string]int
}

func (t *slotTable) slot(thing bool, path []string) (int, bool) {
	if t.index == nil {
		t.index = map[string]int{}
	}
	key := "u"
	if thing {
		key = "t"
	}
	for _, p := range path {
		key += "\x00" + p
	}
	if i, ok := t.index[key]; ok {
		return i, true
	}
	if t.n >= maxSlots {
		return 0, false
	}
	i := t.n
	t.n++
	t.index[key] = i
	if thing {
		t.thingPaths, t.thingSlot = append(t.thingPaths, path), append(t.thingSlot, i)
	} else {
		t.userPaths, t.userSlot = append(t.userPaths, path), append(t.userSlot, i)
	}
	return i, true
}

// fill reads every slotted claim of r in one pass per payload. It starts
// a decision, so it also resets the macros' iteration budget.
func (t *slotTable) fill(r *Request) {
	r.steps = 0
	for i := 0; i < t.n; i++ {
		r.slots[i] = slot{}
	}
	// A principal without claims, or whose claims the policy does not
	// read, leaves its slots unset (and its memo as it is).
	if len(r.User.Claims) > 0 && (len(t.userPaths) > 0 || t.derived[0] > 0) {
		fillMemo(r, &r.User, false, t, t.userPaths, t.userSlot, t.derived[0])
	}
	if len(r.Thing.Claims) > 0 && (len(t.thingPaths) > 0 || t.derived[1] > 0) {
		fillMemo(r, &r.Thing, true, t, t.thingPaths, t.thingSlot, t.derived[1])
	}
}

// fillMemo fills p's slots from its memo when the memo holds this
// policy's reading of this very payload for this principal (the user or
// the thing), else scans the payload and keeps what it read in the memo
// (when there is one), with room for the policy's derived values (none
// known yet).
func fillMemo(r *Request, p *Principal, thing bool, t *slotTable, paths [][]string, slots []int, nderived int) {
	m := p.Memo
	if m == nil || len(paths) == 0 && nderived == 0 || len(p.Claims) == 0 {
		fillFrom(r, p.Claims, paths, slots)
		return
	}
	if m.holds(t, thing, p.Claims) && len(m.slots) == len(slots) && len(m.derived) == nderived {
		for i, s := range slots {
			r.slots[s] = m.slots[i]
		}
		return
	}
	fillFrom(r, p.Claims, paths, slots)
	m.table, m.thing, m.payload, m.size = t, thing, unsafe.SliceData(p.Claims), len(p.Claims)
	m.slots = m.slots[:0]
	for _, s := range slots {
		m.slots = append(m.slots, r.slots[s])
	}
	if cap(m.derived) < nderived {
		m.derived = make([]derived, nderived)
	}
	m.derived = m.derived[:nderived]
	clear(m.derived)
}

// holds reports whether m is the reading of payload by table t, for
// the thing or the user.
func (m *ClaimsMemo) holds(t *slotTable, thing bool, payload []byte) bool {
	return m.table == t && m.thing == thing && m.payload == unsafe.SliceData(payload) && m.size == len(payload)
}

func fillFrom(r *Request, payload []byte, paths [][]string, slots []int) {
	if len(payload) == 0 || len(paths) == 0 {
		return
	}
	jsonparser.EachKey(payload, func(i int, v []byte, typ jsonparser.ValueType, err error) {
		if err == nil {
			r.slots[slots[i]] = slot{set: true, v: rawValue(v, typ)}
		}
	}, paths...)
}

// rawValue converts what jsonparser found, sharing the payload's memory
// when nothing needs unescaping; nested values stay JSON.
func rawValue(v []byte, typ jsonparser.ValueType) value {
	switch typ {
	case jsonparser.String:
		if bytes.IndexByte(v, '\\') < 0 {
			return strVal(claimsView(v))
		}
		if s, err := jsonparser.ParseString(v); err == nil {
			return strVal(s)
		}
		return errNoSuchKey
	case jsonparser.Number:
		f, err := jsonparser.ParseFloat(v)
		if err != nil {
			return errNoSuchKey
		}
		return value{k: kDouble, d: f}
	case jsonparser.Boolean:
		return boolVal(v[0] == 't')
	case jsonparser.Null:
		return value{k: kNull}
	case jsonparser.Array, jsonparser.Object:
		return value{k: kJSON, j: jsonv.Parse(claimsView(v))}
	}
	return errNoSuchKey
}
