package policies

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
)

// TestClaimsMemo: a memo reused across requests gives the decisions a
// fresh reading gives; it is read again for another payload (even with
// the same text) and for another policy, and a reuse allocates nothing.
func TestClaimsMemo(t *testing.T) {
	doc := []byte(`{"default":"deny","rules":[
		{"name":"clinicians","action":"allow","match":{"paths":["/records/**"]},"when":"\"clinician\" in user.claims.realm_access.roles && user.claims.tenant == \"acme\""},
		{"name":"admins","action":"allow","match":{"paths":["/admin/**"]},"when":"user.claims.level > 2"}]}`)
	p, err := Compile(doc, "policy")
	if err != nil {
		t.Fatal(err)
	}
	q, err := Compile(doc, "policy")
	if err != nil {
		t.Fatal(err)
	}
	clinician := []byte(`{"realm_access":{"roles":["clinician"]},"tenant":"acme","level":1}`)
	admin := []byte(`{"realm_access":{"roles":["staff"]},"tenant":"other","level":3}`)
	decide := func(pol *Policy, path string, claims []byte, m *ClaimsMemo) Action {
		r := &Request{Method: "GET", Path: path, User: Principal{Authenticated: true, Subject: "s", Claims: claims, Memo: m}}
		return pol.Decide(r).Action
	}
	var m ClaimsMemo
	for i := 0; i < 3; i++ {
		if decide(p, "/records/1", clinician, &m) != Allow || decide(p, "/admin/x", clinician, &m) != Deny {
			t.Fatalf("round %d: clinician decided wrong with a memo", i)
		}
	}
	// The same memo handed another payload (a caller's mistake the memo
	// survives): it reads the payload again, never answers from the old.
	if decide(p, "/records/1", admin, &m) != Deny || decide(p, "/admin/x", admin, &m) != Allow {
		t.Fatal("memo answered for another payload")
	}
	same := append([]byte(nil), admin...)
	if decide(p, "/admin/x", same, &m) != Allow || m.payload != &same[0] {
		t.Fatal("a copy of the payload was not read again")
	}
	// Another policy with the same memo reads again too.
	if decide(q, "/records/1", clinician, &m) != Allow || m.table != q.slots {
		t.Fatal("memo not refilled for another policy")
	}
	r := &Request{Method: "GET", Path: "/records/1", User: Principal{Authenticated: true, Subject: "s", Claims: clinician, Memo: &m}}
	if n := testing.AllocsPerRun(200, func() {
		if q.Decide(r).Action != Allow {
			t.Fatal("wrong")
		}
	}); n != 0 {
		t.Errorf("%v allocations per decision with a warm memo", n)
	}
}

// TestMemoKeepsDerived: a subexpression reading only the user's claims is
// evaluated once per token and read back from the memo (seen here by
// changing the payload in place, which a caller must not do); each
// distinct one takes one entry however many rules hold it, and past
// maxDerived the rest are evaluated every time, still right.
func TestMemoKeepsDerived(t *testing.T) {
	p, err := Compile([]byte(`{"default":"allow","rules":[
		{"name":"suspended","action":"deny","when":"has(user.claims.status) && request.method == 'GET'"}]}`), "policy")
	if err != nil {
		t.Fatal(err)
	}
	claims := []byte(`{"status":"x"}`)
	var m ClaimsMemo
	r := &Request{Method: "GET", Path: "/", User: Principal{Authenticated: true, Claims: claims, Memo: &m}}
	if p.Decide(r).Action != Deny {
		t.Fatal("not denied")
	}
	copy(claims[2:], "statuz")
	if p.Decide(r).Action != Deny {
		t.Fatal("has() was evaluated again with a warm memo")
	}
	if r.User.Memo = nil; p.Decide(r).Action != Allow {
		t.Fatal("has() without a memo")
	}

	var b strings.Builder
	b.WriteString(`{"default":"deny","rules":[`)
	for i := range 100 {
		// Each rule twice: the second reuses the first's entry.
		fmt.Fprintf(&b, `{"name":"a%d","action":"allow","match":{"paths":["/%d"]},"when":"'r%d' in user.claims.roles && request.method == 'GET'"},`, i, i, i)
		fmt.Fprintf(&b, `{"name":"b%d","action":"allow","match":{"paths":["/%d"]},"when":"'r%d' in user.claims.roles && request.method == 'PUT'"},`, i, i, i)
	}
	b.WriteString(`{"name":"last","action":"deny","when":"false"}]}`)
	p, err = Compile([]byte(b.String()), "policy")
	if err != nil {
		t.Fatal(err)
	}
	if p.slots.derived[0] != maxDerived {
		t.Fatalf("%d entries, want %d", p.slots.derived[0], maxDerived)
	}
	m = ClaimsMemo{}
	for _, i := range []int{0, 63, 64, 99} {
		for _, method := range []string{"GET", "PUT", "POST"} {
			r := &Request{Method: method, Path: "/" + strconv.Itoa(i), User: Principal{Authenticated: true, Claims: []byte(`{"roles":["r0","r64","r99"]}`), Memo: &m}}
			want := Deny
			if i != 63 && method != "POST" {
				want = Allow
			}
			for range 2 {
				if d := p.Decide(r); d.Action != want {
					t.Errorf("/%d %s: %v, want %v", i, method, d.Action, want)
				}
			}
		}
	}
	if len(m.derived) != maxDerived {
		t.Errorf("memo holds %d values", len(m.derived))
	}
}

// TestMemoPerPrincipal: one memo handed to both the user and the thing,
// with the same payload, is read for each in turn, never one's values
// for the other's.
func TestMemoPerPrincipal(t *testing.T) {
	p, err := Compile([]byte(`{"default":"deny","rules":[
		{"name":"user","action":"allow","when":"'a' in user.claims.roles && user.claims.n == 1.0"},
		{"name":"thing","action":"deny","when":"'a' in thing.claims.tags || thing.claims.m == 1.0"}]}`), "policy")
	if err != nil {
		t.Fatal(err)
	}
	claims := []byte(`{"roles":["a"],"tags":["b"],"n":1,"m":2}`)
	var m ClaimsMemo
	r := &Request{User: Principal{Authenticated: true, Claims: claims, Memo: &m}, Thing: Principal{Authenticated: true, Claims: claims, Memo: &m}}
	for i := range 3 {
		if p.Decide(r).Action != Allow {
			t.Fatalf("decision %d: not allowed", i)
		}
	}
}
