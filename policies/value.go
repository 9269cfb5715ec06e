package policies

import (
	"unicode/utf8"

	"github.com/palisade-wasm/palisade/policies/jsonv"
)

type kind uint8

const (
	kError kind = iota
	kNull
	kBool
	kInt
	kUint
	kDouble
	kString
	kBytes
	kList // a list literal or a string list attribute
	kJSON // a JSON array or object from claims
	kMap  // static type only: request.headers and its kin, read by key or tested with in
	// kTimestamp is i seconds and u nanoseconds since the Unix epoch,
	// from 0001-01-01 to 9999-12-31 (UTC), as in CEL.
	kTimestamp
	kDuration // i nanoseconds (a time.Duration, as cel-go has it)
	kIP       // net: an address, its 128 bits in u (high) and i (low)
	kCIDR     // net: an address as kIP, its host bits as written, and bits
)

var kindNames = [...]string{"error", "null_type", "bool", "int", "uint", "double", "string", "bytes", "list", "dyn", "map",
	"timestamp", "duration", "net.IP", "net.CIDR"}

// value is a CEL value during evaluation. It is passed by value and, for
// the forms conditions use, built without allocating: strings share the
// request's memory, claims stay as jsonv results into the token payload.
type value struct {
	k kind
	b bool // a bool; for kIP and kCIDR, an IPv4 address
	// many marks a kList of every value of a header or query parameter
	// (see multi.go); bits is the prefix length of a kCIDR (of a kIP,
	// its address length). Both fit in the padding after k and b: the
	// size of value is what each evaluation step copies.
	many bool
	bits int16
	i    int64
	u    uint64
	d    float64
	s    string // string, bytes, or the error message
	list []value
	strs []string // a []string attribute (aud, scope) seen as a list
	j    jsonv.Result
}

func boolVal(b bool) value    { return value{k: kBool, b: b} }
func strVal(s string) value   { return value{k: kString, s: s} }
func errVal(msg string) value { return value{k: kError, s: msg} }

var (
	errNoSuchKey      = errVal("no such key")
	errRepeated       = errVal("repeated: several values where one is read")
	errNoSuchOverload = errVal("no such overload")
	errNotBool        = errVal("no matching overload: condition is not a bool")
)

// fromJSON converts a claims value: JSON numbers are doubles, as in CEL's
// JSON mapping (google.protobuf.Value).
func fromJSON(r jsonv.Result) value {
	switch r.Type {
	case jsonv.String:
		return strVal(r.Str)
	case jsonv.Number:
		return value{k: kDouble, d: r.Num}
	case jsonv.True:
		return boolVal(true)
	case jsonv.False:
		return boolVal(false)
	case jsonv.Null:
		return value{k: kNull}
	case jsonv.JSON:
		return value{k: kJSON, j: r}
	}
	return errNoSuchKey
}

func (v value) isList() bool { return v.k == kList || v.k == kJSON && v.j.IsArray() }
func (v value) isMap() bool  { return v.k == kJSON && v.j.IsObject() }

// size is CEL's size(): code points of a string, bytes of bytes, elements
// of a list or map.
func (v value) size() value {
	switch v.k {
	case kString:
		return value{k: kInt, i: int64(utf8.RuneCountInString(v.s))}
	case kBytes:
		return value{k: kInt, i: int64(len(v.s))}
	case kList:
		if v.many {
			return value{k: kInt, i: int64(v.count())}
		}
		if v.strs != nil {
			return value{k: kInt, i: int64(len(v.strs))}
		}
		return value{k: kInt, i: int64(len(v.list))}
	case kJSON:
		n := 0
		v.j.ForEach(func(_, _ jsonv.Result) bool { n++; return true })
		return value{k: kInt, i: int64(n)}
	case kError:
		return v
	}
	return errNoSuchOverload
}

