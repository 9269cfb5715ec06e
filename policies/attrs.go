package policies

import (
	"strings"

	"github.com/palisade-wasm/palisade/policies/jsonv"
)

// attribute resolves a chain of selections and constant indexes rooted at
// one of the attribute roots (request, path, source, user, service,
// thing) into an accessor, at compile time. ok is false when n is not such
// a chain (a selection on a function's result, say).
func (c *compiler) attribute(n *node) (eval, bool, error) {
	var path []string
	var pos []int
	for cur := n; ; {
		switch cur.kind {
		case nSelect:
			path, pos = append(path, cur.name), append(pos, cur.pos)
			cur = cur.target
			continue
		case nIndex:
			idx := cur.args[1]
			if idx.kind != nLit || idx.lit.k != kString {
				return nil, false, nil
			}
			path, pos = append(path, idx.lit.s), append(pos, cur.pos)
			cur = cur.args[0]
			continue
		case nIdent:
			path, pos = append(path, cur.name), append(pos, cur.pos)
		default:
			return nil, false, nil
		}
		break
	}
	if c.bound(path[len(path)-1]) {
		return nil, false, nil // rooted at a macro variable: a value, not an attribute
	}
	for i, j := 0, len(path)-1; i < j; i, j = i+1, j-1 {
		path[i], path[j] = path[j], path[i]
		pos[i], pos[j] = pos[j], pos[i]
	}
	if c.roots != nil {
		c.roots[path[0]] = true
	}
	unknown := func(i int) (eval, bool, error) { return unknownAttribute(path, pos, i) }
	// leaf is e, the accessor of an attribute without members. The
	// accessors read their field themselves, without a call to a getter:
	// inside wasm every call counts.
	leaf := func(e eval) (eval, bool, error) {
		if len(path) > 2 {
			return unknown(2)
		}
		return e, true, nil
	}
	if len(path) == 1 {
		switch path[0] {
		case "request", "path", "source", "user", "service", "thing":
			return nil, true, &Error{Pos: pos[0], Msg: quote(path[0]) + " is a group of attributes; select one, like " + path[0] + "." + example(path[0])}
		case "now":
			return func(r *Request) value {
				if r.Now.IsZero() {
					return errNoTime // never year 1, which every deadline is after
				}
				return timeVal(r.Now)
			}, true, nil
		}
		return nil, true, &Error{Pos: pos[0], Msg: "undeclared reference to " + quote(path[0]) + " (known: request, path, source, user, service, thing, now)"}
	}
	switch path[0] {
	case "request":
		switch path[1] {
		case "method":
			return leaf(func(r *Request) value { return strVal(r.Method) })
		case "path":
			return leaf(func(r *Request) value { return strVal(r.Path) })
		case "host":
			return leaf(func(r *Request) value { return strVal(r.Host) })
		case "scheme":
			return leaf(func(r *Request) value { return strVal(r.Scheme) })
		case "headers":
			if len(path) != 3 {
				return nil, true, &Error{Pos: pos[1], Msg: "select one header: request.headers[\"x-name\"], or test for one: \"x-name\" in request.headers"}
			}
			name := strings.ToLower(path[2])
			// A header sent several times has no single value: reading
			// one is an error (the condition fails closed), never the
			// first or the last of them (Envoy CVE-2021-32777).
			return func(r *Request) value {
				var v value = errNoSuchKey
				for _, kv := range r.Headers {
					if kv[0] == name {
						if v.k == kString {
							return errRepeated
						}
						v = strVal(kv[1])
					}
				}
				return v
			}, true, nil
		case "headerValues", "queryValues":
			if len(path) != 3 {
				return nil, true, &Error{Pos: pos[1], Msg: "select one name: request." + path[1] + "[\"name\"] is the list of its values"}
			}
			if path[1] == "headerValues" {
				return valuesOf(fromHeaders, strings.ToLower(path[2])), true, nil
			}
			return valuesOf(fromQuery, path[2]), true, nil
		case "query":
			if len(path) != 3 {
				return nil, true, &Error{Pos: pos[1], Msg: "select one parameter: request.query[\"name\"], or test for one: \"name\" in request.query"}
			}
			name := path[2]
			return func(r *Request) value {
				v, n := queryParam(r.Query, name)
				switch n {
				case 0:
					return errNoSuchKey
				case 1:
					return strVal(v)
				}
				return errRepeated // parameter pollution: no single value
			}, true, nil
		}
	case "path":
		if len(path) != 2 {
			return unknown(2)
		}
		name := path[1]
		return func(r *Request) value {
			if v, ok := r.param(name); ok {
				return strVal(v)
			}
			return errNoSuchKey
		}, true, nil
	case "source":
		switch path[1] {
		case "ip":
			return leaf(func(r *Request) value { return strVal(r.SourceIP) })
		case "port":
			if len(path) > 2 {
				return unknown(2)
			}
			return func(r *Request) value { return value{k: kInt, i: r.SourcePort} }, true, nil
		}
	case "user", "thing":
		user := path[0] == "user"
		thing := !user
		switch path[1] {
		case "authenticated":
			return leaf(func(r *Request) value { return boolVal(r.principal(thing).Authenticated) })
		case "sub", "id":
			if user != (path[1] == "sub") {
				return unknown(1)
			}
			return leaf(func(r *Request) value { return strVal(r.principal(thing).Subject) })
		case "iss":
			return leaf(func(r *Request) value { return strVal(r.principal(thing).Issuer) })
		case "provider":
			return leaf(func(r *Request) value { return strVal(r.principal(thing).Provider) })
		case "aud":
			return leaf(func(r *Request) value { return value{k: kList, strs: nonNil(r.principal(thing).Audience)} })
		case "scope":
			return leaf(func(r *Request) value { return value{k: kList, strs: nonNil(r.principal(thing).Scope)} })
		case "claims":
			if len(path) == 2 {
				return func(r *Request) value {
					return value{k: kJSON, j: jsonv.Parse(claimsView(r.principal(thing).Claims))}
				}, true, nil
			}
			idx, ok := c.slots.slot(thing, append([]string(nil), path[2:]...))
			if !ok {
				return nil, true, &Error{Pos: pos[0], Msg: "a policy reads at most 32 distinct claims"}
			}
			return func(r *Request) value {
				s := &r.slots[idx]
				if !s.set {
					return errNoSuchKey
				}
				return s.v
			}, true, nil
		}
	case "service":
		switch path[1] {
		case "authenticated":
			return leaf(func(r *Request) value { return boolVal(r.Service.Authenticated) })
		case "id":
			return leaf(func(r *Request) value { return strVal(r.Service.ID) })
		case "trustDomain":
			return leaf(func(r *Request) value { return strVal(r.Service.TrustDomain) })
		case "namespace":
			return leaf(func(r *Request) value { return strVal(r.Service.Namespace) })
		case "serviceAccount":
			return leaf(func(r *Request) value { return strVal(r.Service.ServiceAccount) })
		}
	default:
		return nil, false, nil
	}
	return unknown(1)
}

