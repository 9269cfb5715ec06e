package policies

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/ext"
	"cel.dev/cel-go/interpreter"
	"google.golang.org/protobuf/types/known/structpb"
)

// fixture is one request, given to Palisade as a Request and to cel-go as
// the same attributes in maps (claims decoded from the same JSON).
const claimsJSON = `{"sub":"alice","email":"alice@example.com","roles":["clinician","staff"],"tenant":"acme","level":3,
	"realm_access":{"roles":["admin-ui","user"]},"active":true,"nothing":null,"dotted.key":"yes","nested":{"a":{"b":"deep"}},
	"authorization":{"permissions":[{"rsid":"orders","scopes":["read","write"]},{"rsid":"billing","scopes":["read"]},{"rsid":7}]},
	"mixed":[1,"a",{"x":1},null,[2]],"exp":1767225600,"iat":1700000000.5,"[odd":"bracket","{odd":"brace","a*b|c":"star"}`

func fixture() *Request {
	r := &Request{Method: "GET", Path: "/customers/alice/orders/7", Host: "shop.example", Scheme: "https",
		Query: "expand=items&page=2&tag=a&tag=b", Headers: [][2]string{{"x-tenant", "acme"}, {"user-agent", "curl"},
			{"x-forwarded-for", "10.0.0.1"}, {"x-forwarded-for", "192.168.1.9"}},
		SourceIP: "10.1.2.3", SourcePort: 40000, Now: time.Date(2025, 6, 1, 12, 30, 0, 500, time.UTC),
		User: Principal{Authenticated: true, Subject: "alice", Issuer: "https://idp.example", Provider: "idp",
			Audience: []string{"orders"}, Scope: []string{"orders:read", "orders:write"}, Claims: []byte(claimsJSON)},
		Service: Service{Authenticated: true, ID: "spiffe://shop.example/ns/payments/sa/payments", TrustDomain: "shop.example",
			Namespace: "payments", ServiceAccount: "payments"},
		Thing: Principal{Authenticated: false, Claims: []byte(`{}`)},
	}
	r.params[0] = [2]string{"customer", "alice"}
	r.nparam = 1
	return r
}

// celActivation gives cel-go the attributes of r under their declared
// names (celVars), each derived from r as Palisade reads it: claims
// decoded from the same JSON, a repeated header an error to read, a
// missing time an error (Palisade's now is an error then, never the year
// 1). Like Palisade, it builds only what an expression reads, when it
// reads it: benchmarks compare like with like.
func celActivation(r *Request) interpreter.Activation { return celRequest{r} }

type celRequest struct{ r *Request }

func (celRequest) Parent() interpreter.Activation { return nil }

func (a celRequest) ResolveName(name string) (any, bool) {
	r := a.r
	decode := func(b []byte) any {
		m := map[string]any{}
		if len(b) > 0 {
			json.Unmarshal(b, &m)
		}
		return m
	}
	anys := func(s []string) any {
		out := []any{}
		for _, x := range s {
			out = append(out, x)
		}
		return out
	}
	query := func() [][2]string {
		var kvs [][2]string
		for q := r.Query; q != ""; {
			var kv string
			kv, q, _ = strings.Cut(q, "&")
			k, v, _ := strings.Cut(kv, "=")
			kvs = append(kvs, [2]string{k, v})
		}
		return kvs
	}
	u, th, sv := &r.User, &r.Thing, &r.Service
	var v any
	switch name {
	case "request.method":
		v = r.Method
	case "request.path":
		v = r.Path
	case "request.host":
		v = r.Host
	case "request.scheme":
		v = r.Scheme
	case "request.headers":
		v, _ = celMaps(r.Headers)
	case "request.headerValues":
		_, v = celMaps(r.Headers)
	case "request.query":
		v, _ = celMaps(query())
	case "request.queryValues":
		_, v = celMaps(query())
	case "path":
		m := map[string]any{}
		for _, p := range r.params[:r.nparam] {
			m[p[0]] = p[1]
		}
		v = m
	case "now":
		v = r.Now
		if r.Now.IsZero() {
			v = types.NewErr("no request time")
		}
	case "source.ip":
		v = r.SourceIP
	case "source.port":
		v = r.SourcePort
	case "service.authenticated":
		v = sv.Authenticated
	case "service.id":
		v = sv.ID
	case "service.trustDomain":
		v = sv.TrustDomain
	case "service.namespace":
		v = sv.Namespace
	case "service.serviceAccount":
		v = sv.ServiceAccount
	case "user.authenticated":
		v = u.Authenticated
	case "user.sub":
		v = u.Subject
	case "user.iss":
		v = u.Issuer
	case "user.provider":
		v = u.Provider
	case "user.aud":
		v = anys(u.Audience)
	case "user.scope":
		v = anys(u.Scope)
	case "user.claims":
		v = decode(u.Claims)
	case "thing.authenticated":
		v = th.Authenticated
	case "thing.id":
		v = th.Subject
	case "thing.iss":
		v = th.Issuer
	case "thing.provider":
		v = th.Provider
	case "thing.aud":
		v = anys(th.Audience)
	case "thing.scope":
		v = anys(th.Scope)
	case "thing.claims":
		v = decode(th.Claims)
	default:
		return nil, false
	}
	return v, true
}

