package main

import (
	"context"
	"encoding/json"
	"maps"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/experimental"

	"github.com/palisade-wasm/palisade/host"
	"github.com/palisade-wasm/palisade/host/hosttest"
	"github.com/palisade-wasm/palisade/policies/policytest"
	"gopkg.in/yaml.v3"
)

// twentyCases holds the 20-rule policy's cases; its two "bench: ..."
// cases are the requests integration/bench/twentyrules measures natively.
const twentyCases = "../policies/examples/twenty_test.yaml"

// BenchmarkDecision is a full decision through palisade.wasm in the host
// (issue #7): a bearer token from a provider whose local JWKS holds an
// ES256 and an RS256 key, the caller's SPIFFE ID from mTLS, and the
// 20-rule policy (policies/examples/twenty.yaml, handed over as JSON under
// "policy"). "cached-token-*" send the same token every time, so the
// verified-token cache answers, for twenty_test.yaml's bench cases: a
// patient reading her own records (allowed) and another patient's
// (denied, 403). "first-seen-*" send the allowed request with a token
// never seen before each time, verified inside the wasm.
//
// hostcalls/op counts the guest's calls into the host per request;
// allocs/op are the host's (wazero's and the test's), not the guest's,
// which the host cannot count.
func BenchmarkDecision(b *testing.B) {
	mod, _, err := hosttest.Module()
	if err != nil {
		b.Fatal(err)
	}
	d := newTwentySetup(b)
	allow, deny, es, rs, cfg, mint := d.allow, d.deny, d.es, d.rs, d.cfg, d.mint
	for _, bc := range []struct {
		name   string
		c      policytest.Case
		idp    *hosttest.Issuer
		cached bool
		status int // 0: forwarded
	}{
		{"cached-token-allow", allow, es, true, 0},
		{"cached-token-deny", deny, es, true, 403},
		{"first-seen-RS256", allow, rs, false, 0},
		{"first-seen-ES256", allow, es, false, 0},
	} {
		b.Run(bc.name, func(b *testing.B) {
			vm, err := mod.NewVM(context.Background(), host.VMConfig{PluginConfiguration: []byte(cfg)})
			if err != nil {
				b.Fatal(err)
			}
			defer vm.Close()
			props := twentyProps(bc.c)
			headers := func(tok string) [][2]string { return twentyRequest(bc.c, tok) }
			// One request first, outside the measure, to check the
			// decision and its rule (and to fill the cache when cached).
			reqs := [][][2]string{headers(mint(bc.idp, bc.c, -1))}
			s, _ := vm.NewStream(props)
			r := s.RequestHeaders(reqs[0], true)
			switch {
			case bc.status == 0 && r.Action != host.Continue:
				b.Fatalf("%s: %v %+v, want the request forwarded", bc.c.Name, r.Action, r.Local)
			case bc.status == 0:
				if rule, _ := header(s.Request().Headers, "x-palisade-decision"); rule != bc.c.Expect.Rule {
					b.Fatalf("%s: decided by %q, want %q", bc.c.Name, rule, bc.c.Expect.Rule)
				}
			case r.Action != host.Respond || r.Local.Status != bc.status:
				b.Fatalf("%s: %v %+v, want %d", bc.c.Name, r.Action, r.Local, bc.status)
			}
			s.Close()

			if !bc.cached {
				reqs = reqs[:0]
			}
			want := host.Continue
			if bc.status != 0 {
				want = host.Respond
			}
			calls0 := vm.HostCalls()
			i := 0
			b.ReportAllocs()
			for b.Loop() {
				var h [][2]string
				if bc.cached {
					h = reqs[0]
				} else {
					if i == len(reqs) { // signing is the test's work, not the plugin's
						b.StopTimer()
						for j := range 256 {
							reqs = append(reqs, headers(mint(bc.idp, bc.c, i+j)))
						}
						b.StartTimer()
					}
					h = reqs[i]
				}
				s, _ := vm.NewStream(props)
				if r := s.RequestHeaders(h, true); r.Action != want {
					b.Fatalf("request %d: %v %+v", i, r.Action, r.Local)
				}
				s.Close()
				i++
			}
			b.ReportMetric(float64(vm.HostCalls()-calls0)/float64(b.N), "hostcalls/op")
		})
	}
}

// twentySetup is what a decision with the 20-rule policy needs: the
// bench cases, a provider whose local JWKS holds an ES256 and an RS256
// key, and the plugin configuration.
type twentySetup struct {
	allow, deny policytest.Case
	es, rs      *hosttest.Issuer
	cfg         string
	// mint signs a case's claims, with a jti of its own when seq >= 0 so
	// that the token is one the plugin has not seen.
	mint func(idp *hosttest.Issuer, c policytest.Case, seq int) string
}

func newTwentySetup(tb testing.TB) *twentySetup {
	_, f, err := policytest.LoadCases(twentyCases)
	if err != nil {
		tb.Fatal(err)
	}
	d := &twentySetup{
		allow: twentyCase(tb, f, "bench: a patient reads her own records"),
		deny:  twentyCase(tb, f, "bench: a patient may not read another patient's records"),
	}
	iss := d.allow.User.Claims["iss"].(string)
	d.es = hosttest.NewIssuer(tb, iss, "es", "p256.pem")
	d.rs = hosttest.NewIssuer(tb, iss, "rs", "rsa2048.pem")
	d.cfg = `{"service":{"trust_domains":["clinic.example","shop.example","warehouse.example"]},
		"providers":[{"name":"clinic","issuer":"` + iss + `","audiences":["portal"],"local_jwks":` + joinJWKS(tb, d.es, d.rs) + `}],
		"policy":` + twentyJSON(tb) + `}`
	d.mint = func(idp *hosttest.Issuer, c policytest.Case, seq int) string {
		claims := maps.Clone(c.User.Claims)
		claims["sub"] = c.User.Sub
		if seq >= 0 {
			claims["jti"] = strconv.Itoa(seq)
		}
		return idp.Token(tb, claims)
	}
	return d
}

