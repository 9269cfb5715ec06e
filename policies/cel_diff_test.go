package policies

import (
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"cel.dev/cel-go/interpreter"
)

// The differential test: random well-typed expressions over the whole
// supported subset (literals, attributes, operators, macros, functions),
// with absent attributes, repeated headers, bad addresses and out-of-range
// times mixed in so that errors are frequent, are compiled by Palisade
// and by cel-go and evaluated by both on random requests. Both must give
// the same value, or both an error. The grammar is typed: it only builds
// what CEL's checker accepts, so a Palisade compile error is a finding
// too (except the literals Palisade refuses at load, see refusedAtLoad).
// Arithmetic has a timestamp or duration operand of static type, the
// subset Palisade types (a claim on both sides of - could be anything).
// A claim is selected, never indexed by a string (user.claims["k"]):
// cel-go's checker gives an index of a dyn value a type variable that the
// enclosing call binds, so int(user.claims["k"]) refuses a double at run
// time while int(user.claims.k) converts it; Palisade, as CEL's
// definition of dyn says, treats both as the selection. For a similar
// reason there is no empty list literal: cel-go gives its elements a type
// variable that the first call on a macro variable binds.

var diffSeed = flag.Uint64("diff.seed", 0, "seed of TestDifferential (0: from the clock)")

const (
	diffExprs    = 2000
	diffRequests = 6
)

func TestDifferential(t *testing.T) {
	seed := *diffSeed
	if seed == 0 {
		seed = uint64(time.Now().UnixNano())
	}
	rng := rand.New(rand.NewPCG(seed, 0x9a11))
	env := celEnv(t)
	reqs := make([]*Request, diffRequests)
	acts := make([]interpreter.Activation, diffRequests)
	for i := range reqs {
		reqs[i] = celRandomRequest(rng)
		acts[i] = celActivation(reqs[i])
	}
	skipped, failures := 0, 0
	outcomes := map[string]int{} // agreed results: "true", "false", "error"
	// Every expression is also evaluated through claims memos, cold then
	// warm: one pair of memos for the whole run, so each is read again for
	// another expression's policy and for another request's payloads.
	var userMemo, thingMemo ClaimsMemo
	for i := 0; i < diffExprs && failures < 10; i++ {
		g := &exprGen{r: rng}
		src := g.typed(gBool, 4)
		ast, iss := env.Compile(src)
		e, test, _, err := (&compiler{slots: &slotTable{}, own: true}).compileCondition(src)
		switch {
		case iss.Err() != nil && err != nil:
			continue // both refuse: a literal cel-go's validator checks too
		case iss.Err() != nil:
			t.Errorf("seed %d: the grammar built what cel-go refuses: %s\n%v", seed, src, iss.Err())
			failures++
			continue
		case err != nil && refusedLiteral(err):
			skipped++
			continue
		case err != nil:
			t.Errorf("seed %d: Palisade refuses what cel-go accepts: %s\n%v", seed, src, err)
			failures++
			continue
		}
		prg, perr := env.Program(ast)
		if perr != nil {
			t.Fatal(perr)
		}
		for j, r := range reqs {
			want, _, celErr := prg.Eval(acts[j])
			got := e(r)
			var w, g string
			if celErr != nil {
				w = "error"
			} else {
				w = fmt.Sprint(normalize(want.Value()))
			}
			if got.k == kError {
				g = "error"
			} else {
				g = fmt.Sprint(native(got))
			}
			outcomes[w]++
			if w != g {
				detail := ""
				if celErr != nil {
					detail = celErr.Error()
				} else if got.k == kError {
					detail = got.s
				}
				t.Errorf("seed %d: %s\non request %d: cel-go %s, Palisade %s (%s)\nrequest: %s", seed, src, j, w, g, detail, describeRequest(r))
				failures++
				break
			}
			// Decide reads the condition as a test: its outcome must be
			// the value's, with memos too (the test first when cold, so
			// each reads what the other kept).
			if tr := test(r); tr != triOf(got) {
				t.Errorf("seed %d: %s\non request %d: test %d, value %s\nrequest: %s", seed, src, j, tr, show(got), describeRequest(r))
				failures++
			}
			memo := *r
			memo.User.Memo, memo.Thing.Memo = &userMemo, &thingMemo
			for _, pass := range []string{"cold", "warm"} {
				tr := test(&memo)
				if m := e(&memo); show(m) != show(got) || tr != triOf(got) { // conditions are bools: show tells them apart
					t.Errorf("seed %d: %s\non request %d: %s (test %d) with a memo, %s without (memo %s)\nrequest: %s", seed, src, j, show(m), tr, show(got), pass, describeRequest(r))
					failures++
				}
			}
		}
	}
	t.Logf("seed %d: %d expressions, %d skipped, agreed outcomes %v", seed, diffExprs, skipped, outcomes)
	for _, o := range []string{"true", "false", "error"} {
		if outcomes[o] < diffExprs*diffRequests/20 {
			t.Errorf("seed %d: only %d outcomes %s: the grammar is lopsided", seed, outcomes[o], o)
		}
	}
	if skipped > diffExprs/10 {
		t.Errorf("seed %d: %d expressions held a literal Palisade refuses at load: the grammar should build fewer", seed, skipped)
	}
	if t.Failed() {
		t.Logf("reproduce with: go test ./policies -run TestDifferential -diff.seed %d", seed)
	}
}

