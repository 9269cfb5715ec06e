package jsonv

import "testing"

// TestAllocations pins that reading claims allocates nothing: policies
// call Parse, Get and ForEach on the token payload for every request.
func TestAllocations(t *testing.T) {
	const claims = `{"sub":"alice","realm_access":{"roles":["staff","admin"]},"https://example.com/tenant":"t1","n":42,"e\u0073c":"v"}`
	doc := []byte(claims)
	root := Parse(claims)
	tests := []struct {
		name string
		f    func()
	}{
		{"Parse", func() { _ = Parse(claims) }},
		{"Get", func() { _ = Get(claims, "realm_access.roles.1") }},
		{"Get escaped path", func() { _ = Get(claims, `https://example\.com/tenant`) }},
		{"Get escaped name", func() { _ = Get(claims, "esc") }},
		{"Get missing", func() { _ = Get(claims, "nope.x") }},
		{"Result.Get", func() { _ = root.Get("n") }},
		{"GetBytes missing", func() { _ = GetBytes(doc, "cnf.x5t#S256") }},
		{"ForEach", func() {
			n := 0
			root.Get("realm_access.roles").ForEach(func(_, v Result) bool { n += len(v.Str); return true })
		}},
		{"Valid", func() { _ = Valid(claims) }},
		{"ValidBytes", func() { _ = ValidBytes(doc) }},
	}
	for _, tc := range tests {
		if n := testing.AllocsPerRun(100, tc.f); n != 0 {
			t.Errorf("%s allocates %v times, want 0", tc.name, n)
		}
	}
}