// attributePath returns the names of n when n is an attribute chain, as
// attribute resolves it.
func (c *compiler) attributePath(n *node) ([]string, bool) {
	var path []string
	for cur := n; ; {
		switch cur.kind {
		case nSelect:
			path = append(path, cur.name)
			cur = cur.target
			continue
		case nIndex:
			idx := cur.args[1]
			if idx.kind != nLit || idx.lit.k != kString {
				return nil, false
			}
			path = append(path, idx.lit.s)
			cur = cur.args[0]
			continue
		case nIdent:
			if c.bound(cur.name) {
				return nil, false
			}
			path = append(path, cur.name)
			for i, j := 0, len(path)-1; i < j; i, j = i+1, j-1 {
				path[i], path[j] = path[j], path[i]
			}
			return path, true
		}
		return nil, false
	}
}

func example(root string) string {
	return map[string]string{"request": "method", "path": "customer", "source": "ip", "user": "sub", "service": "id", "thing": "id"}[root]
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// queryParam returns the value of parameter name and how many times it
// appears.
func queryParam(q, name string) (string, int) {
	var val string
	n := 0
	for q != "" {
		var kv string
		kv, q, _ = strings.Cut(q, "&")
		if k, v, _ := strings.Cut(kv, "="); k == name {
			val, n = v, n+1
		}
	}
	return val, n
}

// unknownAttribute is the error of an unknown attribute path[:i+1], kept
// out of line: inlined at the 20 places that report one it cost
// palisade.wasm 10 KB.
//
//go:noinline
func unknownAttribute(path []string, pos []int, i int) (eval, bool, error) {
	return nil, true, &Error{Pos: pos[i], Msg: "unknown attribute " + quote(strings.Join(path[:i+1], "."))}
}