// refusedLiteral reports whether a Palisade compile error is a literal
// refused at load that cel-go would only fail to evaluate.
func refusedLiteral(err error) bool {
	e, ok := err.(*Error)
	if !ok {
		return false
	}
	for _, f := range []string{"timestamp(): ", "duration(): ", "int(): ", "ip(): ", "cidr(): "} {
		if strings.HasPrefix(e.Msg, f) {
			return true
		}
	}
	return false
}

func describeRequest(r *Request) string {
	return fmt.Sprintf("headers %q query %q source %q now %v params %q user %+v claims %s scope %q",
		r.Headers, r.Query, r.SourceIP, r.Now, r.params[:r.nparam], r.User.Subject, r.User.Claims, r.User.Scope)
}

// choose returns one of xs.
func choose[T any](r *rand.Rand, xs ...T) T { return xs[r.IntN(len(xs))] }

// celRandomRequest is a request whose every attribute may be absent,
// repeated or malformed.
func celRandomRequest(r *rand.Rand) *Request {
	req := &Request{
		Method: choose(r, "GET", "POST", "get"), Path: choose(r, "/", "/orders/7", "/customers/alice/orders"),
		Host: choose(r, "shop.example", ""), Scheme: "https",
		SourceIP:   choose(r, "10.1.2.3", "192.168.0.9", "2001:db8::1", "::1", "127.0.0.1", "", "bogus", "::ffff:10.0.0.1", "0.0.0.0"),
		SourcePort: int64(r.IntN(65536)),
	}
	if r.IntN(8) > 0 {
		req.Now = time.Unix(r.Int64N(2000000000), r.Int64N(1e9)).UTC()
	}
	var hs [][2]string
	for range r.IntN(5) {
		hs = append(hs, [2]string{choose(r, "x-tenant", "x-forwarded-for", "user-agent"), choose(r, "acme", "10.0.0.1", "a", "")})
	}
	req.Headers = hs
	var qs []string
	for range r.IntN(4) {
		qs = append(qs, choose(r, "tag=a", "tag=b", "page=2", "debug", "page="))
	}
	req.Query = strings.Join(qs, "&")
	if r.IntN(2) == 0 {
		req.params[0], req.nparam = [2]string{"customer", choose(r, "alice", "bob")}, 1
	}
	req.User = celRandomPrincipal(r)
	req.Thing = celRandomPrincipal(r)
	if r.IntN(2) == 0 {
		req.Service = Service{Authenticated: true, ID: "spiffe://shop.example/ns/payments/sa/payments", TrustDomain: "shop.example",
			Namespace: "payments", ServiceAccount: "payments"}
	}
	return req
}

