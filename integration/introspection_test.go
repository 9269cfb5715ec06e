package integration

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// Opaque tokens checked with an RFC 7662 introspection endpoint on
// loopback, through the gateway and palisade.wasm.
func TestIntrospection(t *testing.T) {
	var calls atomic.Int64
	endpoint := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		id, secret, _ := r.BasicAuth()
		r.ParseForm()
		if r.Method != "POST" || id != "palisade" || secret != "s3cret" || r.Form.Get("token_type_hint") != "access_token" {
			http.Error(w, "bad client", 401)
			return
		}
		exp := time.Now().Unix() + 600
		switch r.Form.Get("token") {
		case "opaque-alice":
			json.NewEncoder(w).Encode(map[string]any{"active": true, "sub": "alice", "aud": "orders", "exp": exp, "scope": "orders:read"})
		case "opaque-other-audience":
			json.NewEncoder(w).Encode(map[string]any{"active": true, "sub": "bob", "aud": "billing", "exp": exp})
		case "opaque-slow":
			time.Sleep(1500 * time.Millisecond)
			json.NewEncoder(w).Encode(map[string]any{"active": true, "sub": "carol", "aud": "orders", "exp": exp})
		default:
			io.WriteString(w, `{"active":false}`)
		}
	}))
	defer endpoint.Close()
	app := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok:"+r.Header.Get("X-Palisade-User")) }))
	defer app.Close()

	plugin := `{"providers":[{"name":"as","audiences":["orders"],
		"introspection":{"cluster":"as","path":"/introspect","client_id":"palisade","client_secret":"s3cret","timeout_seconds":1}}]}`
	g := runGateway(t, wasmConfig(t, plugin, map[string]int{"app": port(app), "as": port(endpoint)}), 1)
	url := "http://" + g.Addrs()[0].String() + "/orders"

	tests := []struct {
		token  string
		status int
		want   string
	}{
		{"opaque-alice", 200, "ok:alice"},
		{"opaque-alice", 200, "ok:alice"}, // from the cache
		{"opaque-revoked", 401, `"reason":"token_inactive"`},
		{"opaque-other-audience", 401, `"reason":"wrong_audience"`},
		{"opaque-slow", 401, `"reason":"introspection_unavailable"`},
	}
	for _, tc := range tests {
		status, body := call(t, url, tc.token)
		if status != tc.status || !strings.Contains(body, tc.want) {
			t.Errorf("%s: %d %s, want %d %s", tc.token, status, body, tc.status, tc.want)
		}
	}
	if n := calls.Load(); n != 4 {
		t.Errorf("%d introspection calls, want 4 (the repeated token is cached)", n)
	}
}
