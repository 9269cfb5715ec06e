package provider

import (
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/palisade-wasm/palisade/policies/jsonv"
)

func TestParse_Errors(t *testing.T) {
	tests := []struct {
		doc  string
		want string
	}{
		{`{}`, "providers: must be an array of providers"},
		{`[7]`, "providers[0]: must be an object"},
		{`[{"issuer":"x","secret":"` + strings.Repeat("A", 44) + `"}]`, "providers[0].name: is required"},
		{`[{"name":"a"}]`, "providers[0]: needs local_jwks, remote_jwks, secret or introspection"},
		{`[{"name":"a","local_jwks":{"keys":[]}}]`, "providers[0].local_jwks: jwks: no usable key"},
		{`[{"name":"a","remote_jwks":{"cluster":"idp"}}]`, "providers[0].remote_jwks.path: must be a path starting with /"},
		{`[{"name":"a","remote_jwks":{"path":"/k"}}]`, "providers[0].remote_jwks.cluster: is required"},
		{`[{"name":"a","remote_jwks":{"cluster":"idp","path":"/k","cache_duration_seconds":-1}}]`, "providers[0].remote_jwks.cache_duration_seconds: must be a positive number of seconds"},
		{`[{"name":"a","secret":"c2hvcnQ="}]`, "providers[0].secret: must be base64 of at least 32 bytes"},
		{`[{"name":"a","secret":"` + strings.Repeat("A", 44) + `","algorithms":["HS256","none"]}]`, "providers[0].algorithms[1]: is not a supported algorithm"},
		{`[{"name":"a","secret":"` + strings.Repeat("A", 44) + `","audience":"x"}]`, "providers[0].audience: unknown field"},
		{`[{"name":"a","secret":"` + strings.Repeat("A", 44) + `"},{"name":"a","secret":"` + strings.Repeat("A", 44) + `"}]`, `providers[1].name: provider "a" is defined twice`},
		{`[{"name":"a","secret":"` + strings.Repeat("A", 44) + `","from_headers":[{"value_prefix":"x"}]}]`, "providers[0].from_headers[0]: needs a header name"},
		{`[{"name":"a","secret":"` + strings.Repeat("A", 44) + `","certificate_bound":"sometimes"}]`, "providers[0].certificate_bound: must be one of optional, required, ignored"},
		{`[{"name":"a","secret":"` + strings.Repeat("A", 44) + `","dpop":"required"}]`, "providers[0].dpop: must be an object"},
		{`[{"name":"a","secret":"` + strings.Repeat("A", 44) + `","dpop":{"mode":true}}]`, "providers[0].dpop.mode: must be one of optional, required, disabled"},
		{`[{"name":"a","secret":"` + strings.Repeat("A", 44) + `","dpop":{"max_age_seconds":0}}]`, "providers[0].dpop.max_age_seconds: must be a number of seconds from 1 to 3600"},
		{`[{"name":"a","secret":"` + strings.Repeat("A", 44) + `","dpop":{"algorithms":["HS256"]}}]`, "providers[0].dpop.algorithms[0]: is not a supported algorithm"},
		{`[{"name":"a","secret":"` + strings.Repeat("A", 44) + `","dpop":{"nonce":true}}]`, "providers[0].dpop.nonce: unknown field"},
		{`[{"name":"a","secret":"` + strings.Repeat("A", 44) + `","claim_to_headers":[{"claim":"roles.#","header":"x-n"}]}]`,
			`providers[0].claim_to_headers[0].claim: is not a supported claim path: '#' at byte 6 would be an array count or query in gjson, which is not supported; write \# for the character itself`},
		{`[{"name":"a","secret":"` + strings.Repeat("A", 44) + `","claim_to_headers":[{"claim":"email","header":"x-e"},{"claim":"roles|@reverse","header":"x-r"}]}]`,
			`providers[0].claim_to_headers[1].claim: is not a supported claim path: '|' at byte 5 would be a pipe in gjson, which is not supported; write \| for the character itself`},
	}
	for _, tc := range tests {
		_, err := Parse(jsonv.Parse(tc.doc), "providers")
		if err == nil || err.Error() != tc.want {
			t.Errorf("Parse(%s) = %v\nwant %s", tc.doc, err, tc.want)
		}
	}
}