// celDecoded is celActivation built in advance, every attribute, for
// benchmarks of cel-go on inputs a filter could not have ready.
func celDecoded(r *Request) map[string]any {
	act := map[string]any{}
	for _, name := range celNames() {
		act[name], _ = celActivation(r).ResolveName(name)
	}
	return act
}

// celTypes are Palisade's attributes and their types.
func celTypes() map[string]*cel.Type {
	strs, strMap := cel.ListType(cel.StringType), cel.MapType(cel.StringType, cel.StringType)
	vars := map[string]*cel.Type{
		"request.method": cel.StringType, "request.path": cel.StringType, "request.host": cel.StringType, "request.scheme": cel.StringType,
		"request.headers": strMap, "request.query": strMap,
		"request.headerValues": cel.MapType(cel.StringType, strs), "request.queryValues": cel.MapType(cel.StringType, strs),
		"now": cel.TimestampType, "path": strMap, "source.ip": cel.StringType, "source.port": cel.IntType,
		"service.authenticated": cel.BoolType, "service.id": cel.StringType, "service.trustDomain": cel.StringType,
		"service.namespace": cel.StringType, "service.serviceAccount": cel.StringType,
		"user.sub": cel.StringType, "thing.id": cel.StringType,
	}
	for _, root := range []string{"user", "thing"} {
		vars[root+".authenticated"], vars[root+".iss"], vars[root+".provider"] = cel.BoolType, cel.StringType, cel.StringType
		vars[root+".aud"], vars[root+".scope"], vars[root+".claims"] = strs, strs, cel.DynType
	}
	return vars
}

// celNames lists the attributes celVars declares.
func celNames() []string {
	var names []string
	for name := range celTypes() {
		names = append(names, name)
	}
	return names
}

// celVars declares Palisade's attributes to cel-go with their types, so
// that its checker types a rule as Palisade's does (claims are dyn).
func celVars() []cel.EnvOption {
	var opts []cel.EnvOption
	for name, t := range celTypes() {
		opts = append(opts, cel.Variable(name, t))
	}
	return opts
}

// celMaps gives cel-go a request's headers or query parameters as CEL
// maps: name to value, where a name sent several times maps to an error
// value (reading it is an error, as in Palisade, while `in` finds it),
// and name to the list of every value.
func celMaps(kvs [][2]string) (single, all map[string]any) {
	single, all = map[string]any{}, map[string]any{}
	for _, kv := range kvs {
		if _, seen := single[kv[0]]; seen {
			single[kv[0]] = types.NewErr("repeated: several values where one is read")
		} else {
			single[kv[0]] = kv[1]
		}
		l, _ := all[kv[0]].([]any)
		all[kv[0]] = append(l, kv[1])
	}
	return single, all
}