func celRandomPrincipal(r *rand.Rand) Principal {
	if r.IntN(4) == 0 {
		return Principal{}
	}
	claims := map[string]any{}
	maybe := func(k string, vs ...any) {
		if r.IntN(4) > 0 {
			claims[k] = choose(r, vs...)
		}
	}
	maybe("sub", "alice", "bob")
	maybe("tenant", "acme", 7.0, nil)
	maybe("level", 3.0, 2.5, -1.0, 1e19)
	maybe("exp", 1767225600.0, 1700000000.5, 1e12, -1e12, "soon")
	maybe("when", "2026-01-01T00:00:00Z", "2026-01-01", 5.0)
	maybe("ttl", "1h", "90m", "1d")
	maybe("net", "10.0.0.0/8", "10.1.2.3", "bogus")
	maybe("flag", true, false, "true")
	maybe("roles", []any{"clinician", "staff"}, []any{}, []any{"admin", 1.0}, "admin")
	maybe("obj", map[string]any{"a": map[string]any{"b": "x"}, "c": 1.0}, map[string]any{}, []any{"a"})
	maybe("perms", []any{
		map[string]any{"rsid": "orders", "scopes": []any{"read", "write"}},
		map[string]any{"rsid": "billing", "scopes": []any{"read"}},
	}, []any{map[string]any{"rsid": "orders"}, "x"}, []any{})
	b, _ := json.Marshal(claims)
	sub, _ := claims["sub"].(string)
	return Principal{Authenticated: true, Subject: sub, Issuer: "https://idp.example", Provider: "idp",
		Audience: choose(r, []string{"orders"}, []string{}, []string{"orders", "billing"}),
		Scope:    choose(r, []string{"orders:read", "orders:write"}, []string{}, []string{"billing:read"}), Claims: b}
}

// gType is a type of the grammar.
type gType uint8

const (
	gBool gType = iota
	gInt
	gDouble
	gString
	gStrings // list(string)
	gInts    // list(int)
	gDyn
	gTimestamp
	gDuration
	gIP
	gCIDR
)

type exprGen struct {
	r     *rand.Rand
	scope []gVar
}

type gVar struct {
	name string
	t    gType
}

func (g *exprGen) n(k int) int { return g.r.IntN(k) }

// expr is an expression of type t; a claim (dyn) may stand for any type.
func (g *exprGen) expr(t gType, depth int) string {
	if t != gDyn && g.n(10) == 0 {
		return g.dyn(depth - 1)
	}
	return g.typed(t, depth)
}

// typed is an expression of static type t, never dyn at its top.
func (g *exprGen) typed(t gType, depth int) string {
	for i := len(g.scope) - 1; i >= 0; i-- {
		if v := g.scope[i]; v.t == t && g.n(3) == 0 && !g.shadowed(i) {
			return v.name
		}
	}
	if depth <= 0 {
		return g.leaf(t)
	}
	d := depth - 1
	switch t {
	case gBool:
		return g.boolean(d)
	case gInt:
		return choose(g.r,
			func() string { return g.leaf(gInt) },
			func() string { return "size(" + g.expr(choose(g.r, gString, gStrings, gInts), d) + ")" },
			func() string { return "int(" + g.expr(choose(g.r, gTimestamp, gDuration, gString, gDouble), d) + ")" },
			func() string { return g.typed(gIP, d) + ".family()" },
			func() string { return g.typed(gCIDR, d) + ".prefixLength()" },
			func() string {
				return g.typed(gTimestamp, d) + "." + choose(g.r, "getFullYear", "getMonth", "getDayOfYear", "getDate", "getDayOfMonth",
					"getDayOfWeek", "getHours", "getMinutes", "getSeconds", "getMilliseconds") + "()"
			},
			func() string {
				return g.typed(gDuration, d) + "." + choose(g.r, "getHours", "getMinutes", "getSeconds", "getMilliseconds") + "()"
			},
			func() string { return g.cond(gInt, d) },
		)()
	case gString:
		return choose(g.r,
			func() string { return g.leaf(gString) },
			func() string { return g.expr(gString, d) + ".lowerAscii()" },
			func() string { return g.cond(gString, d) },
			func() string { return g.expr(gStrings, d) + "[" + choose(g.r, "0", "1") + "]" },
		)()
	case gStrings:
		return choose(g.r,
			func() string { return g.leaf(gStrings) },
			func() string { return "[" + g.expr(gString, d) + ", " + g.expr(gString, d) + "]" },
		)()
	case gInts:
		return "[" + g.expr(gInt, d) + ", " + g.expr(gInt, d) + "]"
	case gTimestamp:
		return choose(g.r,
			func() string { return g.leaf(gTimestamp) },
			func() string {
				return "(" + g.typed(gTimestamp, d) + choose(g.r, " + ", " - ") + g.typed(gDuration, d) + ")"
			},
			func() string { return "(" + g.typed(gDuration, d) + " + " + g.typed(gTimestamp, d) + ")" },
			func() string { return "timestamp(" + g.expr(gInt, d) + ")" },
		)()
	case gDuration:
		return choose(g.r,
			func() string { return g.leaf(gDuration) },
			func() string { return "(" + g.typed(gTimestamp, d) + " - " + g.typed(gTimestamp, d) + ")" },
			func() string {
				return "(" + g.typed(gDuration, d) + choose(g.r, " + ", " - ") + g.typed(gDuration, d) + ")"
			},
		)()
	case gIP:
		return choose(g.r,
			func() string { return g.leaf(gIP) },
			func() string { return g.typed(gCIDR, d) + ".ip()" },
		)()
	case gCIDR:
		return choose(g.r,
			func() string { return g.leaf(gCIDR) },
			func() string { return g.typed(gCIDR, d) + ".masked()" },
		)()
	case gDyn:
		return g.dyn(d)
	}
	return g.leaf(t)
}

