package policies

import (
	"fmt"
	"strings"
	"testing"

	"cel.dev/cel-go/cel"
)

// BenchmarkCondition evaluates the hospital rule's condition, Palisade's
// compiled closure against cel-go's prepared program, from the same raw
// inputs: the token payloads as JSON bytes, as a filter has them.
// "cel-go-predecoded" hands cel-go maps decoded outside the loop, which a
// filter cannot do (every request brings its own token).
func BenchmarkCondition(b *testing.B) {
	const src = `"clinician" in user.claims.roles && thing.claims.compliant == true && request.method == "GET"`
	r := fixture()
	// The token of the hospital rule, not the fixture's (which grew with
	// the language's tests): figures stay comparable from run to run.
	r.User.Claims = []byte(`{"sub":"alice","email":"alice@example.com","roles":["clinician","staff"],"tenant":"acme","level":3,` +
		`"realm_access":{"roles":["admin-ui","user"]},"active":true,"nothing":null,"dotted.key":"yes","nested":{"a":{"b":"deep"}}}`)
	r.Thing = Principal{Authenticated: true, Claims: []byte(`{"compliant":true}`)}
	b.Run("palisade", func(b *testing.B) {
		e, err := compileExpr(src)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			if v := e(r); v.k != kBool || !v.b {
				b.Fatal("not true")
			}
		}
	})
	b.Run("cel-go", func(b *testing.B) {
		env := celEnv(b)
		ast, iss := env.Compile(src)
		if iss.Err() != nil {
			b.Fatal(iss.Err())
		}
		prg, err := env.Program(ast)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			act := celActivation(r) // decodes both payloads when read, as Palisade reads them
			if out, _, err := prg.Eval(act); err != nil || out.Value() != true {
				b.Fatal(out, err)
			}
		}
	})
	b.Run("cel-go-predecoded", func(b *testing.B) {
		env := celEnv(b)
		ast, _ := env.Compile(src)
		prg, _ := env.Program(ast)
		act := celDecoded(r)
		b.ReportAllocs()
		for b.Loop() {
			if out, _, err := prg.Eval(act); err != nil || out.Value() != true {
				b.Fatal(out, err)
			}
		}
	})
}

// BenchmarkDecide is the whole seed policy (six rules) for a request the
// last rules decide.
func BenchmarkDecide(b *testing.B) {
	p := seedPolicy(b)
	r := &Request{Method: "GET", Path: "/records/42", User: Principal{Authenticated: true, Subject: "dr", Claims: []byte(`{"roles":["clinician"]}`)},
		Thing: Principal{Authenticated: true, Claims: []byte(`{"compliant":true}`)}}
	b.ReportAllocs()
	for b.Loop() {
		if d := p.Decide(r); d.Action != Allow {
			b.Fatal(d)
		}
	}
}

// benchConditions are the forms of the rule language that read claims
// arrays, addresses and time, each true on fixture().
var benchConditions = []struct{ name, src string }{
	{"exists-claims-array", `user.claims.authorization.permissions.exists(p, p.rsid == "orders" && "read" in p.scopes)`},
	{"cidr-source-ip", `cidr("10.0.0.0/8").containsIP(source.ip)`},
	{"timestamp-compare", `now < timestamp("2026-01-01T00:00:00Z")`},
}