// celExprs is every supported construct, in forms that are true, false
// and erroneous. The expectations are cel-go's answers.
var celExprs = []string{
	// Claim names with the bytes a JSON path syntax reserves.
	`user.claims["[odd"] == "bracket"`, `user.claims["{odd"] == "brace"`, `user.claims["a*b|c"] == "star"`,
	`"[odd" in user.claims`, `has(user.claims.nested.a)`, `user.claims["dotted.key"] == "yes"`,
	// literals and equality across types
	`true`, `1 == 1`, `"a" == "a"`, `null == null`,
	`[1, 2] == [1, 2]`, `[1, "a"] == [1, "a"]`, `b"ab" == b"ab"`, `'\x41' == "A"`, `"\u00e9" == "é"`,
	`r"\d" == "\\d"`, `"""multi""" == "multi"`, `0x10 == 16`, `1e3 == 1000.0`,
	// comparisons; relations associate to the left, and a parenthesized one is an operand
	`"abc" < "abd"`, `1 < 2`, `true > false`, `b"a" < b"b"`, `1 == 1 == true`, `1 < 2 == true`, `true == (1 in [1])`,
	`(1 < 2) < true`, `"a" in ["a"] == true`, `false != ("x" in request.headers)`,
	// logic with CEL's error absorption
	`true && false`, `false && user.claims.missing == 1`, `user.claims.missing == 1 && false`,
	`true && user.claims.missing == 1`, `user.claims.missing == 1 || true`, `true || user.claims.missing`,
	`false || user.claims.missing == 1`, `!true`, `!user.claims.active`, `!!true`, `!!!false`, `!!user.claims.tenant == "acme"`,
	`!!"x" == "x"`, `!!user.claims.missing`, `!!!user.claims.tenant`,
	`true ? "a" : "b"`, `false ? 1 : 2`, `user.claims.missing ? 1 : 2`,
	// attributes
	`request.method == "GET"`, `request.path.startsWith("/customers/")`, `request.host == "shop.example"`,
	`request.headers["x-tenant"] == user.claims.tenant`, `request.headers["x-missing"] == "a"`, `request.query["page"] == "2"`,
	`path.customer == user.sub`, `path.missing == "x"`, `source.port == 40000`, `source.ip == "10.1.2.3"`,
	`user.authenticated`, `user.iss == "https://idp.example"`, `"orders" in user.aud`, `"orders:write" in user.scope`,
	`service.id == "spiffe://shop.example/ns/payments/sa/payments"`, `service.namespace == "payments" && service.serviceAccount == "payments"`,
	`thing.authenticated`, `size(thing.claims) == 0`,
	// claims: nested, arrays, numbers as doubles, null, keys with dots
	`"clinician" in user.claims.roles`, `"admin" in user.claims.roles`, `"admin-ui" in user.claims.realm_access.roles`,
	`user.claims.level == 3`, `user.claims.level > 2.5`, `user.claims.level == 3u`, `user.claims.nothing == null`,
	`user.claims["dotted.key"] == "yes"`, `user.claims.nested.a.b == "deep"`, `user.claims.nested.a.c == "x"`,
	`user.claims.roles[0] == "clinician"`, `user.claims.roles[5] == "x"`, `user.claims.email.endsWith("@example.com")`,
	`user.claims.active == true`, `user.claims.sub == user.sub`, `"tenant" in user.claims`, `"nope" in user.claims`,
	`user.claims.email.x == 1`, `user.claims.roles == ["clinician", "staff"]`,
	// has
	`has(user.claims.email)`, `has(user.claims.missing)`, `has(user.claims.nested.a)`, `has(user.claims.nested.z)`,
	`has(user.claims.missing.deeper)`, `has(request.headers.missing)`,
	// functions
	`size("héllo") == 5`, `"héllo".size() == 5`, `size(b"ab") == 2`, `size([1, 2, 3]) == 3`, `size(user.claims.roles) == 2`,
	`size(user.claims) > 3`, `"Hello".lowerAscii() == "hello"`, `"ÀB".lowerAscii() == "Àb"`,
	`"abc".contains("b")`, `"abc".startsWith("ab")`, `"abc".endsWith("bc")`,
	`user.claims.email.matches("^[a-z]+@example\\.com$")`, `"x-123".matches("[0-9]+")`, `"abc".matches("^b")`,
	// in
	`1 in [1, 2]`, `"a" in ["b"]`, `3 in []`,
	// presence in the request's maps and claims, never an error
	`"x-tenant" in request.headers`, `"x-missing" in request.headers`, `"x-forwarded-for" in request.headers`,
	`"page" in request.query`, `"nope" in request.query`, `"tag" in request.query`, `"roles" in user.claims`,
	`user.claims.tenant in request.headers`, `user.claims.missing in request.headers`, `user.claims.level in request.query`,
	`"x-tenant" in request.headerValues`, `"tag" in request.queryValues`, `"nope" in request.queryValues`,
	`!("x-debug" in request.headers) && request.method == "GET"`,
	// every value of a repeated header or parameter, in order
	`request.headers["x-forwarded-for"] == "10.0.0.1"`, `request.query["tag"] == "a"`,
	`request.headerValues["x-forwarded-for"] == ["10.0.0.1", "192.168.1.9"]`, `request.headerValues["x-forwarded-for"][1] == "192.168.1.9"`,
	`request.headerValues["x-tenant"] == ["acme"]`, `size(request.headerValues["x-forwarded-for"]) == 2`,
	`request.headerValues["x-missing"] == []`, `size(request.queryValues["nope"]) == 0`,
	`request.queryValues["tag"] == ["a", "b"]`, `"b" in request.queryValues["tag"]`, `request.queryValues["page"] == ["2"]`,
	// macros over lists, claims arrays and maps' keys, with CEL's error absorption
	`user.claims.authorization.permissions.exists(p, p.rsid == "orders" && "read" in p.scopes)`,
	`user.claims.authorization.permissions.exists(p, p.rsid == "billing" && "write" in p.scopes)`,
	`user.claims.authorization.permissions.all(p, has(p.scopes))`, `user.claims.authorization.permissions.all(p, size(p.scopes) > 0)`,
	`user.claims.authorization.permissions.exists(p, size(p.scopes) > 1)`, `user.claims.authorization.permissions.exists(p, size(p.scopes) > 5)`,
	`user.claims.authorization.permissions.exists_one(p, p.rsid == "orders")`, `user.claims.authorization.permissions.exists_one(p, "read" in p.scopes)`,
	`user.claims.authorization.permissions.all(p, p.rsid != "admin")`, `user.claims.authorization.permissions.all(p, p.rsid.startsWith("o"))`,
	`user.scope.all(s, s.startsWith("orders:"))`, `user.scope.exists(s, s == "orders:write")`, `user.scope.exists_one(s, s.endsWith(":read"))`,
	`user.aud.all(a, a == "orders")`, `thing.scope.all(s, false)`, `thing.scope.exists(s, true)`, `thing.scope.exists_one(s, true)`,
	`[1, 2, 3].exists(x, x == 2)`, `[1, 2, 3].all(x, x > 0)`, `[1, 2, 3].exists_one(x, x > 1)`, `[].all(x, false)`,
	`user.claims.mixed.exists(m, m == "a")`, `user.claims.mixed.exists(m, m.x == 1)`, `user.claims.mixed.exists(m, m.y == 1)`,
	`user.claims.mixed.all(m, m.x == 1)`, `user.claims.mixed.all(m, m != 2)`, `user.claims.mixed.exists_one(m, m == 1)`,
	`user.claims.mixed.exists_one(m, m.x == 1)`, `user.claims.mixed.exists(m, m)`, `user.claims.mixed.all(m, m)`,
	`user.claims.nested.exists(k, k == "a")`, `user.claims.exists(k, k == "tenant")`, `user.claims.all(k, k.size() > 2)`,
	`user.claims.realm_access.exists_one(k, k == "roles")`, `user.claims.tenant.exists(c, true)`, `user.claims.missing.all(c, true)`,
	`user.claims.nothing.exists(c, true)`, `user.claims.roles.exists(r, user.claims.missing == r || r == "staff")`,
	`user.claims.roles.all(r, user.claims.missing == r || r == "staff")`, `user.claims.roles.all(r, user.claims.missing == r && r == "staff")`,
	`[user.claims.missing].exists(x, true)`, `size([user.claims.missing, 1]) == 2`, `[user.claims.missing, 1][1] == 1`,
	// nesting, shadowing one macro's variable by another's, variables in attribute-like chains
	`user.claims.authorization.permissions.exists(p, p.scopes.exists(s, s == "write"))`,
	`user.claims.authorization.permissions.all(p, !has(p.scopes) || p.scopes.all(s, s in ["read", "write"]))`,
	`[1].exists(x, [2].exists(x, x == 2))`, `[1].exists(x, [2].exists(y, x == 1 && y == 2))`,
	`[[1, 2], [3]].exists(l, l.exists(x, x == 3))`, `user.scope.exists(s, user.scope.exists_one(t, t == s))`,
	`user.claims.authorization.permissions.exists(p, p["rsid"] == "orders")`,
	// timestamps and durations: literals, now, claims, comparisons, arithmetic, range errors
	`now < timestamp("2026-01-01T00:00:00Z")`, `now > timestamp("2026-01-01T00:00:00Z")`, `now == now`, `now != timestamp(0)`,
	`timestamp("2026-01-01T00:00:00Z") == timestamp("2026-01-01T01:00:00+01:00")`,
	`timestamp("2026-01-01T00:00:00.123456789Z") - timestamp("2026-01-01T00:00:00Z") == duration("123456789ns")`,
	`timestamp(user.claims.exp) > now`, `timestamp(int(user.claims.exp)) > now`, `timestamp(int(user.claims.iat)) < now`,
	`int(user.claims.iat) == 1700000000`, `now - duration("1h") < timestamp(int(user.claims.iat))`,
	`timestamp(int(user.claims.iat)) + duration("1h") > now`, `duration("1h") + now > now`, `now - timestamp(int(user.claims.iat)) > duration("4800h")`,
	`int(now) == 1748781000`, `timestamp(int(now)) < now`, `int(duration("1.5s")) == 1500000000`, `int(timestamp("1970-01-01T00:00:01.9Z")) == 1`,
	`int(timestamp("1969-12-31T23:59:59.5Z")) == -1`, `int("42") == 42`, `int(42u) == 42`, `int(-2.9) == -2`,
	`int(user.claims.level) == 3`, `int(user.claims.email) == 1`, `int(user.claims.roles) == 1`, `int(user.claims.missing) == 1`,
	`int(user.claims.nothing) == 1`, `timestamp("2026-01-01T00:00:00.5Z") > timestamp(1767225600)`,
	`duration("1h30m") == duration("90m")`, `duration("-1.5h") < duration("0")`, `duration("1h") > duration("59m59.999999999s")`,
	`duration("1h") - duration("2h") == duration("-1h")`, `duration(duration("5s")) == duration("5000ms")`, `timestamp(now) == now`,
	`timestamp("9999-12-31T23:59:59.999999999Z") + duration("1ns") > now`, `timestamp("0001-01-01T00:00:00Z") - duration("1ns") < now`,
	`timestamp("9999-12-31T23:59:59Z") - timestamp("0001-01-01T00:00:00Z") > duration("0")`,
	`timestamp("2262-04-11T23:47:16.854775807Z") - timestamp("1970-01-01T00:00:00Z") > duration("0")`,
	`timestamp("2262-04-11T23:47:16.854775808Z") - timestamp("1970-01-01T00:00:00Z") > duration("0")`,
	`timestamp("1677-09-21T00:12:43.145224192Z") - timestamp("1970-01-01T00:00:00Z") < duration("0")`,
	`timestamp("1677-09-21T00:12:43.145224191Z") - timestamp("1970-01-01T00:00:00Z") < duration("0")`,
	`duration("2562047h") + duration("1h") > duration("0")`, `duration("-2562047h") - duration("1h") < duration("0")`,
	`duration("-2562047h47m16.854775808s") - duration("1ns") < duration("0")`, `duration("1h") - duration("-2562047h47m16.854775808s") > duration("0")`,
	`timestamp(253402300799) > now`,
	`timestamp(user.claims.tenant) < now`, `duration(user.claims.tenant) > duration("1s")`, `duration(user.claims.level) > duration("1s")`,
	`user.claims.exp < now`, `user.claims.exp == now`, `[now] == [now]`, `now in [now, timestamp(0)]`,
	`user.claims.missing == 1 || now > timestamp("2020-01-01T00:00:00Z")`, `now + user.claims.missing > now`,
	`timestamp("2026-01-01T00:00:00Z") - user.claims.exp > now`,
	`now.getHours() == 12 && now.getMinutes() == 30 && now.getSeconds() == 0 && now.getMilliseconds() == 0`,
	`now.getFullYear() == 2025 && now.getMonth() == 5 && now.getDate() == 1 && now.getDayOfMonth() == 0`,
	`now.getDayOfWeek() == 0 && now.getDayOfYear() == 151`, `timestamp("2026-01-01T00:00:00+05:00").getHours() == 19`,
	`timestamp("2024-12-31T23:59:59.999Z").getDayOfYear() == 365`, `timestamp("0001-01-01T00:00:00Z").getDayOfWeek() == 1`,
	`timestamp("2026-01-01T00:00:00.999999999Z").getMilliseconds() == 999`, `duration("-90m").getHours() == -1`,
	`duration("-90m").getMinutes() == -90`, `duration("-1.9s").getSeconds() == -1`, `duration("1.5s").getMilliseconds() == 1500`,
	`duration("2562047h47m16.854775807s").getHours() == 2562047`, `timestamp(user.claims.tenant).getHours() == 1`,
	`timestamp(int(user.claims.exp)).getFullYear() == 2026`,
	// IP and CIDR, as the Kubernetes library and cel-go's ext.Network have them
	`cidr("10.0.0.0/8").containsIP(source.ip)`, `cidr("10.0.0.0/8").containsIP(ip(source.ip))`, `cidr("192.168.0.0/16").containsIP(source.ip)`,
	`cidr("10.1.2.3/32").containsIP("10.1.2.3")`, `cidr("::/0").containsIP("10.1.2.3")`, `cidr("0.0.0.0/0").containsIP("::1")`,
	`cidr("2001:db8::/32").containsIP("2001:db8::1")`, `cidr("10.0.0.0/8").containsIP(user.claims.tenant)`,
	`cidr("10.0.0.0/8").containsIP(user.claims.missing)`, `cidr("10.0.0.0/8").containsIP("::ffff:10.0.0.1")`,
	`cidr("10.0.0.0/8").containsIP("010.0.0.1")`, `cidr("fe80::/10").containsIP("fe80::1%eth0")`,
	`cidr("10.0.0.0/8").containsCIDR("10.1.0.0/16")`, `cidr("10.0.0.0/8").containsCIDR(cidr("10.0.0.0/8"))`, `cidr("10.1.0.0/16").containsCIDR("10.0.0.0/8")`,
	`cidr("10.0.0.0/8").containsCIDR("11.0.0.0/16")`, `cidr("10.0.0.0/8").containsCIDR("10.0.0.1/8")`, `cidr("10.0.0.0/8").containsCIDR("x")`,
	`ip("10.0.0.1").family() == 4`, `ip("::1").family() == 6`, `ip(source.ip).family() == 4`, `ip("127.0.0.1").isLoopback()`, `ip("::1").isLoopback()`,
	`ip("10.0.0.1").isLoopback()`, `ip("0.0.0.0").isUnspecified()`, `ip("::").isUnspecified()`, `ip("8.8.8.8").isGlobalUnicast()`,
	`ip("255.255.255.255").isGlobalUnicast()`, `ip("fe80::1").isLinkLocalUnicast()`, `ip("169.254.1.1").isLinkLocalUnicast()`,
	`ip("ff02::1").isLinkLocalMulticast()`, `ip("224.0.0.1").isLinkLocalMulticast()`,
	`isIP("10.0.0.1")`, `isIP("::1")`, `isIP("10.0.0.256")`, `isIP("010.0.0.1")`, `isIP("::ffff:1.2.3.4")`, `isIP("fe80::1%eth0")`, `isIP("")`,
	`isIP(source.ip)`, `isIP(user.claims.level)`, `isCIDR("10.0.0.0/8")`, `isCIDR("10.0.0.1/8")`, `isCIDR("10.0.0.0/33")`, `isCIDR("10.0.0.0")`,
	`isCIDR("::ffff:10.0.0.0/104")`, `isCIDR("2001:db8::/32")`,
	`cidr("192.168.1.5/24").ip() == ip("192.168.1.5")`, `cidr("192.168.1.5/24").masked() == cidr("192.168.1.0/24")`,
	`cidr("192.168.1.5/24") == cidr("192.168.1.0/24")`, `cidr("192.168.1.0/24").prefixLength() == 24`, `cidr("::/0").prefixLength() == 0`,
	`cidr("192.168.1.0/24").isMask()`, `cidr("192.168.1.5/24").isMask()`, `ip("10.0.0.1") == ip("10.0.0.1")`, `ip("::1") == ip("0:0::1")`,
	`ip("10.0.0.1") == cidr("10.0.0.1/32").ip()`, `ip(source.ip) in [ip("10.1.2.3"), ip("::1")]`,
	`ip.isCanonical("2001:db8::1")`, `ip.isCanonical("2001:DB8::1")`, `ip.isCanonical("2001:db8:0:0:0:0:0:1")`, `ip.isCanonical("10.0.0.1")`,
	`ip.isCanonical("x")`, `ip(user.claims.tenant).family() == 4`, `cidr(user.claims.email).prefixLength() == 1`,
	`user.claims.missing == 1 || cidr("10.0.0.0/8").containsIP(source.ip)`,
	`["10.1.2.3", "192.168.0.1"].all(a, cidr("10.0.0.0/8").containsIP(a) || cidr("192.168.0.0/16").containsIP(a))`,
}

