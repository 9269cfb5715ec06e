package policies

import (
	"testing"
)

// FuzzCompileAndEvaluate: any text either fails to compile with an
// *Error, or compiles to an expression that evaluates without panicking,
// on a full request and an empty one; a condition accepted as bool yields
// a bool or an error, never another kind; and evaluating twice gives the
// same answer (the slots of claims and macro variables are reused, never
// carried over).
func FuzzCompileAndEvaluate(f *testing.F) {
	for _, s := range celExprs {
		f.Add(s)
	}
	for _, s := range celRefused {
		f.Add(s)
	}
	f.Add(`has(user.claims.a.b) || "x".matches("[a-z]+") ? size(user.aud) > 0 : !false`)
	full, empty := fixture(), &Request{}
	f.Fuzz(func(t *testing.T, src string) {
		e, ty, err := compileTyped(src)
		if err != nil {
			if _, ok := err.(*Error); !ok {
				t.Fatalf("compile error of type %T: %v", err, err)
			}
			return
		}
		for _, r := range []*Request{full, empty} {
			v := e(r)
			if ty.k == kBool && v.k != kBool && v.k != kError {
				t.Fatalf("%q is typed bool but evaluated to %s", src, kindNames[v.k])
			}
			if again := e(r); show(again) != show(v) {
				t.Fatalf("%q evaluated to %s, then to %s", src, show(v), show(again))
			}
		}
	})
}

// FuzzCompilePolicy: any document either compiles or is refused with
// errors; a compiled one decides a request without panicking.
func FuzzCompilePolicy(f *testing.F) {
	f.Add(seedJSON(f))
	f.Add([]byte(`{"rules":[{"name":"a","action":"allow","match":{"paths":["/{x}/**"]},"when":"path.x == user.sub"}]}`))
	f.Add([]byte(`{"combining":"first-applicable","rules":[]}`))
	r := fixture()
	f.Fuzz(func(t *testing.T, doc []byte) {
		p, err := Compile(doc, "policy")
		if err != nil {
			if p != nil {
				t.Fatal("errors and a policy")
			}
			return
		}
		d := p.Decide(r)
		if d.Action != Allow && d.Action != Deny {
			t.Fatalf("decision %v", d.Action)
		}
	})
}