// shadowed reports whether a variable after scope[i] has its name.
func (g *exprGen) shadowed(i int) bool {
	for _, v := range g.scope[i+1:] {
		if v.name == g.scope[i].name {
			return true
		}
	}
	return false
}

func (g *exprGen) cond(t gType, d int) string {
	return "(" + g.expr(gBool, d) + " ? " + g.expr(t, d) + " : " + g.expr(t, d) + ")"
}

func (g *exprGen) boolean(d int) string {
	cmp := func(t gType, ops ...string) string {
		return "(" + g.expr(t, d) + " " + choose(g.r, ops...) + " " + g.expr(t, d) + ")"
	}
	eq := []string{"==", "!="}
	ord := []string{"==", "!=", "<", "<=", ">", ">="}
	return choose(g.r,
		func() string { return "(" + g.expr(gBool, d) + " && " + g.expr(gBool, d) + ")" },
		func() string { return "(" + g.expr(gBool, d) + " || " + g.expr(gBool, d) + ")" },
		func() string { return "!" + g.typed(gBool, d) },
		func() string { return g.cond(gBool, d) },
		func() string { return cmp(choose(g.r, gInt, gString, gDouble, gTimestamp, gDuration), ord...) },
		func() string { return cmp(choose(g.r, gBool, gStrings, gInts, gIP, gCIDR, gDyn), eq...) },
		func() string { return "(" + g.expr(gString, d) + " in " + g.expr(gStrings, d) + ")" },
		func() string { return "(" + g.expr(gInt, d) + " in " + g.expr(gInts, d) + ")" },
		func() string {
			return "(" + g.expr(gString, d) + " in " + choose(g.r, "request.headers", "request.query", "request.headerValues", "user.claims", "thing.claims.obj") + ")"
		},
		func() string {
			return g.expr(gString, d) + "." + choose(g.r, "startsWith", "endsWith", "contains") + "(" + g.expr(gString, d) + ")"
		},
		func() string { return g.expr(gString, d) + `.matches("^[a-z]+$")` },
		func() string {
			return "has(" + choose(g.r, "user.claims.tenant", "user.claims.obj.a", "user.claims.obj.a.b", "thing.claims.roles") + ")"
		},
		func() string { return g.macro(d) },
		func() string { return g.macro(d) },
		func() string { return g.typed(gCIDR, d) + ".containsIP(" + g.expr(choose(g.r, gIP, gString), d) + ")" },
		func() string {
			return g.typed(gCIDR, d) + ".containsCIDR(" + g.expr(choose(g.r, gCIDR, gString), d) + ")"
		},
		func() string {
			return g.typed(gIP, d) + "." + choose(g.r, "isLoopback", "isUnspecified", "isGlobalUnicast", "isLinkLocalUnicast", "isLinkLocalMulticast") + "()"
		},
		func() string { return g.typed(gCIDR, d) + ".isMask()" },
		func() string { return choose(g.r, "isIP", "isCIDR", "ip.isCanonical") + "(" + g.expr(gString, d) + ")" },
	)()
}