// celRefused are expressions CEL's checker refuses; Palisade must refuse
// them at compile time too, never give them a meaning.
var celRefused = []string{
	`1 == 1.0`, `1u == 1`, `-1 < 1u`, `2.5 > 2`, `"a" == 1`, `[1] == [1.0]`, `"a" < 1`, `1.0 >= 1`,
	`!"x"`, `1 && true`, `true || 1`, `"x" ? 1 : 2`, `true ? "a" : 1`, `size(1)`, `"abc".startsWith(1)`,
	`1.0 in [1, 2]`, `"a" in "abc"`, `1 < 2 < 3`, `1 == (2 < 3)`,
	`[1].all(x, x)`, `[1, 2].exists_one(x, x)`, `"abc".exists(c, true)`, `[1].exists(x.y, true)`, `[1].exists(x)`,
	`[1].exists(x, y == 1)`, `[1].exists(x, true) && x == 1`, `["a"].exists(s, s > 1)`,
	`timestamp(1.5) > now`, `duration(1) > duration("1s")`, `now == 1`, `duration("1h") < now`, `now + now > now`,
	`duration("1h") - now > now`, `int(true) == 1`, `timestamp("2026-01-01T00:00:00Z") < 1`, `now.x == 1`, `now < 1`,
	`now - duration("1h") == duration("1h")`, `now - now == now`,
	`ip("10.0.0.1") < ip("10.0.0.2")`, `ip("10.0.0.1") == "10.0.0.1"`, `cidr("10.0.0.0/8").containsIP(1)`, `ip(1).family() == 4`,
	`ip("10.0.0.1").containsIP("10.0.0.1")`, `cidr("10.0.0.0/8").family() == 4`, `ip("bad").family() == 4`, `cidr("10.0.0.0/33").isMask()`,
	`ip("::ffff:1.2.3.4").family() == 6`, `ip("fe80::1%eth0").isLinkLocalUnicast()`, `cidr("::ffff:0.0.0.0/96").isMask()`,
	`ip("010.0.0.1").family() == 4`, `isIP(1)`, `duration("1h").getFullYear() == 1`,
	`"x".getHours() == 1`,
}

