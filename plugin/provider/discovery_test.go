package provider

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/palisade-wasm/palisade/policies/jsonv"
)

// discoveryProvider is a provider with discovery for issuer, remote_jwks
// cluster "idp", and extra (JSON members) in the discovery object.
func discoveryProvider(t *testing.T, issuer, extra string) *Provider {
	t.Helper()
	ps, err := Parse(jsonv.Parse(`[{"name":"a","issuer":"`+issuer+`","remote_jwks":{"cluster":"idp","cache_duration_seconds":60,"refetch_interval_seconds":30,"max_staleness_seconds":3600,"discovery":{`+extra+`}}}]`), "providers")
	if err != nil {
		t.Fatal(err)
	}
	return ps[0]
}

func TestDiscoveryConfig(t *testing.T) {
	tests := []struct {
		issuer, extra   string
		path, authority string
		origins         []Origin
	}{
		{"https://idp.example", ``, "/.well-known/openid-configuration", "idp.example",
			[]Origin{{"https://idp.example", "idp"}}},
		// A path keeps its place; a trailing "/" is removed before the
		// suffix is appended (OIDC Discovery 1.0 section 4.1).
		{"https://IdP.example:443/realms/shop/", ``, "/realms/shop/.well-known/openid-configuration", "idp.example",
			[]Origin{{"https://idp.example", "idp"}}},
		{"https://idp.example:8443/t", `"jwks_clusters":[{"origin":"https://Keys.idp.example","cluster":"keys"},{"cluster":"cdn","origin":"https://cdn.example:444"}]`,
			"/t/.well-known/openid-configuration", "idp.example:8443",
			[]Origin{{"https://idp.example:8443", "idp"}, {"https://keys.idp.example", "keys"}, {"https://cdn.example:444", "cdn"}}},
		{"http://127.0.0.1:9000", `"allow_http_loopback":true`, "/.well-known/openid-configuration", "127.0.0.1:9000",
			[]Origin{{"http://127.0.0.1:9000", "idp"}}},
	}
	for _, tc := range tests {
		d := discoveryProvider(t, tc.issuer, tc.extra).Remote.Discovery
		if d.Path != tc.path || d.Authority != tc.authority || d.Issuer != tc.issuer || !equalOrigins(d.Origins, tc.origins) {
			t.Errorf("%s %s: got %+v", tc.issuer, tc.extra, d)
		}
	}
	// true is the same as {}.
	ps, err := Parse(jsonv.Parse(`[{"name":"a","issuer":"https://idp.example","remote_jwks":{"cluster":"idp","discovery":true}}]`), "providers")
	if err != nil || ps[0].Remote.Discovery == nil || ps[0].Remote.Discovery.Path != "/.well-known/openid-configuration" || ps[0].Remote.Authority != "" {
		t.Errorf("discovery true: %v %+v", err, ps)
	}
}