// TestDPoPSources: DPoP adds the DPoP scheme beside the provider's sources
// unless disabled, and the modes map to their constants.
func TestDPoPSources(t *testing.T) {
	secret := `"secret":"` + strings.Repeat("A", 44) + `"`
	for _, tc := range []struct {
		dpop    string
		mode    DPoPMode
		sources int
	}{
		{``, DPoPOptional, 2},
		{`,"dpop":{"mode":"required","max_age_seconds":30}`, DPoPRequired, 2},
		{`,"dpop":{"mode":"disabled"}`, DPoPDisabled, 1},
		{`,"from_headers":[{"name":"Authorization","value_prefix":"dpop "}]`, DPoPOptional, 1},
	} {
		ps, err := Parse(jsonv.Parse(`[{"name":"a",`+secret+tc.dpop+`}]`), "providers")
		if err != nil {
			t.Fatal(err)
		}
		if p := ps[0]; p.DPoP.Mode != tc.mode || len(p.Sources) != tc.sources || p.DPoP.MaxAge == 0 {
			t.Errorf("%s: mode %d, %d sources %+v, max age %v", tc.dpop, p.DPoP.Mode, len(p.Sources), p.Sources, p.DPoP.MaxAge)
		}
	}
}

func TestFind(t *testing.T) {
	ps, err := Parse(jsonv.Parse(`[{"name":"a","secret":"`+strings.Repeat("A", 44)+`",
		"from_headers":[{"name":"authorization","value_prefix":"Bearer "},{"name":"x-device-token"}],
		"from_cookies":["session"],"from_params":["access_token"]}]`), "providers")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		headers [][2]string
		query   string
		token   string
		err     error
	}{
		{name: "bearer", headers: [][2]string{{"authorization", "Bearer t1"}}, token: "t1"},
		{name: "BEARER", headers: [][2]string{{"authorization", "BEARER t1"}}, token: "t1"},
		{name: "basic is not bearer", headers: [][2]string{{"authorization", "Basic dXNlcg=="}}},
		{name: "other header", headers: [][2]string{{"x-device-token", "t2"}}, token: "t2"},
		{name: "cookie", headers: [][2]string{{"cookie", "theme=dark; session=t3"}}, token: "t3"},
		{name: "param", query: "a=1&access_token=t4", token: "t4"},
		{name: "same token twice is fine", headers: [][2]string{{"authorization", "Bearer t1"}}, query: "access_token=t1", token: "t1"},
		{name: "two tokens", headers: [][2]string{{"authorization", "Bearer t1"}}, query: "access_token=t2", err: ErrTwoTokens},
		{name: "two authorization headers", headers: [][2]string{{"authorization", "Bearer t1"}, {"authorization", "Bearer t2"}}, err: ErrTwoTokens},
		{name: "none", headers: [][2]string{{"accept", "*/*"}}},
	}
	for _, tc := range tests {
		got, ok, err := Find(ps, tc.headers, tc.query)
		if !errors.Is(err, tc.err) || got.Token != tc.token || ok != (tc.token != "") {
			t.Errorf("%s: got %q %v %v, want %q %v", tc.name, got.Token, ok, err, tc.token, tc.err)
		}
	}
}

func TestCache(t *testing.T) {
	now := time.Unix(1000, 0)
	c := NewCache(2, time.Minute)
	id := &Identity{Expiry: now.Add(30 * time.Second)}
	c.Put("a", id, now)
	if got, ok := c.Get("a", now.Add(29*time.Second)); !ok || got != id {
		t.Error("fresh entry missing")
	}
	if _, ok := c.Get("a", now.Add(30*time.Second)); ok {
		t.Error("entry outlived the token's exp")
	}
	c.Put("b", &Identity{}, now)
	if _, ok := c.Get("b", now.Add(61*time.Second)); ok {
		t.Error("entry outlived the TTL")
	}
	for _, k := range []string{"x", "y", "z"} {
		c.Put(k, &Identity{}, now)
	}
	if c.Len() > 2 {
		t.Errorf("%d entries in a cache of 2", c.Len())
	}
	if n := testing.AllocsPerRun(100, func() { c.Get("z", now) }); n != 0 {
		t.Errorf("a cache hit allocates %v times", n)
	}
}

