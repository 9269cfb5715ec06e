package policies

import (
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
			act := celActivation(r) // decodes both payloads, as Palisade reads them
			if out, _, err := prg.Eval(act); err != nil || out.Value() != true {
				b.Fatal(out, err)
			}
		}
	})
	b.Run("cel-go-predecoded", func(b *testing.B) {
		env := celEnv(b)
		ast, _ := env.Compile(src)
		prg, _ := env.Program(ast)
		act := celActivation(r)
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
			act := celActivation(r)
			b.ReportAllocs()
			for b.Loop() {
				if out, _, err := prg.Eval(act); err != nil || out.Value() != true {
					b.Fatal(out, err)
				}
			}
		})
	}
}
