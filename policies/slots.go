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
	fillMemo(r, &r.User, t, t.userPaths, t.userSlot)
	fillMemo(r, &r.Thing, t, t.thingPaths, t.thingSlot)
}

// fillMemo fills p's slots from its memo when the memo holds this
// policy's reading of this very payload, else scans the payload and
// keeps what it read in the memo (when there is one).
func fillMemo(r *Request, p *Principal, t *slotTable, paths [][]string, slots []int) {
	m := p.Memo
	if m == nil || len(paths) == 0 || len(p.Claims) == 0 {
		fillFrom(r, p.Claims, paths, slots)
		return
	}
	if m.table == t && m.payload == unsafe.SliceData(p.Claims) && m.size == len(p.Claims) && len(m.slots) == len(slots) {
		for i, s := range slots {
			r.slots[s] = m.slots[i]
		}
		return
	}
	fillFrom(r, p.Claims, paths, slots)
	m.table, m.payload, m.size = t, unsafe.SliceData(p.Claims), len(p.Claims)
	m.slots = m.slots[:0]
	for _, s := range slots {
		m.slots = append(m.slots, r.slots[s])
	}
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