// attrRefused are refused for the declared types of attributes
// (request.method is a string, source.port an int, user.aud a list of
// strings), as cel-go refuses them with those types declared (celVars).
var attrRefused = []string{
	`request.method == 1`, `source.port == "1"`, `user.aud == "orders"`, `request.path.startsWith(1)`,
	`user.authenticated && "x"`, `service.id < 3`,
	`1 in request.headers`, `request.headers == "x"`, `request.queryValues["tag"] == "a"`, `1 in request.headerValues["x"]`,
}

// celEnv is the one cel-go environment of the tests: Palisade's
// attributes with their types (celVars) and the libraries of the
// functions Palisade has.
func celEnv(t testing.TB) *cel.Env {
	env, err := cel.NewEnv(append(celVars(), ext.Strings(), ext.Network())...)
	if err != nil {
		t.Fatal(err)
	}
	return env
}

// refusedAtLoad are expressions cel-go compiles but can only fail to
// evaluate: a literal that is not a valid timestamp, duration or int.
// Palisade refuses them when the policy loads, so a rule never carries a
// condition that can only fail; it never gives them another meaning.
var refusedAtLoad = []string{
	`timestamp("2026-01-01T00:00:00.5z") > timestamp(1767225600)`, `timestamp("2026-01-01") < now`, `timestamp("2026-02-30T00:00:00Z") < now`,
	`timestamp("2026-01-01T00:00:00,5Z") < now`, `timestamp("2026-01-01T00:00:00+24:00") < now`, `timestamp("0000-12-31T00:00:00Z") < now`,
	`timestamp(253402300800) > now`, `timestamp(-62135596801) < now`, `duration("1d") > duration("0")`, `duration("3000000h") > duration("0")`,
	`int(" 42") == 42`, `int(18446744073709551615u) == 1`, `int(9.3e18) == 1`, `int(-9.3e18) == 1`,
}

