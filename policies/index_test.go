package policies

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// linearDecide is the reference the index must agree with: every rule
// evaluated, in order, as Decide worked before it had an index; then the
// rules in audit mode are taken into account by deciding twice, once
// without them and once with every rule enforced.
func linearDecide(p *Policy, r *Request) Decision {
	p.slots.fill(r)
	d := linearCombine(p, r, false)
	d.ShadowRule = -1
	if all := linearCombine(p, r, true); all.Rule >= 0 && p.Rules[all.Rule].Mode == ModeAudit {
		d.ShadowRule, d.ShadowAction, d.ShadowReason = all.Rule, all.Action, all.Reason
	}
	return d
}

func linearCombine(p *Policy, r *Request, withAuditMode bool) Decision {
	var audited uint64
	firstAllow, firstDeny, denyByError := -1, -1, false
	for i := range p.Rules {
		rule := &p.Rules[i]
		ok, failed := rule.applies(r)
		if rule.Mode == ModeAudit && !withAuditMode {
			continue
		}
		switch rule.Action {
		case Audit:
			if ok && i < 64 {
				audited |= 1 << i
			}
		case Allow:
			if ok && firstAllow < 0 {
				firstAllow = i
			}
		case Deny:
			if (ok || failed) && firstDeny < 0 {
				firstDeny, denyByError = i, failed
			}
		}
	}
	d := Decision{Action: p.Default, Rule: -1, Reason: "default", Audited: audited}
	allow := false
	switch p.Combining {
	case DenyOverrides:
		allow = firstDeny < 0 && firstAllow >= 0
	case PermitOverrides:
		allow = firstAllow >= 0
	case FirstApplicable:
		allow = firstAllow >= 0 && (firstDeny < 0 || firstAllow < firstDeny)
	}
	switch {
	case allow:
		d.Action, d.Rule, d.Reason = Allow, firstAllow, "rule"
	case firstDeny >= 0:
		d.Action, d.Rule, d.Reason = Deny, firstDeny, "rule"
		if denyByError {
			d.Reason = "condition_error"
		}
	}
	return d
}

// The pieces random documents and requests are made of: few enough that
// templates, hosts and methods collide often.
var (
	genSegments  = []string{"a", "b", "A", "", "x"}
	genTemplates = []string{"a", "b", "A", "*", "{x}", "{y}"}
	genHosts     = []string{"a.com", "*.a.com", "b.a.com", "*.b.a.com", "c.com", "ſ.com"}
	genReqHosts  = []string{"", "a.com", "A.COM", "b.a.com", "B.a.Com:8080", "x.b.a.com", ".a.com", "c.com:1", "s.com", "[::1]:80", "ſ.com"}
	genMethods   = []string{"GET", "POST", "put"}
	genRoutes    = []string{"r1", "r2"}
	genWhen      = []string{"", "true", "false", "path.x == 'a'", "path.y != 'b'", "path.x == path.y", "user.claims.missing == 1", "request.method == 'GET'"}
)

func pick[T any](rng *rand.Rand, xs []T) T { return xs[rng.IntN(len(xs))] }

func some[T any](rng *rand.Rand, xs []T, max int) []T {
	n := rng.IntN(max + 1)
	out := make([]T, n)
	for i := range out {
		out[i] = pick(rng, xs)
	}
	return out
}

func randomTemplate(rng *rand.Rand) string {
	n := rng.IntN(4)
	var b strings.Builder
	seen := map[string]bool{}
	for range n {
		s := pick(rng, genTemplates)
		if seen[s] && strings.HasPrefix(s, "{") {
			s = "*"
		}
		seen[s] = true
		b.WriteString("/" + s)
	}
	if rng.IntN(3) == 0 {
		b.WriteString("/**")
	}
	if b.Len() == 0 {
		return "/"
	}
	return b.String()
}

func randomDocument(rng *rand.Rand, rules int) []byte {
	doc := map[string]any{
		"default":   pick(rng, []string{"allow", "deny"}),
		"combining": pick(rng, []string{"deny-overrides", "first-applicable", "permit-overrides"}),
	}
	var rs []any
	for i := range rules {
		rule := map[string]any{"name": fmt.Sprint("r", i), "action": pick(rng, []string{"allow", "allow", "deny", "deny", "audit"})}
		if rule["action"] != "audit" && rng.IntN(5) == 0 {
			rule["mode"] = "audit"
		}
		match := map[string]any{}
		if rng.IntN(4) != 0 {
			var paths []string
			for range 1 + rng.IntN(2) {
				paths = append(paths, randomTemplate(rng))
			}
			match["paths"] = paths
		}
		if rng.IntN(3) == 0 {
			match["methods"] = some(rng, []string{"GET", "POST", "get"}, 2)
		}
		if rng.IntN(3) == 0 {
			match["hosts"] = some(rng, genHosts, 2)
		}
		if rng.IntN(6) == 0 {
			match["routes"] = some(rng, genRoutes, 2)
		}
		if rng.IntN(5) == 0 {
			match["ignore_case"] = true
		}
		rule["match"] = match
		if w := pick(rng, genWhen); w != "" {
			rule["when"] = w
		}
		rs = append(rs, rule)
	}
	doc["rules"] = rs
	b, _ := json.Marshal(doc)
	return b
}