// each calls f for each element of a list until f returns false.
func (v value) each(f func(value) bool) {
	switch {
	case v.k == kList && v.many:
		v.eachOf(f)
	case v.k == kList && v.strs != nil:
		for _, s := range v.strs {
			if !f(strVal(s)) {
				return
			}
		}
	case v.k == kList:
		for _, e := range v.list {
			if !f(e) {
				return
			}
		}
	case v.k == kJSON:
		v.j.ForEach(func(_, e jsonv.Result) bool { return f(fromJSON(e)) })
	}
}

func isNumber(k kind) bool { return k == kInt || k == kUint || k == kDouble }

// cmpNumbers orders two numbers of any numeric kind, as CEL's
// cross-type numeric comparisons do.
func cmpNumbers(a, b value) int {
	if a.k == b.k {
		switch a.k {
		case kInt:
			return cmp3(a.i < b.i, a.i > b.i)
		case kUint:
			return cmp3(a.u < b.u, a.u > b.u)
		}
	}
	switch {
	case a.k == kInt && b.k == kUint:
		if a.i < 0 {
			return -1
		}
		return cmp3(uint64(a.i) < b.u, uint64(a.i) > b.u)
	case a.k == kUint && b.k == kInt:
		return -cmpNumbers(b, a)
	}
	x, y := toDouble(a), toDouble(b)
	return cmp3(x < y, x > y)
}

func cmp3(less, greater bool) int {
	switch {
	case less:
		return -1
	case greater:
		return 1
	}
	return 0
}

func toDouble(v value) float64 {
	switch v.k {
	case kInt:
		return float64(v.i)
	case kUint:
		return float64(v.u)
	}
	return v.d
}

// equal is CEL's heterogeneous equality: values of different types are
// unequal (not an error), numbers compare across types, lists and maps
// element by element.
func equal(a, b value) value {
	if a.k == kError {
		return a
	}
	if b.k == kError {
		return b
	}
	if a.k == kString && b.k == kString { // the common case, first
		return boolVal(a.s == b.s)
	}
	if isNumber(a.k) && isNumber(b.k) {
		if a.k == kDouble && a.d != a.d || b.k == kDouble && b.d != b.d {
			return boolVal(false) // NaN
		}
		return boolVal(cmpNumbers(a, b) == 0)
	}
	switch {
	case a.isList() && b.isList():
		return listEqual(a, b)
	case a.isMap() && b.isMap():
		return boolVal(mapEqual(a.j, b.j))
	case a.k != b.k:
		return boolVal(false)
	}
	switch a.k {
	case kNull:
		return boolVal(true)
	case kBool:
		return boolVal(a.b == b.b)
	case kString, kBytes:
		return boolVal(a.s == b.s)
	case kTimestamp, kDuration:
		return boolVal(a.i == b.i && a.u == b.u)
	case kIP, kCIDR:
		return boolVal(a.b == b.b && a.bits == b.bits && a.u == b.u && a.i == b.i)
	}
	return boolVal(false)
}

func listEqual(a, b value) value {
	var as, bs []value
	a.each(func(e value) bool { as = append(as, e); return true })
	b.each(func(e value) bool { bs = append(bs, e); return true })
	if len(as) != len(bs) {
		return boolVal(false)
	}
	for i := range as {
		if r := equal(as[i], bs[i]); r.k != kBool || !r.b {
			return r
		}
	}
	return boolVal(true)
}

func mapEqual(a, b jsonv.Result) bool {
	na, nb := 0, 0
	ok := true
	a.ForEach(func(k, v jsonv.Result) bool {
		na++
		w := b.Get(pathKey(k.String()))
		if !w.Exists() {
			ok = false
			return false
		}
		if r := equal(fromJSON(v), fromJSON(w)); r.k != kBool || !r.b {
			ok = false
		}
		return ok
	})
	b.ForEach(func(_, _ jsonv.Result) bool { nb++; return true })
	return ok && na == nb
}