// macro is exists, all or exists_one over a list or a claim, its
// variable in scope for the predicate (a name an outer macro may use).
func (g *exprGen) macro(d int) string {
	var rng string
	elem := gDyn
	switch g.n(4) {
	case 0:
		rng, elem = g.expr(gStrings, d), gString
	case 1:
		rng, elem = g.typed(gInts, d), gInt
	default:
		rng = choose(g.r, "user.claims.perms", "user.claims.roles", "user.claims.obj", "thing.claims.perms", "user.claims.tenant", "user.claims.missing")
	}
	name := choose(g.r, "x", "y", "p")
	g.scope = append(g.scope, gVar{name, elem})
	body := g.expr(gBool, d)
	g.scope = g.scope[:len(g.scope)-1]
	return rng + "." + choose(g.r, "exists", "all", "exists_one") + "(" + name + ", " + body + ")"
}

// dyn is a claim, or a part of a dyn macro variable.
func (g *exprGen) dyn(d int) string {
	for i := len(g.scope) - 1; i >= 0; i-- {
		if v := g.scope[i]; v.t == gDyn && g.n(2) == 0 && !g.shadowed(i) {
			return v.name + choose(g.r, "", ".rsid", ".scopes", ".a", "[0]")
		}
	}
	if d > 0 && g.n(4) == 0 {
		return "(" + g.expr(gBool, d-1) + " ? " + g.dyn(d-1) + " : " + g.dyn(d-1) + ")"
	}
	return choose(g.r, "user.claims.tenant", "user.claims.level", "user.claims.exp", "user.claims.when", "user.claims.ttl",
		"user.claims.net", "user.claims.flag", "user.claims.roles", "user.claims.obj", "user.claims.obj.a.b", "user.claims.perms",
		"user.claims.missing", "user.claims.roles[0]", "thing.claims.tenant", "user.claims.perms[0].scopes")
}

func (g *exprGen) leaf(t gType) string {
	switch t {
	case gBool:
		return choose(g.r, "true", "false", "user.authenticated", "thing.authenticated", "service.authenticated")
	case gInt:
		return choose(g.r, "0", "1", "-1", "3", "1700000000", "9223372036854775807", "-9223372036854775808", "source.port",
			"int(user.claims.level)", "int(user.claims.exp)")
	case gDouble:
		return choose(g.r, "2.5", "3.0", "-0.5", "1e19")
	case gString:
		return choose(g.r, `"acme"`, `"a"`, `""`, `"orders:read"`, `"GET"`, `"payments"`, `"alice"`, `"10.1.2.3"`, `"10.0.0.0/8"`, `"x-tenant"`, `"tag"`, `"1h"`,
			`"2026-01-01T00:00:00Z"`, "request.method", "request.path", "request.host", `request.headers["x-tenant"]`,
			`request.headers["x-forwarded-for"]`, `request.query["tag"]`, `request.query["debug"]`, "path.customer",
			"source.ip", "user.sub", "user.iss", "thing.id", "service.id", "service.namespace")
	case gStrings:
		return choose(g.r, "user.scope", "user.aud", "thing.scope", `request.headerValues["x-forwarded-for"]`, `request.queryValues["tag"]`,
			`["orders:read", "acme"]`)
	case gInts:
		return choose(g.r, "[1, 2, 3]", "[0]")
	case gTimestamp:
		return choose(g.r, "now", `timestamp("2026-01-01T00:00:00Z")`, `timestamp("9999-12-31T23:59:59.999999999Z")`,
			`timestamp("0001-01-01T00:00:00Z")`, "timestamp(1700000000)", "timestamp(int(user.claims.exp))", "timestamp(user.claims.when)")
	case gDuration:
		return choose(g.r, `duration("1h")`, `duration("-90m")`, `duration("2562047h")`, `duration("1ns")`, "duration(user.claims.ttl)")
	case gIP:
		return choose(g.r, `ip("10.1.2.3")`, `ip("::1")`, "ip(source.ip)", "ip(user.claims.net)", `ip("0.0.0.0")`)
	case gCIDR:
		return choose(g.r, `cidr("10.0.0.0/8")`, `cidr("2001:db8::/32")`, `cidr("10.1.2.3/8")`, "cidr(user.claims.net)", `cidr("0.0.0.0/0")`)
	}
	return g.dyn(0)
}