func TestRemote(t *testing.T) {
	t0 := time.Unix(1000, 0)
	r := NewRemote(&RemoteConfig{CacheDuration: time.Minute, RefetchInterval: 30 * time.Second, MaxStaleness: time.Hour})
	if !r.Due(t0) {
		t.Fatal("no keys and not due")
	}
	r.Started()
	if r.Due(t0) {
		t.Error("due while a fetch is in flight")
	}
	r.Failed(t0)
	if r.Due(t0.Add(500*time.Millisecond)) || !r.Due(t0.Add(time.Second)) {
		t.Error("first backoff is not 1 s")
	}
	r.Started()
	r.Failed(t0.Add(time.Second))
	if r.Due(t0.Add(2*time.Second)) || !r.Due(t0.Add(3*time.Second)) {
		t.Error("second backoff is not 2 s")
	}
	good := `{"keys":[{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}]}`
	if err := r.Fetched([]byte(good), t0.Add(3*time.Second)); err != nil {
		t.Fatal(err)
	}
	if r.Keys(t0.Add(4*time.Second)) == nil || r.Due(t0.Add(4*time.Second)) {
		t.Error("fresh keys missing, or due again at once")
	}
	if err := r.Fetched([]byte(`{"keys":[]}`), t0.Add(5*time.Second)); err == nil || r.Keys(t0.Add(5*time.Second)) == nil {
		t.Error("an empty key set replaced the good one")
	}
	if !r.RequestEarly(t0.Add(6*time.Second)) || !r.Due(t0.Add(6*time.Second)) {
		t.Error("early refetch not granted")
	}
	if !r.RequestEarly(t0.Add(6500 * time.Millisecond)) {
		t.Error("a second unknown kid may not wait for the early fetch under way")
	}
	r.Started()
	if err := r.Fetched([]byte(good), t0.Add(6600*time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	// Within the interval: the caller waits, the fetch waits for the
	// interval to pass.
	if !r.RequestEarly(t0.Add(6800*time.Millisecond)) || r.Due(t0.Add(35900*time.Millisecond)) || !r.Due(t0.Add(36*time.Second)) {
		t.Error("early refetch not limited to one per interval, or not scheduled after it")
	}
	r.Started()
	if err := r.Fetched([]byte(good), t0.Add(36100*time.Millisecond)); err != nil || r.WantsEarly() {
		t.Fatal("the scheduled early fetch did not answer the request", err)
	}
	if r.Keys(t0.Add(2*time.Hour)) != nil {
		t.Error("keys used past the maximum staleness")
	}
	doc, at, err := DecodeShared(EncodeShared([]byte(good), t0))
	if err != nil || string(doc) != good || !at.Equal(t0) {
		t.Errorf("shared round trip: %q %v %v", doc, at, err)
	}
	if !LeaseFree(nil, t0) || LeaseFree(Lease(t0.Add(time.Second)), t0) || !LeaseFree(Lease(t0), t0) {
		t.Error("lease")
	}
}

func TestSharedIdentity(t *testing.T) {
	ps, _ := Parse(jsonv.Parse(`[{"name":"a","secret":"`+strings.Repeat("A", 44)+`"}]`), "providers")
	now := time.Unix(1000, 0)
	id := &Identity{Provider: ps[0], Payload: []byte(`{"sub":"alice","exp":2000}`)}
	b := EncodeIdentity("tok", id, now.Add(time.Minute))
	got, ok := DecodeIdentity(b, "tok", ps, now)
	if !ok || got.Claims.Subject != "alice" || got.Provider != ps[0] {
		t.Fatalf("round trip: %+v %v", got, ok)
	}
	for name, tc := range map[string]struct {
		b     []byte
		token string
		now   time.Time
	}{
		"other token in the slot": {b, "tok2", now},
		"expired":                 {b, "tok", now.Add(time.Minute)},
		"truncated":               {b[:len(b)-5], "tok", now},
		"garbage":                 {[]byte{1, 2, 3}, "tok", now},
	} {
		if _, ok := DecodeIdentity(tc.b, tc.token, ps, tc.now); ok {
			t.Errorf("%s: decoded", name)
		}
	}
	if SharedKey(1, "tok") == SharedKey(2, "tok") {
		t.Error("configurations share slots")
	}
}

// TestRemoteAdoptAnswersEarlyFetchOnlyWhenNewer: during a key rotation, a
// VM that asked for an early fetch (a token named a kid it lacks) must not
// take another VM's older key set as the answer: only keys fetched after
// the request end the wait.
func TestRemoteAdoptAnswersEarlyFetchOnlyWhenNewer(t *testing.T) {
	cfg := &RemoteConfig{CacheDuration: time.Hour, MaxStaleness: 2 * time.Hour, RefetchInterval: time.Second}
	good := `{"keys":[{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}]}`
	t0 := time.Unix(1000, 0)
	r := NewRemote(cfg)
	if !r.Adopt([]byte(good), t0) || r.WantsEarly() {
		t.Fatal("first keys not adopted")
	}
	if !r.RequestEarly(t0.Add(10 * time.Second)) {
		t.Fatal("early fetch refused")
	}
	if !r.Adopt([]byte(good), t0.Add(5*time.Second)) || !r.WantsEarly() {
		t.Error("keys fetched before the early request ended the wait for it")
	}
	if !r.Adopt([]byte(good), t0.Add(11*time.Second)) || r.WantsEarly() {
		t.Error("keys fetched after the early request did not answer it")
	}
}

// TestCacheComparesWholeTokens: tokens that share their last bytes (one
// bucket) or differ in a single byte anywhere are told apart; expiry,
// replacement and eviction keep the count right; a hit allocates nothing.
func TestCacheComparesWholeTokens(t *testing.T) {
	now := time.Unix(1000, 0)
	c := NewCache(100, time.Minute)
	base := strings.Repeat("header.payload.", 20) + "SIGNATURE-TAIL12"
	ids := map[string]*Identity{}
	var toks []string
	for i := 0; i < 40; i++ {
		b := []byte(base)
		b[i*5%len(base[:len(base)-8])] ^= 1 // same tail, one byte differs
		tok := string(b)
		if _, dup := ids[tok]; dup {
			continue
		}
		ids[tok] = &Identity{Payload: []byte(tok)}
		toks = append(toks, tok)
		c.Put(tok, ids[tok], now)
	}
	for _, tok := range toks {
		if id, ok := c.Get(tok, now); !ok || id != ids[tok] {
			t.Fatalf("wrong or missing identity for a token sharing its bucket")
		}
	}
	if _, ok := c.Get(base, now); ok {
		t.Error("a token never stored was found")
	}
	if _, ok := c.Get(base[:len(base)-1], now); ok {
		t.Error("a prefix of a stored token was found")
	}
	if c.Len() != len(toks) {
		t.Errorf("Len %d, want %d", c.Len(), len(toks))
	}
	c.Put(toks[0], ids[toks[1]], now) // replace, not add
	if c.Len() != len(toks) {
		t.Errorf("replacing an entry changed Len to %d", c.Len())
	}
	if _, ok := c.Get(toks[2], now.Add(2*time.Minute)); ok || c.Len() != len(toks)-1 {
		t.Errorf("an entry past its TTL was served or kept (Len %d)", c.Len())
	}
	if n := testing.AllocsPerRun(100, func() { c.Get(toks[3], now) }); n != 0 {
		t.Errorf("%v allocations per hit", n)
	}
	for i := 0; i < 300; i++ {
		c.Put(strconv.Itoa(i)+base, &Identity{}, now)
	}
	if c.Len() > 100 {
		t.Errorf("%d entries in a cache of 100", c.Len())
	}
	if !tokenEqual("", "") || tokenEqual("a", "b") || !tokenEqual(base, string([]byte(base))) || tokenEqual(base, base[:len(base)-1]+"x") {
		t.Error("tokenEqual")
	}
}

// TestClaimPaths: claim paths gjson read the same way load as written,
// escapes included.
func TestClaimPaths(t *testing.T) {
	ps, err := Parse(jsonv.Parse(`[{"name":"a","secret":"`+strings.Repeat("A", 44)+`","claim_to_headers":[
		{"claim":"realm_access.roles","header":"x-roles"},
		{"claim":"https://example\\.com/tenant","header":"x-tenant"},
		{"claim":"cnf.x5t#S256","header":"x-thumb"}]}]`), "providers")
	if err != nil {
		t.Fatal(err)
	}
	want := []ClaimHeader{{"realm_access.roles", "x-roles"}, {`https://example\.com/tenant`, "x-tenant"}, {"cnf.x5t#S256", "x-thumb"}}
	if got := ps[0].ClaimHeaders; len(got) != len(want) || got[0] != want[0] || got[1] != want[1] || got[2] != want[2] {
		t.Errorf("ClaimHeaders = %q, want %q", got, want)
	}
}