func equalOrigins(a, b []Origin) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestDiscoveryConfig_Errors(t *testing.T) {
	const p = `[{"name":"a","issuer":"https://idp.example","remote_jwks":{"cluster":"idp",`
	tests := []struct {
		doc  string
		want string
	}{
		{`[{"name":"a","remote_jwks":{"cluster":"idp","discovery":true}}]`, "providers[0].remote_jwks.discovery: needs the provider's issuer"},
		{p + `"discovery":false}}]`, "providers[0].remote_jwks.discovery: must be true or an object"},
		{p + `"discovery":{"jwks_uri":"https://x"}}}]`, "providers[0].remote_jwks.discovery.jwks_uri: unknown field"},
		{p + `"discovery":true,"path":"/jwks"}}]`, "providers[0].remote_jwks.path: is not allowed with discovery (the discovery document names the key set)"},
		{p + `"discovery":true,"authority":"idp"}}]`, "providers[0].remote_jwks.authority: is not allowed with discovery (the issuer's and the jwks_uri's hosts are used)"},
		{`[{"name":"a","remote_jwks":{"discovery":true}}]`, "providers[0].remote_jwks.cluster: is required"},
		{`[{"name":"a","issuer":"http://idp.example","remote_jwks":{"cluster":"idp","discovery":true}}]`,
			"providers[0].issuer: cannot be discovered: must use https (http only for a loopback host with allow_http_loopback)"},
		{`[{"name":"a","issuer":"http://127.0.0.1:9","remote_jwks":{"cluster":"idp","discovery":true}}]`,
			"providers[0].issuer: cannot be discovered: must use https (http only for a loopback host with allow_http_loopback)"},
		{`[{"name":"a","issuer":"http://idp.example","remote_jwks":{"cluster":"idp","discovery":{"allow_http_loopback":true}}}]`,
			"providers[0].issuer: cannot be discovered: must use https (http only for a loopback host with allow_http_loopback)"},
		{`[{"name":"a","issuer":"https://idp.example?tenant=1","remote_jwks":{"cluster":"idp","discovery":true}}]`, "providers[0].issuer: cannot be discovered: must not have a query"},
		{`[{"name":"a","issuer":"https://idp.example/#x","remote_jwks":{"cluster":"idp","discovery":true}}]`, "providers[0].issuer: cannot be discovered: must not have a fragment"},
		{`[{"name":"a","issuer":"https://u@idp.example","remote_jwks":{"cluster":"idp","discovery":true}}]`, "providers[0].issuer: cannot be discovered: must not carry userinfo"},
		{`[{"name":"a","issuer":"idp.example","remote_jwks":{"cluster":"idp","discovery":true}}]`,
			"providers[0].issuer: cannot be discovered: must use https (http only for a loopback host with allow_http_loopback)"},
		{p + `"discovery":{"allow_http_loopback":"yes"}}}]`, "providers[0].remote_jwks.discovery.allow_http_loopback: must be true or false"},
		{p + `"discovery":{"jwks_clusters":{"origin":"https://k"}}}}]`, "providers[0].remote_jwks.discovery.jwks_clusters: must be an array of {origin, cluster}"},
		{p + `"discovery":{"jwks_clusters":[{"origin":"https://k"}]}}}]`, "providers[0].remote_jwks.discovery.jwks_clusters[0]: needs origin and cluster strings"},
		{p + `"discovery":{"jwks_clusters":[{"origin":"https://k","cluster":"k","path":"/"}]}}}]`, "providers[0].remote_jwks.discovery.jwks_clusters[0].path: unknown field"},
		{p + `"discovery":{"jwks_clusters":[{"origin":"https://k","cluster":"k","cluster":"j"}]}}}]`, "providers[0].remote_jwks.discovery.jwks_clusters[0].cluster: appears more than once"},
		{p + `"discovery":{"allow_http_loopback":true,"allow_http_loopback":false}}}]`, "providers[0].remote_jwks.discovery.allow_http_loopback: appears more than once"},
		{p + `"discovery":{"jwks_clusters":[{"origin":"https://k/jwks","cluster":"k"}]}}}]`, "providers[0].remote_jwks.discovery.jwks_clusters[0].origin: must be scheme://host[:port] alone"},
		{p + `"discovery":{"jwks_clusters":[{"origin":"https://k/","cluster":"k"}]}}}]`, "providers[0].remote_jwks.discovery.jwks_clusters[0].origin: must be scheme://host[:port] alone"},
		{p + `"discovery":{"jwks_clusters":[{"origin":"http://169.254.169.254","cluster":"k"}]}}}]`,
			"providers[0].remote_jwks.discovery.jwks_clusters[0].origin: must use https (http only for a loopback host with allow_http_loopback)"},
		{p + `"discovery":{"jwks_clusters":[{"origin":"https://IDP.example:443","cluster":"k"}]}}}]`,
			"providers[0].remote_jwks.discovery.jwks_clusters[0].origin: is the issuer's origin, served by remote_jwks.cluster"},
		{p + `"discovery":{"jwks_clusters":[{"origin":"https://k","cluster":"k"},{"origin":"https://K:443","cluster":"j"}]}}}]`,
			"providers[0].remote_jwks.discovery.jwks_clusters[1].origin: appears more than once"},
	}
	for _, tc := range tests {
		_, err := Parse(jsonv.Parse(tc.doc), "providers")
		if err == nil || err.Error() != tc.want {
			t.Errorf("Parse(%s) = %v\nwant %s", tc.doc, err, tc.want)
		}
	}
}

