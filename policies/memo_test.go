package policies

import (
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