func TestRefusedAtLoad(t *testing.T) {
	env := celEnv(t)
	for _, src := range refusedAtLoad {
		ast, iss := env.Compile(src)
		if iss.Err() != nil {
			t.Errorf("%s: cel-go refuses it too: belongs in celRefused", src)
			continue
		}
		prg, err := env.Program(ast)
		if err != nil {
			t.Fatal(err)
		}
		if out, _, err := prg.Eval(celActivation(fixture())); err == nil {
			t.Errorf("%s: cel-go evaluates it to %v: the table is wrong", src, out)
		}
		if _, err := compileExpr(src); err == nil {
			t.Errorf("%s: Palisade compiles it", src)
		}
	}
}

// notYet are CEL that Palisade does not support yet (doc.go): refused
// at load, with a message naming the construct.
var notYet = map[string]string{
	`now.getHours("UTC") == 1`:           "found no matching overload for getHours applied to (timestamp, string)",
	`[1].map(x, x) == [1]`:               "the map() macro is not supported yet",
	`[1].filter(x, x > 0) == [1]`:        "the filter() macro is not supported yet",
	`1 + 1 == 2`:                         "arithmetic (+) is only supported on timestamps and durations",
	`user.claims.a - user.claims.b == 1`: "arithmetic (-) is only supported on timestamps and durations",
	`2 * 3 == 6`:                         "arithmetic (*) is not supported in conditions",
	`uint(1) == 1u`:                      "uint() is not supported yet",
	`string(1) == "1"`:                   "string() is not supported yet",
	`double(1) == 1.0`:                   "double() is not supported yet",
	`{"a": 1}.a == 1`:                    "map literals are not supported",
}