func randomRequest(rng *rand.Rand) *Request {
	path := ""
	for range rng.IntN(5) {
		path += "/" + pick(rng, genSegments)
	}
	if path == "" || rng.IntN(10) == 0 {
		path = pick(rng, []string{"/", "", "x"}) + path
	}
	return &Request{Method: pick(rng, genMethods), Path: path, Host: pick(rng, genReqHosts), Route: pick(rng, append(genRoutes, ""))}
}

// captureRecorder wraps every condition of p to record, per rule, the
// path captures it was evaluated with.
func captureRecorder(p *Policy) map[int]string {
	seen := map[int]string{}
	for i := range p.Rules {
		rule := &p.Rules[i]
		if rule.when == nil {
			continue
		}
		i, when, test := i, rule.when, rule.test
		record := func(r *Request) {
			var caps []string
			for _, c := range r.params[:r.nparam] {
				caps = append(caps, c[0]+"="+c[1])
			}
			seen[i] = strings.Join(caps, ",")
		}
		rule.when = func(r *Request) value {
			record(r)
			return when(r)
		}
		if test != nil {
			rule.test = func(r *Request) tri {
				record(r)
				return test(r)
			}
		}
	}
	return seen
}

// TestIndexMatchesLinear: for random documents and requests, the indexed
// decision is the linear one (action, rule, reason, audit mask); every
// condition the index evaluates belongs to a rule whose match applies,
// and sees the captures the linear evaluation gave it.
func TestIndexMatchesLinear(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	decided, skipped, shadowed := 0, 0, 0
	defer func(n int) { maxEdges = n }(maxEdges)
	for doc := range 400 {
		src := randomDocument(rng, 1+rng.IntN(90))
		maxEdges = doc % 3 // literal children in a map or compared one by one, both
		p, err := Compile(src, "policy")
		if err != nil {
			t.Fatalf("document %d does not compile: %v\n%s", doc, err, src)
		}
		if p.index == nil {
			t.Fatal("not indexed")
		}
		for range 50 {
			r := randomRequest(rng)
			rr := *r
			linearSeen := captureRecorder(p)
			want := linearDecide(p, &rr)
			indexSeen := captureRecorder(p)
			got := p.Decide(r)
			if got != want {
				t.Fatalf("document %s\nrequest %s %s host %q route %q:\nindexed %+v\nlinear  %+v", src, r.Method, r.Path, r.Host, r.Route, got, want)
			}
			for i, caps := range indexSeen {
				lin, ok := linearSeen[i]
				if !ok {
					t.Fatalf("document %s\nrequest %s %s host %q: the index evaluated rule %d, whose match does not apply", src, r.Method, r.Path, r.Host, i)
				}
				if caps != lin {
					t.Fatalf("document %s\nrequest %s %s: rule %d saw captures %q, linear %q", src, r.Method, r.Path, i, caps, lin)
				}
			}
			checkCandidates(t, p, r, src)
			skipped += len(linearSeen) - len(indexSeen)
			if want.Rule >= 0 {
				decided++
			}
			if want.ShadowRule >= 0 {
				shadowed++
			}
		}
	}
	// The generator must exercise what it tests: rules decide, and the
	// index and short-circuit leave conditions unevaluated.
	if decided < 5000 || skipped < 5000 || shadowed < 1000 {
		t.Errorf("weak generator: %d decided by a rule, %d conditions skipped, %d with a rule in audit mode deciding", decided, skipped, shadowed)
	}
}

// checkCandidates: the index yields exactly the rules whose match
// applies, except that a host outside ASCII, in the request or the rule,
// leaves the choice to applies.
func checkCandidates(t *testing.T, p *Policy, r *Request, src []byte) {
	t.Helper()
	var buf, hbuf [maxSetWords]uint64
	set := ruleSet(buf[:p.index.words])
	p.index.candidates(r, set, hbuf[:p.index.words])
	for i := range p.Rules {
		match := p.Rules[i]
		match.when = nil
		applies, _ := match.applies(r)
		in := set.next(i) == i
		loose := !isASCII(r.Host) || !isASCII(strings.Join(match.hosts, ""))
		if applies && !in || in && !applies && !loose {
			t.Fatalf("document %s\nrequest %s %s host %q route %q: rule %d is a candidate: %v, its match applies: %v", src, r.Method, r.Path, r.Host, r.Route, i, in, applies)
		}
	}
}

