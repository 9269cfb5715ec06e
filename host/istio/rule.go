package istio

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"
)

// ruleCtx converts one AuthorizationPolicy rule into a condition: the
// rule matches when one of its sources, one of its operations and every
// when condition match (Istio's semantics); within a field, one value
// must match; a not-field must match none.
type ruleCtx struct {
	c     *converter
	id    string
	allow bool
}

// unconvertible returns the stand-in for what cannot be expressed: false
// in an ALLOW rule, true in a DENY or AUDIT rule, and notes it.
func (x *ruleCtx) unconvertible(field, why string) string {
	if x.allow {
		x.c.note("%s: %s not converted (%s); the rule never allows", x.id, field, why)
		return "false"
	}
	x.c.note("%s: %s not converted (%s); the rule applies without it (denies more)", x.id, field, why)
	return "true"
}

func lit(s string) string { return strconv.Quote(s) }

func and(parts []string) string {
	var kept []string
	for _, p := range parts {
		switch p {
		case "true":
		case "false":
			return "false"
		default:
			kept = append(kept, p)
		}
	}
	switch len(kept) {
	case 0:
		return "true"
	case 1:
		return kept[0]
	}
	return "(" + strings.Join(kept, " && ") + ")"
}

func or(parts []string) string {
	var kept []string
	for _, p := range parts {
		switch p {
		case "false":
		case "true":
			return "true"
		default:
			kept = append(kept, p)
		}
	}
	switch len(kept) {
	case 0:
		return "false"
	case 1:
		return kept[0]
	}
	return "(" + strings.Join(kept, " || ") + ")"
}

func not(p string) string {
	switch p {
	case "true":
		return "false"
	case "false":
		return "true"
	}
	return "!(" + p + ")"
}

// stringMatch is Istio's string match: "*" (present), "prefix*",
// "*suffix" or exact. present is the condition for "*".
func stringMatch(attr, v, present string) string {
	switch {
	case v == "*":
		return present
	case strings.HasSuffix(v, "*"):
		return attr + ".startsWith(" + lit(strings.TrimSuffix(v, "*")) + ")"
	case strings.HasPrefix(v, "*"):
		return attr + ".endsWith(" + lit(strings.TrimPrefix(v, "*")) + ")"
	}
	return attr + " == " + lit(v)
}

// field converts one field: values (one must match) and notValues (none
// may), each value by conv.
func field(values, notValues []string, conv func(string) string) string {
	var parts []string
	if len(values) > 0 {
		var alt []string
		for _, v := range values {
			alt = append(alt, conv(v))
		}
		parts = append(parts, or(alt))
	}
	if len(notValues) > 0 {
		var alt []string
		for _, v := range notValues {
			alt = append(alt, conv(v))
		}
		parts = append(parts, not(or(alt)))
	}
	return and(parts)
}

func (x *ruleCtx) rule(r *apRule) string {
	var parts []string
	if len(r.From) > 0 {
		var alt []string
		for i := range r.From {
			alt = append(alt, x.source(&r.From[i].Source))
		}
		parts = append(parts, or(alt))
	}
	if len(r.To) > 0 {
		var alt []string
		for i := range r.To {
			alt = append(alt, x.operation(&r.To[i].Operation))
		}
		parts = append(parts, or(alt))
	}
	for _, w := range r.When {
		parts = append(parts, x.when(w.Key, w.Values, w.NotValues))
	}
	return and(parts)
}

func (x *ruleCtx) principal(v string) string {
	x.c.usesService = true
	if v != "*" && !strings.HasPrefix(v, "*") {
		if td, _, ok := strings.Cut(v, "/"); ok && td != "" && !strings.Contains(td, "*") {
			x.c.trustDomains[td] = true
		}
	}
	if strings.HasPrefix(v, "*") && v != "*" {
		return "(service.authenticated && " + stringMatch("service.id", v, "") + ")"
	}
	return stringMatch("service.id", "spiffe://"+strings.TrimPrefix(v, "spiffe://"), "service.authenticated")
}

func (x *ruleCtx) namespace(v string) string {
	x.c.usesService = true
	return stringMatch("service.namespace", v, "service.authenticated")
}

// requestPrincipal is "iss/sub", split at the last '/' (issuers are URLs,
// subjects rarely contain '/').
func (x *ruleCtx) requestPrincipal(field string) func(string) string {
	return func(v string) string {
		switch {
		case v == "*":
			return "user.authenticated"
		case strings.HasSuffix(v, "/*") && !strings.Contains(strings.TrimSuffix(v, "/*"), "*"):
			return "(user.authenticated && user.iss == " + lit(strings.TrimSuffix(v, "/*")) + ")"
		case strings.HasPrefix(v, "*/") && !strings.Contains(v[2:], "/") && !strings.Contains(v[2:], "*"):
			return "(user.authenticated && user.sub == " + lit(v[2:]) + ")"
		case strings.Contains(v, "*"):
			return x.unconvertible(field+" "+lit(v), "a wildcard inside a request principal")
		}
		i := strings.LastIndexByte(v, '/')
		if i < 0 {
			return x.unconvertible(field+" "+lit(v), "not of the form issuer/subject")
		}
		return "(user.authenticated && user.iss == " + lit(v[:i]) + " && user.sub == " + lit(v[i+1:]) + ")"
	}
}

