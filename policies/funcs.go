package policies

// The signatures of the conversion, time and network functions, for the
// type checker: a call no overload accepts for its static argument types
// is a compile error, as in CEL's checker. A dyn argument matches any
// kind; the result is the overloads' common result type, or dyn when the
// overloads a dyn argument leaves open disagree.

type overload struct {
	member bool
	args   []kind // the receiver first for a member function
	result typ
}

var (
	tyDouble    = typ{k: kDouble}
	tyTimestamp = typ{k: kTimestamp}
	tyDuration  = typ{k: kDuration}
	tyIP        = typ{k: kIP}
	tyCIDR      = typ{k: kCIDR}
)

func global(result typ, args ...kind) overload { return overload{args: args, result: result} }
func member(result typ, args ...kind) overload {
	return overload{member: true, args: args, result: result}
}

// overloadsOf returns the overloads of function name; nil for a function
// checked elsewhere (checkCall) or unknown.
func overloadsOf(name string) []overload {
	switch name {
	case "int":
		return []overload{global(tyInt, kInt), global(tyInt, kUint), global(tyInt, kDouble), global(tyInt, kString),
			global(tyInt, kTimestamp), global(tyInt, kDuration)}
	case "timestamp":
		return []overload{global(tyTimestamp, kString), global(tyTimestamp, kInt), global(tyTimestamp, kTimestamp)}
	case "duration":
		return []overload{global(tyDuration, kString), global(tyDuration, kDuration)}
	case "getHours", "getMinutes", "getSeconds", "getMilliseconds":
		return []overload{member(tyInt, kTimestamp), member(tyInt, kDuration)}
	case "getFullYear", "getMonth", "getDayOfYear", "getDate", "getDayOfMonth", "getDayOfWeek":
		return []overload{member(tyInt, kTimestamp)}
	case "ip":
		return []overload{global(tyIP, kString), member(tyIP, kCIDR)}
	case "cidr":
		return []overload{global(tyCIDR, kString)}
	case "isIP", "isCIDR", "ip.isCanonical":
		return []overload{global(tyBool, kString)}
	case "family":
		return []overload{member(tyInt, kIP)}
	case "isLoopback", "isGlobalUnicast", "isLinkLocalMulticast", "isLinkLocalUnicast", "isUnspecified":
		return []overload{member(tyBool, kIP)}
	case "containsIP":
		return []overload{member(tyBool, kCIDR, kIP), member(tyBool, kCIDR, kString)}
	case "containsCIDR":
		return []overload{member(tyBool, kCIDR, kCIDR), member(tyBool, kCIDR, kString)}
	case "masked":
		return []overload{member(tyCIDR, kCIDR)}
	case "prefixLength":
		return []overload{member(tyInt, kCIDR)}
	case "isMask":
		return []overload{member(tyBool, kCIDR)}
	}
	return nil
}

// resolve types a call of one of overloads; ok is false when none
// accepts the argument types (the receiver first for a member call).
func resolve(overloads []overload, isMember bool, args []typ) (typ, bool) {
	var result *typ
	for _, o := range overloads {
		if o.member != isMember || len(o.args) != len(args) {
			continue
		}
		match := true
		for i, k := range o.args {
			if !args[i].isDyn() && args[i].k != k {
				match = false
			}
		}
		if !match {
			continue
		}
		if result == nil {
			r := o.result
			result = &r
		} else if !same(*result, o.result) {
			result = &tyDyn
		}
	}
	if result == nil {
		return typ{}, false
	}
	return *result, true
}