// twentyProps is the connection of a case's caller: mTLS with its SPIFFE
// ID as the peer certificate's URI SAN.
func twentyProps(c policytest.Case) host.Properties {
	return host.Connection{SourceAddress: "10.1.2.3:40000", SourcePort: 40000, TLS: true, TLSVersion: "TLSv1.3",
		MTLS: true, URISANPeer: c.Service.ID}.Properties()
}

// twentyRequest is a case's request with tok as its bearer token.
func twentyRequest(c policytest.Case, tok string) [][2]string {
	h := req(c.Request.Path, bearer(tok))
	h[0][1] = c.Request.Method
	return h
}

// twentyCase returns the case named name of the 20-rule policy's cases.
func twentyCase(b testing.TB, f *policytest.File, name string) policytest.Case {
	for _, c := range f.Cases {
		if c.Name == name {
			if c.User == nil || c.Service == nil {
				b.Fatalf("%s: %q has no user or no service", twentyCases, name)
			}
			return c
		}
	}
	b.Fatalf("%s: no case %q", twentyCases, name)
	return policytest.Case{}
}

// twentyJSON is policies/examples/twenty.yaml as the JSON the plugin reads.
func twentyJSON(b testing.TB) string {
	y, err := os.ReadFile("../policies/examples/twenty.yaml")
	if err != nil {
		b.Fatal(err)
	}
	var doc any
	if err := yaml.Unmarshal(y, &doc); err != nil {
		b.Fatal(err)
	}
	j, err := json.Marshal(doc)
	if err != nil {
		b.Fatal(err)
	}
	return string(j)
}

// joinJWKS is one key set holding the keys of every issuer.
func joinJWKS(b testing.TB, issuers ...*hosttest.Issuer) string {
	var all struct {
		Keys []json.RawMessage `json:"keys"`
	}
	for _, idp := range issuers {
		var set struct {
			Keys []json.RawMessage `json:"keys"`
		}
		if err := json.Unmarshal([]byte(idp.JWKS()), &set); err != nil {
			b.Fatal(err)
		}
		all.Keys = append(all.Keys, set.Keys...)
	}
	j, err := json.Marshal(all)
	if err != nil {
		b.Fatal(err)
	}
	return string(j)
}

// stageTimer times, inside the guest, the functions of the request path
// it is given (by Go name), each inclusively of what it calls: a wazero
// listener on those functions only.
type stageTimer struct {
	stages map[string]string // function name → stage label
	starts []time.Time
	total  map[string]time.Duration
}

func (s *stageTimer) NewFunctionListener(d api.FunctionDefinition) experimental.FunctionListener {
	if _, ok := s.stages[d.Name()]; !ok {
		return nil
	}
	return s
}

func (s *stageTimer) Before(context.Context, api.Module, api.FunctionDefinition, []uint64, experimental.StackIterator) {
	s.starts = append(s.starts, time.Now())
}

func (s *stageTimer) After(_ context.Context, _ api.Module, d api.FunctionDefinition, _ []uint64) {
	t0 := s.starts[len(s.starts)-1]
	s.starts = s.starts[:len(s.starts)-1]
	s.total[s.stages[d.Name()]] += time.Since(t0)
}

func (s *stageTimer) Abort(context.Context, api.Module, api.FunctionDefinition, error) {
	s.starts = s.starts[:len(s.starts)-1]
}

// BenchmarkDecisionStages splits BenchmarkDecision/cached-token-allow
// into the stages of the request path, timed inside the guest (ns per
// request each, every stage including what it calls). palisade.wasm has
// no function names, so this builds the same package with them. Timing
// nine functions adds a little to each and to the whole; the stages'
// sum is not the request's time, which BenchmarkDecision measures.
func BenchmarkDecisionStages(b *testing.B) {
	const pkg = "github.com_palisade_wasm_palisade_"
	st := &stageTimer{total: map[string]time.Duration{}, stages: map[string]string{
		"proxy_on_request_headers":                          "request-headers",
		pkg + "plugin_internal_abi.getMapInto":              "read-headers",
		pkg + "plugin_urlpath.Normalize":                    "path",
		pkg + "plugin_filter.__httpContext_.resolveService": "service",
		pkg + "plugin_filter.__httpContext_.resolveUser":    "user",
		pkg + "policies.__Policy_.Decide":                   "policy",
		pkg + "plugin_filter.__requestEdits_.apply":         "header-edits",
		"proxy_on_context_create":                           "context-create",
		"proxy_on_delete":                                   "context-delete",
	}}
	d := newTwentySetup(b)
	vm, err := namedModule(b, st).NewVM(context.Background(), host.VMConfig{PluginConfiguration: []byte(d.cfg)})
	if err != nil {
		b.Fatal(err)
	}
	defer vm.Close()
	h, props := twentyRequest(d.allow, d.mint(d.es, d.allow, -1)), twentyProps(d.allow)
	run := func() {
		s, _ := vm.NewStream(props)
		if r := s.RequestHeaders(h, true); r.Action != host.Continue {
			b.Fatalf("%v %+v", r.Action, r.Local)
		}
		s.Close()
	}
	for range 100 { // fill the caches and pools
		run()
	}
	clear(st.total)
	for b.Loop() {
		run()
	}
	for _, label := range st.stages {
		b.ReportMetric(float64(st.total[label].Nanoseconds())/float64(b.N), label+"-ns/op")
	}
}
