package policies

import (
	"encoding/binary"
	"net/netip"
)

// IP addresses and CIDR ranges with the names and meaning of the
// Kubernetes CEL library (k8s.io/apiserver/pkg/cel/library ip.go,
// cidr.go), which cel-go's ext.Network mirrors (the oracle in the tests):
// ip(s) and cidr(s) parse strictly, refusing IPv4-mapped IPv6 addresses,
// zones and leading zeros; isIP and isCIDR say whether they would parse;
// an IP has family, isLoopback, isGlobalUnicast, isLinkLocalMulticast,
// isLinkLocalUnicast, isUnspecified; a CIDR has containsIP (an ip or a
// string), containsCIDR (a cidr or a string), ip, masked, prefixLength,
// isMask. A literal argument to ip() or cidr() is parsed when the policy
// loads (a bad one is a compile error, as cel-go's validator has it);
// source.ip, a string, is parsed per evaluation without allocating.

var (
	errBadIP   = errVal("invalid IP address")
	errBadCIDR = errVal("invalid CIDR")
)

func parseIP(s string) (netip.Addr, bool) {
	a, err := netip.ParseAddr(s)
	return a, err == nil && a.Zone() == "" && !a.Is4In6()
}

func parseCIDR(s string) (netip.Prefix, bool) {
	p, err := netip.ParsePrefix(s)
	return p, err == nil && p.Addr().Zone() == "" && !p.Addr().Is4In6()
}

func ipVal(a netip.Addr) value     { return netVal(kIP, netip.PrefixFrom(a, a.BitLen())) }
func cidrVal(p netip.Prefix) value { return netVal(kCIDR, p) }

// netVal packs an address (no zone: parsing refuses them) and a prefix
// length into a value's scalar fields, so a value stays small.
func netVal(k kind, p netip.Prefix) value {
	a := p.Addr().As16()
	return value{k: k, b: p.Addr().Is4(), bits: int16(p.Bits()),
		u: binary.BigEndian.Uint64(a[:8]), i: int64(binary.BigEndian.Uint64(a[8:]))}
}

// prefix unpacks what netVal packed.
func (v value) prefix() netip.Prefix {
	var a [16]byte
	binary.BigEndian.PutUint64(a[:8], v.u)
	binary.BigEndian.PutUint64(a[8:], uint64(v.i))
	addr := netip.AddrFrom16(a)
	if v.b {
		addr = addr.Unmap()
	}
	return netip.PrefixFrom(addr, int(v.bits))
}

// toIP is ip(v) for a string, or an ip argument taken as one.
func toIP(v value) value {
	switch v.k {
	case kString:
		if a, ok := parseIP(v.s); ok {
			return ipVal(a)
		}
		return errBadIP
	case kIP, kError:
		return v
	}
	return errNoSuchOverload
}

// toCIDR is cidr(v) for a string, or a cidr argument taken as one.
func toCIDR(v value) value {
	switch v.k {
	case kString:
		if p, ok := parseCIDR(v.s); ok {
			return cidrVal(p)
		}
		return errBadCIDR
	case kCIDR, kError:
		return v
	}
	return errNoSuchOverload
}