func TestIndexHosts(t *testing.T) {
	p, err := Compile([]byte(`{"rules":[
		{"name":"exact","action":"allow","match":{"hosts":["Shop.Example"]}},
		{"name":"wild","action":"allow","match":{"hosts":["*.api.example"]}},
		{"name":"none","action":"allow"}]}`), "policy")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		host string
		want string // the candidates, in order
	}{
		{"shop.example", "exact,none"},
		{"SHOP.example:8443", "exact,none"},
		{"v1.api.example", "wild,none"},
		{"a.b.API.example", "wild,none"},
		{"api.example", "none"},
		{".api.example", "none"},
		{"other", "none"},
		// Not ASCII: EqualFold may match it with an ASCII host, so every
		// host-constrained rule is a candidate and applies decides.
		{"ſhop.example", "exact,wild,none"},
	}
	for _, tc := range tests {
		var buf, hbuf [maxSetWords]uint64
		set := ruleSet(buf[:p.index.words])
		p.index.candidates(&Request{Path: "/", Host: tc.host}, set, hbuf[:p.index.words])
		var got []string
		for i := set.next(0); i >= 0; i = set.next(i + 1) {
			got = append(got, p.Rules[i].Name)
		}
		if strings.Join(got, ",") != tc.want {
			t.Errorf("%q: candidates %v, want %s", tc.host, got, tc.want)
		}
	}
}

// TestDecideLargeDoesNotAllocate: the index's sets live on the stack.
func TestDecideLargeDoesNotAllocate(t *testing.T) {
	p, err := Compile(largeDocument(1000), "policy")
	if err != nil {
		t.Fatal(err)
	}
	for name, r := range map[string]*Request{
		"near the end": largeRequestNearEnd(),
		"none":         {Method: "GET", Path: "/nowhere/1", Host: "svc.example"},
	} {
		if n := testing.AllocsPerRun(100, func() { p.Decide(r) }); n != 0 {
			t.Errorf("%s: Decide allocates %v times", name, n)
		}
	}
}

// TestTemplateMatchesSplit: template.match, which compares literals with
// the start of the path, agrees on random templates and paths with the
// plain reading of a template, a segment per '/'-separated part.
func TestTemplateMatchesSplit(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 5))
	parts := append(append([]string(nil), genTemplates...), "ab", "", "**")
	segs := append(append([]string(nil), genSegments...), "ab", "a/b", "ſ", "S")
	for range 20000 {
		tmpl := ""
		for range rng.IntN(4) {
			tmpl += "/" + pick(rng, parts)
		}
		if tmpl == "" {
			tmpl = "/"
		}
		fold := rng.IntN(3) == 0
		tp, err := compileTemplate(tmpl, fold)
		if err != nil {
			continue
		}
		path := ""
		for range rng.IntN(5) {
			path += "/" + pick(rng, segs)
		}
		if path == "" || rng.IntN(10) == 0 {
			path = pick(rng, []string{"/", "", "x"}) + path
		}
		r := &Request{}
		got := tp.match(path, r)
		var gotCaps []string
		for _, p := range r.params[:r.nparam] {
			gotCaps = append(gotCaps, p[0]+"="+p[1])
		}
		want, wantCaps := splitMatch(&tp, path)
		if got != want || got && strings.Join(gotCaps, ",") != strings.Join(wantCaps, ",") {
			t.Fatalf("%s (fold %v) ~ %q: %v %v, want %v %v", tmpl, fold, path, got, gotCaps, want, wantCaps)
		}
	}
}

func splitMatch(tp *template, path string) (bool, []string) {
	if path == "" || path[0] != '/' {
		return false, nil
	}
	var segs []string
	if path != "/" {
		segs = strings.Split(path[1:], "/")
	}
	if len(tp.segs) > len(segs) || !tp.rest && len(tp.segs) != len(segs) {
		return false, nil
	}
	var caps []string
	for i, s := range tp.segs {
		switch {
		case s.any || s.capture != "":
			if segs[i] == "" {
				return false, nil
			}
			if s.capture != "" {
				caps = append(caps, s.capture+"="+segs[i])
			}
		case tp.fold && !strings.EqualFold(segs[i], s.lit), !tp.fold && segs[i] != s.lit:
			return false, nil
		}
	}
	return true, caps
}
