package policies

import (
	"testing"
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
		env := celEnv(&testing.T{})
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
		env := celEnv(&testing.T{})
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