func (x *ruleCtx) ip(field string) func(string) string {
	return func(v string) string {
		if p, err := netip.ParsePrefix(v); err == nil {
			if p.Bits() != p.Addr().BitLen() {
				return x.unconvertible(field+" "+v, "address ranges are not supported by Palisade policies yet")
			}
			v = p.Addr().String()
		} else if a, err := netip.ParseAddr(v); err == nil {
			v = a.String()
		} else {
			return x.unconvertible(field+" "+lit(v), "not an address or range")
		}
		return "source.ip == " + lit(v)
	}
}

func (x *ruleCtx) source(s *source) string {
	var parts []string
	parts = append(parts, field(s.Principals, s.NotPrincipals, x.principal))
	parts = append(parts, field(s.Namespaces, s.NotNamespaces, x.namespace))
	parts = append(parts, field(s.RequestPrincipals, s.NotRequestPrincipals, x.requestPrincipal("requestPrincipals")))
	parts = append(parts, field(s.IPBlocks, s.NotIPBlocks, x.ip("ipBlocks")))
	if len(s.RemoteIPBlocks)+len(s.NotRemoteIPBlocks) > 0 {
		parts = append(parts, x.unconvertible("remoteIpBlocks", "the original client address is not an attribute"))
	}
	return and(parts)
}

func (x *ruleCtx) operation(o *operation) string {
	var parts []string
	parts = append(parts, field(o.Hosts, o.NotHosts, func(v string) string {
		if strings.Contains(strings.Trim(v, "*"), ":") {
			return x.unconvertible("hosts "+lit(v), "request.host has no port")
		}
		return stringMatch("request.host.lowerAscii()", strings.ToLower(v), "true")
	}))
	parts = append(parts, field(o.Methods, o.NotMethods, func(v string) string {
		return stringMatch("request.method", v, "true")
	}))
	parts = append(parts, field(o.Paths, o.NotPaths, func(v string) string {
		if strings.Contains(v, "{") {
			return x.unconvertible("paths "+lit(v), "path templates; write them as Palisade match.paths")
		}
		return stringMatch("request.path", v, "true")
	}))
	if len(o.Ports)+len(o.NotPorts) > 0 {
		parts = append(parts, x.unconvertible("ports", "the destination port is not an attribute"))
	}
	return and(parts)
}

func (x *ruleCtx) when(key string, values, notValues []string) string {
	switch {
	case key == "source.ip":
		return field(values, notValues, x.ip("when source.ip"))
	case key == "source.namespace":
		return field(values, notValues, x.namespace)
	case key == "source.principal":
		return field(values, notValues, x.principal)
	case key == "request.auth.principal":
		return field(values, notValues, x.requestPrincipal("when request.auth.principal"))
	case key == "request.auth.audiences":
		return field(values, notValues, func(v string) string {
			return "(user.authenticated && " + lit(v) + " in user.aud)"
		})
	case key == "request.auth.presenter":
		return field(values, notValues, func(v string) string { return x.claim([]string{"azp"}, v) })
	case strings.HasPrefix(key, "request.headers[") && strings.HasSuffix(key, "]"):
		name := strings.ToLower(key[len("request.headers[") : len(key)-1])
		attr := "request.headers[" + lit(name) + "]"
		if !x.allow {
			x.c.note("%s: when %s: a request without the header fails to evaluate and the rule applies (denies more)", x.id, key)
		}
		// A missing header fails to evaluate, which an ALLOW rule treats
		// as no match, as Istio does.
		return field(values, notValues, func(v string) string {
			return stringMatch(attr, v, attr+` != "\x00"`)
		})
	case strings.HasPrefix(key, "request.auth.claims["):
		path, ok := claimPath(key)
		if !ok {
			return x.unconvertible("when "+key, "claim names must be plain identifiers")
		}
		return field(values, notValues, func(v string) string { return x.claim(path, v) })
	}
	return x.unconvertible("when "+key, "no Palisade attribute for this key")
}

// claimPath reads request.auth.claims[a][b] into [a b].
func claimPath(key string) ([]string, bool) {
	rest := strings.TrimPrefix(key, "request.auth.claims")
	var path []string
	for rest != "" {
		if rest[0] != '[' {
			return nil, false
		}
		end := strings.IndexByte(rest, ']')
		if end < 0 {
			return nil, false
		}
		name := rest[1:end]
		if !ident(name) {
			return nil, false
		}
		path = append(path, name)
		rest = rest[end+1:]
	}
	return path, len(path) > 0
}

func ident(s string) bool {
	if s == "" {
		return false
	}
	for i, c := range s {
		if !(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || i > 0 && c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// claim is Istio's claim match: the claim equals the value or, as a list,
// contains it. Exact values only (Istio matches claims exactly).
func (x *ruleCtx) claim(path []string, v string) string {
	attr := "user.claims." + strings.Join(path, ".")
	if !x.allow {
		x.c.note("%s: claim %s: when it is a single string other than %s, the condition fails to evaluate and the rule applies (denies more)", x.id, strings.Join(path, "."), lit(v))
	}
	return fmt.Sprintf("(user.authenticated && has(%s) && (%s == %s || %s in %s))", attr, attr, lit(v), lit(v), attr)
}