// TestTestsMatchValues: a condition's test (what Decide reads) has the
// outcome of its value, on shallow random conditions, where the test's
// own forms (string comparisons and membership read in place, &&, ||, !,
// ?:) are most of the expression; TestDifferential checks deep ones.
func TestTestsMatchValues(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 17))
	reqs := make([]*Request, 8)
	for i := range reqs {
		reqs[i] = celRandomRequest(rng)
	}
	var userMemo ClaimsMemo
	outcomes := map[tri]int{}
	for range 5000 {
		g := &exprGen{r: rng}
		src := g.typed(gBool, 1+rng.IntN(2))
		e, test, _, err := (&compiler{slots: &slotTable{}, own: true}).compileCondition(src)
		if err != nil {
			continue
		}
		for j, r := range reqs {
			want := triOf(e(r))
			outcomes[want]++
			memo := *r
			memo.User.Memo = &userMemo
			if got, gotMemo := test(r), test(&memo); got != want || gotMemo != want {
				t.Fatalf("%s\non request %d: test %d (%d with a memo), value %s\nrequest: %s", src, j, got, gotMemo, show(e(r)), describeRequest(r))
			}
		}
	}
	if outcomes[triTrue] < 5000 || outcomes[triFalse] < 5000 || outcomes[triFailed] < 5000 {
		t.Errorf("lopsided outcomes %v", outcomes)
	}
}

// TestTestStringOperands: every string the test reads in place is the
// field the value reads, compared with each other field and literal, and
// membership in each list.
func TestTestStringOperands(t *testing.T) {
	attrs := []string{"request.method", "request.path", "request.host", "request.scheme", "source.ip", "user.sub", "user.iss",
		"user.provider", "thing.id", "thing.iss", "thing.provider", "service.id", "service.trustDomain", "service.namespace",
		"service.serviceAccount", "path.a", "path.b", `"m"`, `"x"`, `"s9"`}
	lists := []string{"user.scope", "user.aud", "thing.scope", "thing.aud"}
	r := &Request{Method: "m", Path: "p", Host: "h", Scheme: "sc", SourceIP: "ip",
		User:    Principal{Subject: "s1", Issuer: "i1", Provider: "p1", Scope: []string{"s1", "x"}, Audience: []string{"i1"}},
		Thing:   Principal{Subject: "s2", Issuer: "i2", Provider: "p2", Scope: []string{"m"}, Audience: []string{"s9", "p2"}},
		Service: Service{ID: "id", TrustDomain: "td", Namespace: "ns", ServiceAccount: "sa"}}
	r.params[0], r.nparam = [2]string{"a", "s1"}, 1
	check := func(src string) {
		e, test, _, err := (&compiler{slots: &slotTable{}, own: true}).compileCondition(src)
		if err != nil {
			t.Fatal(src, err)
		}
		if got, want := test(r), triOf(e(r)); got != want {
			t.Errorf("%s: test %d, value %s", src, got, show(e(r)))
		}
	}
	for _, a := range attrs {
		for _, b := range attrs {
			check(a + " == " + b)
			check(a + " != " + b)
		}
		for _, l := range lists {
			check(a + " in " + l)
		}
	}
	// Each field once against every other field's value.
	for _, a := range attrs[:15] {
		for _, v := range []string{"m", "p", "h", "sc", "ip", "s1", "i1", "p1", "s2", "i2", "p2", "id", "td", "ns", "sa"} {
			check(a + ` == "` + v + `"`)
		}
	}
}