func TestJWKSTarget(t *testing.T) {
	d := discoveryProvider(t, "https://idp.example/realms/shop", `"jwks_clusters":[{"origin":"https://keys.idp.example","cluster":"keys"}]`).Remote.Discovery
	doc := func(issuer, jwksURI string) string {
		return `{"issuer":"` + issuer + `","authorization_endpoint":"https://idp.example/auth","jwks_uri":"` + jwksURI + `","scopes_supported":["openid"]}`
	}
	const iss = "https://idp.example/realms/shop"
	tests := []struct {
		name string
		doc  string
		want Target
		err  string
	}{
		{"issuer's origin", doc(iss, "https://idp.example/realms/shop/certs"), Target{"idp", "/realms/shop/certs", "idp.example"}, ""},
		{"mapped origin, query kept", doc(iss, "https://KEYS.idp.example:443/v1/jwks?tenant=shop&x=%2F"), Target{"keys", "/v1/jwks?tenant=shop&x=%2F", "keys.idp.example"}, ""},
		{"empty path", doc(iss, "https://keys.idp.example"), Target{"keys", "/", "keys.idp.example"}, ""},
		{"escaped JSON", `{"issuer":"https:\/\/idp.example\/realms\/shop","jwks_uri":"https:\/\/idp.example\/k"}`, Target{"idp", "/k", "idp.example"}, ""},
		{"issuer with a trailing slash", doc(iss+"/", "https://idp.example/k"), Target{},
			`discovery: discovery document for another issuer: issuer is not "https://idp.example/realms/shop"`},
		{"other issuer", doc("https://evil.example/realms/shop", "https://idp.example/k"), Target{},
			`discovery: discovery document for another issuer: issuer is not "https://idp.example/realms/shop"`},
		{"metadata endpoint over http", doc(iss, "http://169.254.169.254/latest/meta-data/"), Target{},
			"discovery: unusable jwks_uri: jwks_uri must use https (http only for a loopback host with allow_http_loopback)"},
		{"metadata endpoint over https", doc(iss, "https://169.254.169.254/latest/meta-data/"), Target{},
			"discovery: jwks_uri origin maps to no cluster: https://169.254.169.254 (add it to remote_jwks.discovery.jwks_clusters to allow it)"},
		{"other port of a mapped host", doc(iss, "https://keys.idp.example:8443/k"), Target{},
			"discovery: jwks_uri origin maps to no cluster: https://keys.idp.example:8443 (add it to remote_jwks.discovery.jwks_clusters to allow it)"},
		{"suffix of a mapped host", doc(iss, "https://keys.idp.example.evil.example/k"), Target{},
			"discovery: jwks_uri origin maps to no cluster: https://keys.idp.example.evil.example (add it to remote_jwks.discovery.jwks_clusters to allow it)"},
		{"userinfo", doc(iss, "https://keys.idp.example@169.254.169.254/k"), Target{}, "discovery: unusable jwks_uri: jwks_uri must not carry userinfo"},
		{"fragment", doc(iss, "https://idp.example/k#x"), Target{}, "discovery: unusable jwks_uri: jwks_uri must not have a fragment"},
		{"backslash", `{"issuer":"` + iss + `","jwks_uri":"https://idp.example\\\\@evil/k"}`, Target{}, "discovery: unusable jwks_uri: jwks_uri has a character a URL may not contain"},
		{"space", doc(iss, "https://idp.example/a b"), Target{}, "discovery: unusable jwks_uri: jwks_uri has a character a URL may not contain"},
		{"bad percent", doc(iss, "https://idp.example/a%2"), Target{}, "discovery: unusable jwks_uri: jwks_uri has a character a URL may not contain"},
		{"port zero", doc(iss, "https://idp.example:0/k"), Target{}, "discovery: unusable jwks_uri: jwks_uri has an invalid port"},
		{"empty port", doc(iss, "https://idp.example:/k"), Target{}, "discovery: unusable jwks_uri: jwks_uri has an invalid port"},
		{"no host", doc(iss, "https:///k"), Target{}, "discovery: unusable jwks_uri: jwks_uri has no valid host"},
		{"relative", doc(iss, "/k"), Target{}, "discovery: unusable jwks_uri: jwks_uri must use https (http only for a loopback host with allow_http_loopback)"},
		{"two issuers", `{"issuer":"https://evil.example","issuer":"` + iss + `","jwks_uri":"https://idp.example/k"}`, Target{}, "discovery: malformed discovery document: issuer appears more than once"},
		{"two issuers, one escaped", `{"issuer":"` + iss + `","iss\u0075er":"https://evil.example","jwks_uri":"https://idp.example/k"}`, Target{}, "discovery: malformed discovery document: issuer appears more than once"},
		{"two jwks_uri", `{"issuer":"` + iss + `","jwks_uri":"https://idp.example/k","jwks_uri":"https://evil/k"}`, Target{}, "discovery: malformed discovery document: jwks_uri appears more than once"},
		{"no jwks_uri", `{"issuer":"` + iss + `"}`, Target{}, "discovery: malformed discovery document: no jwks_uri string"},
		{"jwks_uri not a string", `{"issuer":"` + iss + `","jwks_uri":["https://idp.example/k"]}`, Target{}, "discovery: malformed discovery document: no jwks_uri string"},
		{"no issuer", `{"jwks_uri":"https://idp.example/k"}`, Target{}, "discovery: malformed discovery document: no issuer string"},
		{"array", `[{"issuer":"` + iss + `"}]`, Target{}, "discovery: malformed discovery document: not a JSON object"},
		{"truncated", `{"issuer":"` + iss + `","jwks_uri":"https://idp.e`, Target{}, "discovery: malformed discovery document: not valid JSON"},
		{"html", `<html>503</html>`, Target{}, "discovery: malformed discovery document: not valid JSON"},
		{"deep", `{"issuer":"` + iss + `","jwks_uri":"https://idp.example/k","x":` + strings.Repeat("[", 16) + strings.Repeat("]", 16) + `}`, Target{},
			"discovery: malformed discovery document: nested more than 16 levels"},
		{"brackets in strings are not nesting", `{"issuer":"` + iss + `","jwks_uri":"https://idp.example/k","x":"` + strings.Repeat("[{", 40) + `\""}`, Target{"idp", "/k", "idp.example"}, ""},
		{"large", `{"issuer":"` + iss + `","jwks_uri":"https://idp.example/k","x":"` + strings.Repeat("a", MaxDiscoveryBytes) + `"}`, Target{},
			"discovery: malformed discovery document: larger than 64 KiB"},
	}
	for _, tc := range tests {
		got, err := d.JWKSTarget([]byte(tc.doc))
		if got != tc.want || (err == nil) != (tc.err == "") || err != nil && err.Error() != tc.err {
			t.Errorf("%s: got %+v, %v\nwant %+v, %s", tc.name, got, err, tc.want, tc.err)
		}
	}
	_, err := d.JWKSTarget([]byte(doc(iss, "https://169.254.169.254/")))
	if !errors.Is(err, ErrDiscoveryOrigin) {
		t.Errorf("unmapped origin: %v is not ErrDiscoveryOrigin", err)
	}
	_, err = d.JWKSTarget([]byte(doc("https://evil.example", "https://idp.example/k")))
	if !errors.Is(err, ErrDiscoveryIssuer) {
		t.Errorf("other issuer: %v is not ErrDiscoveryIssuer", err)
	}
}