func TestNotYet(t *testing.T) {
	env := celEnv(t)
	for src, want := range notYet {
		if _, iss := env.Compile(src); iss.Err() != nil {
			t.Errorf("%s: cel-go refuses it: %v", src, iss.Err())
		}
		_, err := compileExpr(src)
		if e, ok := err.(*Error); !ok || e.Msg != want {
			t.Errorf("%s: %v, want %s", src, err, want)
		}
	}
}

func TestRefusedLikeCEL(t *testing.T) {
	env := celEnv(t)
	for _, src := range celRefused {
		if _, iss := env.Compile(src); iss.Err() == nil {
			t.Errorf("%s: cel-go accepts it: the table is wrong", src)
		}
		if _, err := compileExpr(src); err == nil {
			t.Errorf("%s: Palisade accepts what CEL's checker refuses", src)
		}
	}
	for _, src := range attrRefused {
		if _, iss := env.Compile(src); iss.Err() == nil {
			t.Errorf("%s: cel-go accepts it with the attributes' types: the table is wrong", src)
		}
		if _, err := compileExpr(src); err == nil {
			t.Errorf("%s: Palisade accepts an ill-typed use of an attribute", src)
		}
	}
}

func TestAgainstCEL(t *testing.T) {
	env := celEnv(t)
	r := fixture()
	act := celActivation(r)
	for _, src := range celExprs {
		t.Run(src, func(t *testing.T) {
			ast, iss := env.Compile(src)
			if iss.Err() != nil {
				t.Fatalf("cel-go does not compile it: %v", iss.Err())
			}
			prg, err := env.Program(ast)
			if err != nil {
				t.Fatal(err)
			}
			want, _, celErr := prg.Eval(act)
			e, err := compileExpr(src)
			if err != nil {
				t.Fatalf("Palisade does not compile it: %v", err)
			}
			got := e(r)
			if celErr != nil {
				if got.k != kError {
					t.Fatalf("cel-go: error %v; Palisade: %v", celErr, native(got))
				}
				return
			}
			if got.k == kError {
				t.Fatalf("cel-go: %v; Palisade: error %s", want.Value(), got.s)
			}
			if w, g := fmt.Sprint(normalize(want.Value())), fmt.Sprint(native(got)); w != g {
				t.Fatalf("cel-go: %s; Palisade: %s", w, g)
			}
		})
	}
}

// native converts a value to plain Go for comparison.
func native(v value) any {
	switch v.k {
	case kBool:
		return v.b
	case kInt:
		return v.i
	case kUint:
		return v.u
	case kDouble:
		return v.d
	case kString:
		return v.s
	case kBytes:
		return []byte(v.s)
	case kNull:
		return nil
	case kList, kJSON:
		var out []any
		if v.isMap() {
			return v.j.Value()
		}
		v.each(func(e value) bool { out = append(out, native(e)); return true })
		return out
	}
	return "error: " + v.s
}

func normalize(x any) any {
	switch v := x.(type) {
	case structpb.NullValue:
		return nil
	case []any:
		return v
	case reflect.Value:
		return v.Interface()
	}
	return x
}
