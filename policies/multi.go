package policies

import (
	"strings"
	"unsafe"
)

// A header or query parameter sent several times has no single value
// (request.headers["x"] is then an error, see attrs.go), but a rule may
// read all of its values, in the order they came, as a list(string):
// request.headerValues["x-forwarded-for"], request.queryValues["tag"].
// Such a list is a view of the request, read in place: building it costs
// nothing, and iterating it allocates nothing. A name the request does
// not carry is "no such key", as a lookup of a missing key in a CEL map;
// `"x" in request.headerValues` tests for it.

const (
	fromHeaders = 0
	fromQuery   = 1
)

// manyVal is the list of every value of header (from == fromHeaders) or
// query parameter name in r: strs is a view of the request's memory
// (the headers as name, value, name, value..., or the query alone), no
// copy.
func manyVal(r *Request, from int64, name string) value {
	v := value{k: kList, many: true, i: from, s: name}
	if from == fromHeaders {
		if len(r.Headers) > 0 {
			v.strs = unsafe.Slice(&r.Headers[0][0], 2*len(r.Headers))
		}
	} else {
		v.strs = unsafe.Slice(&r.Query, 1)
	}
	return v
}

// eachOf calls f for each value of a many-valued list until f returns
// false.
func (v value) eachOf(f func(value) bool) {
	if v.i == fromHeaders {
		for j := 0; j+1 < len(v.strs); j += 2 {
			if v.strs[j] == v.s && !f(strVal(v.strs[j+1])) {
				return
			}
		}
		return
	}
	for q := v.strs[0]; q != ""; {
		var kv string
		kv, q, _ = strings.Cut(q, "&")
		if k, val, _ := strings.Cut(kv, "="); k == v.s && !f(strVal(val)) {
			return
		}
	}
}

func (v value) count() int {
	n := 0
	v.eachOf(func(value) bool { n++; return true })
	return n
}

func hasHeader(r *Request, name string) bool {
	for _, kv := range r.Headers {
		if kv[0] == name {
			return true
		}
	}
	return false
}

// valuesOf is the accessor of request.headerValues[name] or
// request.queryValues[name].
func valuesOf(from int64, name string) eval {
	if from == fromHeaders {
		return func(r *Request) value {
			if !hasHeader(r, name) {
				return errNoSuchKey
			}
			return manyVal(r, fromHeaders, name)
		}
	}
	return func(r *Request) value {
		if _, n := queryParam(r.Query, name); n == 0 {
			return errNoSuchKey
		}
		return manyVal(r, fromQuery, name)
	}
}

// requestMap reports which of the request's maps n names (request.headers,
// request.query, request.headerValues, request.queryValues), if any.
func (c *compiler) requestMap(n *node) (from int64, ok bool) {
	if n.kind != nSelect || n.target.kind != nIdent || n.target.name != "request" || c.bound(n.target.name) {
		return 0, false
	}
	switch n.name {
	case "headers", "headerValues":
		return fromHeaders, true
	case "query", "queryValues":
		return fromQuery, true
	}
	return 0, false
}

// presence compiles `key in m` for a map of the request: whether the
// header (names without case, as HTTP has them) or parameter is there,
// once or more. It is never an error for a missing key: that is what a
// rule uses to test for one.
func (c *compiler) presence(key *node, from int64) (eval, error) {
	if c.roots != nil {
		c.roots["request"] = true
	}
	if key.kind == nLit && key.lit.k == kString {
		name := key.lit.s
		if from == fromHeaders {
			name = lowerASCII(name)
			return func(r *Request) value { return boolVal(hasHeader(r, name)) }, nil
		}
		return func(r *Request) value { _, n := queryParam(r.Query, name); return boolVal(n > 0) }, nil
	}
	k, err := c.compileNode(key)
	if err != nil {
		return nil, err
	}
	return func(r *Request) value {
		v := k(r)
		switch {
		case v.k == kError:
			return v
		case v.k != kString:
			return boolVal(false) // a map of strings holds no other key
		case from == fromHeaders:
			return boolVal(hasHeader(r, lowerASCII(v.s)))
		}
		_, n := queryParam(r.Query, v.s)
		return boolVal(n > 0)
	}, nil
}