// Loopback http is accepted only with the flag, and only on loopback.
func TestJWKSTarget_Loopback(t *testing.T) {
	d := discoveryProvider(t, "http://127.0.0.1:9000", `"allow_http_loopback":true,"jwks_clusters":[{"origin":"http://localhost:9001","cluster":"keys"}]`).Remote.Discovery
	for _, tc := range []struct {
		uri  string
		want Target
	}{
		{"http://127.0.0.1:9000/k", Target{"idp", "/k", "127.0.0.1:9000"}},
		{"http://localhost:9001/k?a=1", Target{"keys", "/k?a=1", "localhost:9001"}},
		{"http://127.0.0.1:9001/k", Target{}},   // loopback, but not a mapped origin
		{"http://10.0.0.1:9000/k", Target{}},    // http off loopback
		{"http://127.0.0.1.nip.io/k", Target{}}, // a name that only starts like loopback
	} {
		got, err := d.JWKSTarget([]byte(`{"issuer":"http://127.0.0.1:9000","jwks_uri":"` + tc.uri + `"}`))
		if got != tc.want || (err == nil) != (tc.want != Target{}) {
			t.Errorf("%s: %+v %v, want %+v", tc.uri, got, err, tc.want)
		}
	}
}

// TestRemoteDiscovery: the discovery document follows the key set's
// timing rules, and the key set follows the document.
func TestRemoteDiscovery(t *testing.T) {
	t0 := time.Unix(1000, 0)
	p := discoveryProvider(t, "https://idp.example", `"jwks_clusters":[{"origin":"https://keys.idp.example","cluster":"keys"}]`)
	r := NewRemote(p.Remote)
	good := `{"keys":[{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}]}`
	doc := func(uri string) []byte { return []byte(`{"issuer":"https://idp.example","jwks_uri":"` + uri + `"}`) }

	if r.Due(t0) {
		t.Fatal("key set due before any discovery")
	}
	if _, ok := r.Target(t0); ok {
		t.Fatal("a target before any discovery")
	}
	if !r.DiscoveryDue(t0) {
		t.Fatal("discovery not due at start")
	}
	r.DiscoveryStarted()
	if r.DiscoveryDue(t0) || r.Due(t0) {
		t.Error("due while discovery is in flight")
	}
	if err := r.Discovered([]byte(`{"issuer":"https://other.example","jwks_uri":"https://idp.example/k"}`), t0); err == nil {
		t.Fatal("a document of another issuer was accepted")
	}
	if r.DiscoveryDue(t0.Add(500*time.Millisecond)) || !r.DiscoveryDue(t0.Add(time.Second)) {
		t.Error("first discovery backoff is not 1 s")
	}
	r.DiscoveryStarted()
	if err := r.Discovered(doc("https://idp.example/k1"), t0.Add(time.Second)); err != nil {
		t.Fatal(err)
	}
	if tg, ok := r.Target(t0.Add(time.Second)); !ok || tg != (Target{"idp", "/k1", "idp.example"}) {
		t.Fatalf("target %+v %v", tg, ok)
	}
	if !r.Due(t0.Add(time.Second)) || r.DiscoveryDue(t0.Add(2*time.Second)) {
		t.Error("after discovery: key set not due, or discovery due again at once")
	}
	r.Started()
	if err := r.Fetched([]byte(good), t0.Add(2*time.Second)); err != nil {
		t.Fatal(err)
	}
	// Refreshed every cache duration (60 s); a refused document keeps the
	// last good location and backs off.
	if !r.DiscoveryDue(t0.Add(61 * time.Second)) {
		t.Error("discovery not refreshed after the cache duration")
	}
	r.DiscoveryStarted()
	if r.Due(t0.Add(62 * time.Second)) {
		t.Error("key set due while discovery is in flight")
	}
	r.Discovered([]byte(`garbage`), t0.Add(62*time.Second))
	if tg, ok := r.Target(t0.Add(62 * time.Second)); !ok || tg.Path != "/k1" {
		t.Error("a refused document dropped the last good location")
	}
	if !r.Due(t0.Add(62*time.Second)) || r.DiscoveryDue(t0.Add(62500*time.Millisecond)) || !r.DiscoveryDue(t0.Add(63*time.Second)) {
		t.Error("after a refused document: key set not due at its time, or no 1 s backoff")
	}
	// The same location again changes nothing; a new one makes the key
	// set due at once, even within its cache duration.
	r.Started()
	r.Fetched([]byte(good), t0.Add(63*time.Second))
	r.DiscoveryStarted()
	r.Discovered(doc("https://idp.example/k1"), t0.Add(64*time.Second))
	if r.Due(t0.Add(64 * time.Second)) {
		t.Error("an unchanged location made the key set due")
	}
	r.DiscoveryStarted()
	r.Discovered(doc("https://keys.idp.example/v2?x=1"), t0.Add(65*time.Second))
	if tg, _ := r.Target(t0.Add(65 * time.Second)); !r.Due(t0.Add(65*time.Second)) || tg != (Target{"keys", "/v2?x=1", "keys.idp.example"}) {
		t.Errorf("a moved key set is not due at once at its new place: %+v", tg)
	}
	r.Started()
	r.Fetched([]byte(good), t0.Add(66*time.Second))
	// An unknown kid refreshes the document too, at most once per
	// interval: one asked for sooner is scheduled after it.
	if !r.RequestEarly(t0.Add(70*time.Second)) || !r.DiscoveryDue(t0.Add(70*time.Second)) {
		t.Error("an early refetch does not refresh discovery")
	}
	r.DiscoveryStarted()
	r.Discovered(doc("https://keys.idp.example/v2?x=1"), t0.Add(70*time.Second))
	r.Started()
	r.Fetched([]byte(good), t0.Add(70*time.Second))
	if !r.RequestEarly(t0.Add(71*time.Second)) || r.DiscoveryDue(t0.Add(71*time.Second)) || r.Due(t0.Add(71*time.Second)) {
		t.Error("a second early refetch within the interval is not delayed")
	}
	if !r.DiscoveryDue(t0.Add(100*time.Second)) || !r.Due(t0.Add(100*time.Second)) {
		t.Error("the delayed early refetch is not due once the interval has passed")
	}
	// Another VM's document is checked before it is adopted.
	if r.AdoptDiscovery([]byte(`{"issuer":"https://idp.example","jwks_uri":"https://169.254.169.254/"}`), t0.Add(80*time.Second)) {
		t.Error("adopted a document with an unmapped jwks_uri")
	}
	if !r.AdoptDiscovery(doc("https://idp.example/k3"), t0.Add(80*time.Second)) || r.AdoptDiscovery(doc("https://idp.example/k4"), t0.Add(79*time.Second)) {
		t.Error("adoption of a newer document refused, or of an older one accepted")
	}
	if tg, _ := r.Target(t0.Add(80 * time.Second)); tg.Path != "/k3" {
		t.Errorf("adopted target %+v", tg)
	}
	// Past the maximum staleness (an hour) there is no location.
	if _, ok := r.Target(t0.Add(80*time.Second + time.Hour + time.Second)); ok {
		t.Error("location used past the maximum staleness")
	}
}
