package policies

import "testing"

// TestRequestMaps: presence and every value, with what HTTP means that
// cel-go's maps do not say: header names have no case.
func TestRequestMaps(t *testing.T) {
	r := &Request{Headers: [][2]string{{"x-tenant", "acme"}, {"x-forwarded-for", "10.0.0.1"}, {"x-forwarded-for", "192.168.1.9"}},
		Query: "debug&tag=a&tag=b&empty="}
	tests := []struct {
		src  string
		want string
	}{
		{`"X-Tenant" in request.headers`, "true"},
		{`"x-tenant".lowerAscii() in request.headers`, "true"},
		{`"debug" in request.query`, "true"},
		{`"empty" in request.query`, "true"},
		{`"Debug" in request.query`, "false"},
		{`request.query["debug"] == ""`, "true"},
		{`request.headerValues["X-Forwarded-For"] == ["10.0.0.1", "192.168.1.9"]`, "true"},
		{`request.headerValues["x-forwarded-for"][2] == "x"`, "error: index out of range"},
		{`request.queryValues["tag"][0] == "a" && request.queryValues["tag"][1] == "b"`, "true"},
		{`request.queryValues["missing"] == []`, "error: no such key"},
		{`request.headers["x-forwarded-for"] == "10.0.0.1"`, "error: repeated: several values where one is read"},
	}
	for _, tc := range tests {
		e, err := compileExpr(tc.src)
		if err != nil {
			t.Errorf("%s: %v", tc.src, err)
			continue
		}
		if got := show(e(r)); got != tc.want {
			t.Errorf("%s = %s, want %s", tc.src, got, tc.want)
		}
	}
}

// TestRequestMapsDoNotAllocate: a presence test and the values of a
// repeated header are read in place: 0 allocations per evaluation.
func TestRequestMapsDoNotAllocate(t *testing.T) {
	r := &Request{Headers: [][2]string{{"x-tenant", "acme"}, {"x-forwarded-for", "10.0.0.1"}, {"x-forwarded-for", "192.168.1.9"}},
		Query: "tag=a&tag=b"}
	for _, src := range []string{
		`"x-tenant" in request.headers && !("x-debug" in request.headers)`,
		`"tag" in request.query`,
		`"192.168.1.9" in request.headerValues["x-forwarded-for"]`,
		`size(request.queryValues["tag"]) == 2`,
		`request.queryValues["tag"][1] == "b"`,
	} {
		e, err := compileExpr(src)
		if err != nil {
			t.Fatalf("%s: %v", src, err)
		}
		if v := e(r); v.k != kBool || !v.b {
			t.Fatalf("%s = %s", src, show(v))
		}
		if n := testing.AllocsPerRun(100, func() { e(r) }); n != 0 {
			t.Errorf("%s: %v allocations per evaluation", src, n)
		}
	}
}