// compileNetwork compiles the network functions; the checker has matched
// the call to an overload (member or global, number of arguments).
func (c *compiler) compileNetwork(n *node, recv eval, args []eval) (eval, error) {
	global := n.name == "cidr" || n.name == "isIP" || n.name == "isCIDR" || n.name == "ip.isCanonical" || n.name == "ip" && recv == nil
	if global != (recv == nil) {
		return nil, &Error{Pos: n.pos, Msg: "found no matching overload for " + n.name}
	}
	if global {
		if len(args) != 1 {
			return nil, &Error{Pos: n.pos, Msg: n.name + "() takes one argument"}
		}
		return c.compileNetworkGlobal(n, args[0])
	}
	want := 0
	if n.name == "containsIP" || n.name == "containsCIDR" {
		want = 1
	}
	if len(args) != want {
		return nil, &Error{Pos: n.pos, Msg: n.name + "() takes " + itoa(want) + " argument(s)"}
	}
	switch n.name {
	case "containsIP":
		x := args[0]
		if literal(n.target) {
			// cidr("10.0.0.0/8").containsIP(source.ip), the common form:
			// the range is unpacked once, the address parsed in place.
			if p := recv(nil); p.k == kCIDR {
				pre := p.prefix()
				return func(r *Request) value { return containsIP(pre, x(r)) }, nil
			}
		}
		return func(r *Request) value {
			p := cidrOf(recv(r))
			if p.k != kCIDR {
				return p
			}
			return containsIP(p.prefix(), x(r))
		}, nil
	case "containsCIDR":
		x := args[0]
		return func(r *Request) value {
			p, q := cidrOf(recv(r)), toCIDR(x(r))
			switch {
			case p.k != kCIDR:
				return p
			case q.k != kCIDR:
				return q
			}
			pp, qp := p.prefix(), q.prefix()
			return boolVal(pp.Overlaps(qp) && pp.Bits() <= qp.Bits())
		}, nil
	case "ip", "masked", "prefixLength", "isMask":
		f := map[string]func(netip.Prefix) value{
			"ip":           func(p netip.Prefix) value { return ipVal(p.Addr()) },
			"masked":       func(p netip.Prefix) value { return cidrVal(p.Masked()) },
			"prefixLength": func(p netip.Prefix) value { return value{k: kInt, i: int64(p.Bits())} },
			"isMask":       func(p netip.Prefix) value { return boolVal(p.Addr() == p.Masked().Addr()) },
		}[n.name]
		return func(r *Request) value {
			p := cidrOf(recv(r))
			if p.k != kCIDR {
				return p
			}
			return f(p.prefix())
		}, nil
	}
	f := map[string]func(netip.Addr) value{
		"family": func(a netip.Addr) value {
			if a.Is4() {
				return value{k: kInt, i: 4}
			}
			return value{k: kInt, i: 6}
		},
		"isLoopback":           func(a netip.Addr) value { return boolVal(a.IsLoopback()) },
		"isGlobalUnicast":      func(a netip.Addr) value { return boolVal(a.IsGlobalUnicast()) },
		"isLinkLocalMulticast": func(a netip.Addr) value { return boolVal(a.IsLinkLocalMulticast()) },
		"isLinkLocalUnicast":   func(a netip.Addr) value { return boolVal(a.IsLinkLocalUnicast()) },
		"isUnspecified":        func(a netip.Addr) value { return boolVal(a.IsUnspecified()) },
	}[n.name]
	return func(r *Request) value {
		v := recv(r)
		switch v.k {
		case kIP:
			return f(v.prefix().Addr())
		case kError:
			return v
		}
		return errNoSuchOverload
	}, nil
}

// containsIP is p.containsIP(a), a an ip or a string.
func containsIP(p netip.Prefix, a value) value {
	switch a.k {
	case kString:
		addr, ok := parseIP(a.s)
		if !ok {
			return errBadIP
		}
		return boolVal(p.Contains(addr))
	case kIP:
		return boolVal(p.Contains(a.prefix().Addr()))
	case kError:
		return a
	}
	return errNoSuchOverload
}

// literal reports whether n is ip() or cidr() of a literal, which
// compileNetworkGlobal converts once.
func literal(n *node) bool {
	return n.kind == nCall && n.target == nil && (n.name == "ip" || n.name == "cidr") && len(n.args) == 1 && n.args[0].kind == nLit
}

// cidrOf passes a cidr (or an error) through; anything else is no
// overload.
func cidrOf(v value) value {
	if v.k == kCIDR || v.k == kError {
		return v
	}
	return errNoSuchOverload
}

func (c *compiler) compileNetworkGlobal(n *node, arg eval) (eval, error) {
	var conv func(value) value
	switch n.name {
	case "ip":
		conv = toIP
	case "cidr":
		conv = toCIDR
	case "isIP", "isCIDR":
		parse := toIP
		if n.name == "isCIDR" {
			parse = toCIDR
		}
		conv = func(v value) value {
			if v.k != kString {
				return parse(v) // an error, or no overload
			}
			return boolVal(parse(v).k != kError)
		}
	case "ip.isCanonical":
		conv = func(v value) value {
			if v.k != kString {
				return toIP(v)
			}
			a, ok := parseIP(v.s)
			if !ok {
				return errBadIP
			}
			return boolVal(a.String() == v.s)
		}
	}
	if lit := n.args[0]; lit.kind == nLit && (n.name == "ip" || n.name == "cidr") {
		v := conv(lit.lit)
		if v.k == kError {
			return nil, &Error{Pos: lit.pos, Msg: n.name + "(): " + v.s}
		}
		return func(*Request) value { return v }, nil
	}
	return func(r *Request) value { return conv(arg(r)) }, nil
}
