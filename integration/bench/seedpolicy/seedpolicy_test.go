package seedpolicy

import (
	"context"
	"testing"

	"github.com/palisade-wasm/palisade/policies"
	"github.com/palisade-wasm/palisade/policies/policytest"
)

// seedCases is policies/examples/seed_test.yaml, the seed policy's own
// cases, read from the repository so that the engines are held to the
// very cases Palisade's policy test runs.
const seedCases = "../../../policies/examples/seed_test.yaml"

const (
	payments = "spiffe://shop.example/ns/payments/sa/payments"
	reco     = "spiffe://video.example/ns/reco/sa/recommendation"
	delivery = "spiffe://video.example/ns/delivery/sa/delivery"
)

// moreCases reach the corners seed_test.yaml leaves out: each template's
// bare prefix, other methods, anonymous callers, claims missing or of
// another type. Each states the decision and the deciding rule.
var moreCases = []policytest.Case{
	{Name: "payments service may not write", Request: policytest.RequestSpec{Method: "POST", Path: "/payments/2024"},
		Service: &policytest.ServiceSpec{ID: payments}, Expect: policytest.Expect{Decision: "deny"}},
	{Name: "payments root for the payments service", Request: policytest.RequestSpec{Method: "GET", Path: "/payments"},
		Service: &policytest.ServiceSpec{ID: payments}, Expect: policytest.Expect{Decision: "allow", Rule: "payments-read-by-payments-service"}},
	{Name: "a path that only starts like payments", Request: policytest.RequestSpec{Method: "GET", Path: "/paymentsx/1"},
		Service: &policytest.ServiceSpec{ID: payments}, Expect: policytest.Expect{Decision: "deny"}},
	{Name: "anonymous may not read orders", Request: policytest.RequestSpec{Method: "GET", Path: "/customers/alice/orders"},
		Expect: policytest.Expect{Decision: "deny"}},
	{Name: "alice may not change her orders", Request: policytest.RequestSpec{Method: "DELETE", Path: "/customers/alice/orders/7"},
		User: &policytest.PrincipalSpec{Sub: "alice"}, Expect: policytest.Expect{Decision: "deny"}},
	{Name: "alice's orders root", Request: policytest.RequestSpec{Method: "GET", Path: "/customers/alice/orders"},
		User: &policytest.PrincipalSpec{Sub: "alice"}, Expect: policytest.Expect{Decision: "allow", Rule: "customer-reads-own-orders"}},
	{Name: "alice's profile is no order", Request: policytest.RequestSpec{Method: "GET", Path: "/customers/alice/profile"},
		User: &policytest.PrincipalSpec{Sub: "alice"}, Expect: policytest.Expect{Decision: "deny"}},
	{Name: "history for its user, any method", Request: policytest.RequestSpec{Method: "DELETE", Path: "/users/alice/history/2024"},
		User: &policytest.PrincipalSpec{Sub: "alice"}, Expect: policytest.Expect{Decision: "allow", Rule: "history-for-its-user-and-recommendations"}},
	{Name: "history not for another user", Request: policytest.RequestSpec{Method: "GET", Path: "/users/alice/history"},
		User: &policytest.PrincipalSpec{Sub: "bob"}, Expect: policytest.Expect{Decision: "deny"}},
	{Name: "delivery denied even alone", Request: policytest.RequestSpec{Method: "GET", Path: "/users/alice/history"},
		Service: &policytest.ServiceSpec{ID: delivery}, Expect: policytest.Expect{Decision: "deny", Rule: "history-never-to-video-delivery"}},
	{Name: "recommendations with another user's token", Request: policytest.RequestSpec{Method: "GET", Path: "/users/alice/history"},
		User: &policytest.PrincipalSpec{Sub: "bob"}, Service: &policytest.ServiceSpec{ID: reco},
		Expect: policytest.Expect{Decision: "allow", Rule: "history-for-its-user-and-recommendations"}},
	{Name: "clinician without a device", Request: policytest.RequestSpec{Method: "GET", Path: "/records/42"},
		User: &policytest.PrincipalSpec{Sub: "dr", Claims: map[string]any{"roles": []any{"clinician"}}}, Expect: policytest.Expect{Decision: "deny"}},
	{Name: "device without the compliant claim", Request: policytest.RequestSpec{Method: "GET", Path: "/records/42"},
		User:  &policytest.PrincipalSpec{Sub: "dr", Claims: map[string]any{"roles": []any{"clinician"}}},
		Thing: &policytest.PrincipalSpec{Sub: "tablet-9"}, Expect: policytest.Expect{Decision: "deny"}},
	{Name: "staff on a compliant device", Request: policytest.RequestSpec{Method: "GET", Path: "/records/42"},
		User:  &policytest.PrincipalSpec{Sub: "nurse", Claims: map[string]any{"roles": []any{"staff"}}},
		Thing: &policytest.PrincipalSpec{Claims: map[string]any{"compliant": true}}, Expect: policytest.Expect{Decision: "deny"}},
	{Name: "a user without roles", Request: policytest.RequestSpec{Method: "GET", Path: "/records/42"},
		User:  &policytest.PrincipalSpec{Sub: "dr"},
		Thing: &policytest.PrincipalSpec{Claims: map[string]any{"compliant": true}}, Expect: policytest.Expect{Decision: "deny"}},
	{Name: "compliant as a string is not true", Request: policytest.RequestSpec{Method: "GET", Path: "/records/42"},
		User:  &policytest.PrincipalSpec{Sub: "dr", Claims: map[string]any{"roles": []any{"clinician"}}},
		Thing: &policytest.PrincipalSpec{Claims: map[string]any{"compliant": "true"}}, Expect: policytest.Expect{Decision: "deny"}},
	{Name: "records root for a clinician", Request: policytest.RequestSpec{Method: "POST", Path: "/records"},
		User:   &policytest.PrincipalSpec{Sub: "dr", Claims: map[string]any{"roles": []any{"nurse", "clinician"}}},
		Thing:  &policytest.PrincipalSpec{Claims: map[string]any{"compliant": true}},
		Expect: policytest.Expect{Decision: "allow", Rule: "records-for-clinicians-on-compliant-devices"}},
	{Name: "no rule for the path", Request: policytest.RequestSpec{Method: "GET", Path: "/"},
		User: &policytest.PrincipalSpec{Sub: "alice"}, Service: &policytest.ServiceSpec{ID: payments}, Expect: policytest.Expect{Decision: "deny"}},
}