// BenchmarkLanguage evaluates each of benchConditions with Palisade and
// cel-go, as BenchmarkCondition does: cel-go from the same raw request
// (its activation built per evaluation) and from one built in advance.
// The 0-allocation claims are asserted in TestNetworkDoesNotAllocate,
// TestTimeDoesNotAllocate and TestMacrosDoNotAllocate.
func BenchmarkLanguage(b *testing.B) {
	r := fixture()
	for _, bc := range benchConditions {
		b.Run(bc.name+"/palisade", func(b *testing.B) {
			e, err := compileExpr(bc.src)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				if v := e(r); v.k != kBool || !v.b {
					b.Fatal(show(v))
				}
			}
		})
		prepare := func(b *testing.B) cel.Program {
			env := celEnv(b)
			ast, iss := env.Compile(bc.src)
			if iss.Err() != nil {
				b.Fatal(iss.Err())
			}
			prg, err := env.Program(ast)
			if err != nil {
				b.Fatal(err)
			}
			return prg
		}
		b.Run(bc.name+"/cel-go", func(b *testing.B) {
			prg := prepare(b)
			b.ReportAllocs()
			for b.Loop() {
				if out, _, err := prg.Eval(celActivation(r)); err != nil || out.Value() != true {
					b.Fatal(out, err)
				}
			}
		})
		b.Run(bc.name+"/cel-go-predecoded", func(b *testing.B) {
			prg := prepare(b)
			act := celDecoded(r)
			b.ReportAllocs()
			for b.Loop() {
				if out, _, err := prg.Eval(act); err != nil || out.Value() != true {
					b.Fatal(out, err)
				}
			}
		})
	}
}

// largeDocument is a realistic document of n rules: one service per rule
// with its own path template, every other rule for GET only, a third of
// them with a condition on the user, some denies and an audit rule.
func largeDocument(n int) []byte {
	var b strings.Builder
	b.WriteString(`{"name":"large","default":"deny","rules":[`)
	for i := range n {
		if i > 0 {
			b.WriteString(",")
		}
		action, when, methods := "allow", "", ""
		switch {
		case i%10 == 9:
			action, when = "deny", `,"when":"user.claims.suspended == true"`
		case i%3 == 0:
			when = `,"when":"user.authenticated && user.sub == path.id"`
		case i%3 == 1:
			when = `,"when":"'reader' in user.claims.roles"`
		}
		if i%2 == 0 {
			methods = `"methods":["GET"],`
		}
		if i == n/2 {
			action = "audit"
		}
		fmt.Fprintf(&b, `{"name":"svc%d","action":%q,"match":{%s"hosts":["svc.example","*.svc.example"],"paths":["/svc%d/items/{id}/**"]}%s}`, i, action, methods, i, when)
	}
	b.WriteString("]}")
	return []byte(b.String())
}

// largeRequestNearEnd is decided by rule 990 of largeDocument.
func largeRequestNearEnd() *Request {
	return &Request{Method: "GET", Path: "/svc990/items/42/detail", Host: "svc.example",
		User: Principal{Authenticated: true, Subject: "42", Claims: []byte(`{"sub":"42","roles":["reader"]}`)}}
}

// BenchmarkCompileLarge compiles largeDocument(1000).
func BenchmarkCompileLarge(b *testing.B) {
	doc := largeDocument(1000)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Compile(doc, "policy"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecideLarge decides on largeDocument(1000): a request one rule
// near the end allows, and one no rule matches (the default denies);
// "indexed" is Decide, "linear" the rule-by-rule reference of the tests.
func BenchmarkDecideLarge(b *testing.B) {
	p, err := Compile(largeDocument(1000), "policy")
	if err != nil {
		b.Fatal(err)
	}
	tests := []struct {
		name   string
		r      *Request
		action Action
		rule   string
	}{
		{"one-rule-near-the-end", largeRequestNearEnd(), Allow, "svc990"},
		{"no-rule", &Request{Method: "GET", Path: "/nowhere/1", Host: "svc.example"}, Deny, ""},
	}
	for _, tc := range tests {
		for _, alt := range []struct {
			name   string
			decide func(*Request) Decision
		}{{"indexed", p.Decide}, {"linear", func(r *Request) Decision { return linearDecide(p, r) }}} {
			b.Run(tc.name+"/"+alt.name, func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					if d := alt.decide(tc.r); d.Action != tc.action || p.RuleName(d) != tc.rule {
						b.Fatal(d)
					}
				}
			})
		}
	}
}
