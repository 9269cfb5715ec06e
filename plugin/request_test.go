package main

import (
	"slices"
	"testing"
)

func header(h [][2]string, name string) (string, bool) {
	for _, kv := range h {
		if kv[0] == name {
			return kv[1], true
		}
	}
	return "", false
}

func req(path string, extra ...[2]string) [][2]string {
	h := [][2]string{{":method", "GET"}, {":path", path}, {":authority", "app.local"}, {":scheme", "https"}, {"x-request-id", "rid-1"}}
	return append(h, extra...)
}

var (
	mtlsPayments = map[string][]byte{
		"connection.mtls":                     {1},
		"connection.uri_san_peer_certificate": []byte("spiffe://shop.example/ns/payments/sa/payments"),
	}
	mtlsForeign = map[string][]byte{
		"connection.mtls":                     {1},
		"connection.uri_san_peer_certificate": []byte("spiffe://evil.example/ns/payments/sa/payments"),
	}
)

// TestRequestFlow is the behaviour table for what the plugin does to a
// request before any token or policy: path safety, headers a client could
// forge, service identity. Each case runs in both hosts.
func TestRequestFlow(t *testing.T) {
	const cfg = `{"service":{"trust_domains":["shop.example"]}}`
	tests := []struct {
		name    string
		cfg     string
		headers [][2]string
		props   map[string][]byte
		// want
		action string
		status int
		body   string
		path   string            // upstream :path on continue
		set    map[string]string // upstream headers that must have this value
		absent []string          // upstream headers that must be gone
	}{
		{name: "normal path passes unchanged", cfg: cfg, headers: req("/orders/7?x=1"),
			action: "continue", path: "/orders/7?x=1"},
		{name: "dot segments are resolved before anything matches", cfg: cfg, headers: req("/public/%2e%2e/admin//users?q=1"),
			action: "continue", path: "/admin/users?q=1"},
		{name: "encoded slash is refused", cfg: cfg, headers: req("/files/a%2Fb"),
			action: "respond", status: 400, body: `{"error":"bad_request","reason":"path_encoded_slash","request_id":"rid-1"}`},
		{name: "backslash is refused", cfg: cfg, headers: req(`/files/..\admin`),
			action: "respond", status: 400, body: `{"error":"bad_request","reason":"path_backslash","request_id":"rid-1"}`},
		{name: "encoded NUL is refused", cfg: cfg, headers: req("/a%00.json"),
			action: "respond", status: 400, body: `{"error":"bad_request","reason":"path_control_character","request_id":"rid-1"}`},
		{name: "header value with invalid UTF-8 is refused", cfg: cfg, headers: req("/", [2]string{"x-tenant", "a\xff\xfe"}),
			action: "respond", status: 400, body: `{"error":"bad_request","reason":"header_invalid","request_id":"rid-1"}`},
		{name: "header value with NUL is refused", cfg: cfg, headers: req("/", [2]string{"x-tenant", "a\x00b"}),
			action: "respond", status: 400, body: `{"error":"bad_request","reason":"header_invalid","request_id":"rid-1"}`},
		{name: "header value in UTF-8 passes", cfg: cfg, headers: req("/", [2]string{"x-name", "Zoë 東京"}),
			action: "continue", path: "/"},
		{name: "absolute form is refused", cfg: cfg, headers: req("http://evil.example/"),
			action: "respond", status: 400, body: `{"error":"bad_request","reason":"path_not_origin_form","request_id":"rid-1"}`},
		{name: "unsafe request id is not echoed", cfg: cfg, headers: req("/a%zz", [2]string{"x-request-id", `"}<script>`})[0:4],
			action: "respond", status: 400, body: `{"error":"bad_request","reason":"path_bad_escape","request_id":""}`},
		{name: "forged identity headers are removed", cfg: cfg,
			headers: req("/", [2]string{"x-palisade-user", "admin"}, [2]string{"x-palisade-service", "spiffe://shop.example/ns/payments/sa/payments"}, [2]string{"x-palisade-decision", "allow"}),
			action:  "continue", path: "/", absent: []string{"x-palisade-user", "x-palisade-service", "x-palisade-decision"}},
		{name: "untrusted xfcc is removed and not believed", cfg: cfg,
			headers: req("/", [2]string{"x-forwarded-client-cert", "URI=spiffe://shop.example/ns/payments/sa/payments"}),
			action:  "continue", path: "/", absent: []string{"x-forwarded-client-cert", "x-palisade-service"}},
		{name: "service from the mtls peer certificate", cfg: cfg, headers: req("/"), props: mtlsPayments,
			action: "continue", path: "/", set: map[string]string{"x-palisade-service": "spiffe://shop.example/ns/payments/sa/payments"}},
		{name: "peer certificate from a foreign trust domain is no identity", cfg: cfg, headers: req("/"), props: mtlsForeign,
			action: "continue", path: "/", absent: []string{"x-palisade-service"}},
		{name: "trusted xfcc names the caller (last element)",
			cfg:     `{"service":{"trust_domains":["shop.example"],"xfcc":{"trusted":true}}}`,
			headers: req("/", [2]string{"x-forwarded-client-cert", `URI=spiffe://shop.example/ns/web/sa/web,By=spiffe://shop.example/ns/gw/sa/gw;URI=spiffe://shop.example/ns/payments/sa/payments`}),
			action:  "continue", path: "/", set: map[string]string{"x-palisade-service": "spiffe://shop.example/ns/payments/sa/payments",
				"x-forwarded-client-cert": `URI=spiffe://shop.example/ns/web/sa/web,By=spiffe://shop.example/ns/gw/sa/gw;URI=spiffe://shop.example/ns/payments/sa/payments`}},
		{name: "malformed trusted xfcc is no identity",
			cfg:     `{"service":{"trust_domains":["shop.example"],"xfcc":{"trusted":true}}}`,
			headers: req("/", [2]string{"x-forwarded-client-cert", `URI="spiffe://shop.example/ns/payments/sa/payments`}),
			action:  "continue", path: "/", absent: []string{"x-palisade-service"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			forEachHost(t, tc.cfg, func(t *testing.T, h pluginHost) {
				got := h.request(t, tc.headers, tc.props)
				if got.action != tc.action || got.status != tc.status || got.body != tc.body {
					t.Fatalf("got %s %d %s, want %s %d %s", got.action, got.status, got.body, tc.action, tc.status, tc.body)
				}
				if tc.action != "continue" {
					return
				}
				if p, _ := header(got.headers, ":path"); p != tc.path {
					t.Errorf(":path upstream = %q, want %q", p, tc.path)
				}
				for k, v := range tc.set {
					if g, _ := header(got.headers, k); g != v {
						t.Errorf("%s upstream = %q, want %q", k, g, v)
					}
				}
				for _, k := range tc.absent {
					if v, ok := header(got.headers, k); ok {
						t.Errorf("%s reached the upstream: %q", k, v)
					}
				}
			})
		})
	}
}

func TestBadRequestCountsAndLogsWithoutTheRequest(t *testing.T) {
	forEachHost(t, `{"log_level":"debug"}`, func(t *testing.T, h pluginHost) {
		h.request(t, req("/a%2Fsecret-token-value"), nil)
		if n := h.counter(t, "palisade_bad_requests_total"); n != 1 {
			t.Errorf("palisade_bad_requests_total = %d, want 1", n)
		}
		for _, l := range slices.Concat(h.logs("debug"), h.logs("info"), h.logs("error")) {
			if contains(l, "secret-token-value") {
				t.Errorf("log line %q contains the request path", l)
			}
		}
	})
}

func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}