// engines builds every engine on the seed policy, Palisade's from seed.yaml.
func engines(t testing.TB) (*policies.Policy, []struct {
	name string
	d    Decider
}) {
	t.Helper()
	p, _, err := policytest.LoadCases(seedCases)
	if err != nil {
		t.Fatal(err)
	}
	opa, err := NewOPA(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	ced, err := NewCedar()
	if err != nil {
		t.Fatal(err)
	}
	cl, err := NewCEL()
	if err != nil {
		t.Fatal(err)
	}
	return p, []struct {
		name string
		d    Decider
	}{{"palisade", NewPalisade(p)}, {"opa", opa}, {"cedar-go", ced}, {"cel-go", cl}}
}

// TestSameDecisions holds every engine, Palisade included, to the cases'
// expected decision and deciding rule: the alternatives are benchmarked
// only because they decide the seed policy as Palisade does.
func TestSameDecisions(t *testing.T) {
	_, f, err := policytest.LoadCases(seedCases)
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Cases) < 8 {
		t.Fatalf("%s: %d cases, want the seed's 8 or more", seedCases, len(f.Cases))
	}
	cases := append(append([]policytest.Case{}, f.Cases...), moreCases...)
	cases = append(cases, policytest.Case{Name: "the benchmark's request", Expect: policytest.Expect{Decision: "allow", Rule: "records-for-clinicians-on-compliant-devices"}})
	_, es := engines(t)
	for _, c := range cases {
		for _, e := range es {
			t.Run(c.Name+"/"+e.name, func(t *testing.T) {
				r, err := c.Build()
				if err != nil {
					t.Fatal(err)
				}
				if c.Name == "the benchmark's request" {
					r = benchRequest()
				}
				want := Decision{Allow: c.Expect.Decision == "allow", Rule: c.Expect.Rule}
				if c.Expect.Decision != "allow" && c.Expect.Decision != "deny" {
					t.Fatalf("case expects %q", c.Expect.Decision)
				}
				got, err := e.d.Decide(r)
				if err != nil {
					t.Fatal(err)
				}
				if got != want {
					t.Errorf("got %+v, want %+v", got, want)
				}
			})
		}
	}
}
