package main

import (
	"strings"
	"testing"
	"time"

	"github.com/palisade-wasm/palisade/host/hosttest"
)

// TestThing: the device identity from a device token or the device's own
// client certificate, through the hospital rule, in both hosts.
func TestThing(t *testing.T) {
	idp := hosttest.NewIssuer(t, "https://idp.example", "u1", "p256.pem")
	mdm := hosttest.NewIssuer(t, "https://mdm.example", "d1", "p384.pem")
	exp := time.Now().Unix() + 600
	clinician := idp.Token(t, map[string]any{"sub": "dr-grey", "aud": "records", "exp": exp, "roles": []string{"clinician"}})
	compliant := mdm.Token(t, map[string]any{"sub": "tablet-7", "exp": exp, "compliant": true})
	jailbroken := mdm.Token(t, map[string]any{"sub": "tablet-9", "exp": exp, "compliant": false})
	policy := `{"rules":[{"name":"records","action":"allow","match":{"paths":["/records/**"]},
		"when":"'clinician' in user.claims.roles && thing.claims.compliant == true"},
		{"name":"kiosk","action":"allow","match":{"paths":["/kiosk/**"]},"when":"thing.id == 'spiffe://hospital.example/kiosk/3'"}]}`
	cfg := `{"providers":[
		{"name":"idp","issuer":"https://idp.example","audiences":["records"],"local_jwks":` + idp.JWKS() + `},
		{"name":"mdm","issuer":"https://mdm.example","local_jwks":` + mdm.JWKS() + `,"from_headers":[{"name":"x-device-token"}]}],
		"thing":{"provider":"mdm","from_peer_certificate":true},
		"policy":` + policy + `}`
	device := func(tok string) [2]string { return [2]string{"x-device-token", tok} }
	kiosk := map[string][]byte{"connection.mtls": {1}, "connection.uri_san_peer_certificate": []byte("spiffe://hospital.example/kiosk/3")}
	tests := []struct {
		name    string
		headers [][2]string
		props   map[string][]byte
		status  int
		thing   string
		reason  string
	}{
		{"clinician on a compliant device", req("/records/1", bearer(clinician), device(compliant)), nil, 0, "tablet-7", ""},
		{"clinician on a jailbroken device", req("/records/1", bearer(clinician), device(jailbroken)), nil, 403, "", ""},
		{"clinician without a device", req("/records/1", bearer(clinician)), nil, 403, "", ""},
		{"a forged device token", req("/records/1", bearer(clinician), device(compliant[:len(compliant)-4]+"AAAA")), nil, 401, "", "device_bad_signature"},
		{"a user token is no device token", req("/records/1", bearer(clinician), device(clinician)), nil, 401, "", "device_wrong_issuer"},
		{"a device token is no user token", req("/records/1", bearer(compliant), device(compliant)), nil, 401, "", "wrong_issuer"},
		{"a forged thing header is dropped", req("/records/1", bearer(clinician), device(compliant), [2]string{"x-palisade-thing", "admin-laptop"}), nil, 0, "tablet-7", ""},
		{"a kiosk by its certificate", req("/kiosk/menu"), kiosk, 0, "spiffe://hospital.example/kiosk/3", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			forEachHost(t, cfg, func(t *testing.T, h pluginHost) {
				got := h.request(t, tc.headers, tc.props)
				if got.status != tc.status || tc.reason != "" && !strings.Contains(got.body, `"reason":"`+tc.reason+`"`) {
					t.Fatalf("got %d %s, want %d %s", got.status, got.body, tc.status, tc.reason)
				}
				if tc.status == 0 {
					if v, _ := header(got.headers, "x-palisade-thing"); v != tc.thing {
						t.Errorf("x-palisade-thing = %q, want %q", v, tc.thing)
					}
					if _, ok := header(got.headers, "x-device-token"); ok {
						t.Error("the device token reached the upstream")
					}
				}
			})
		})
	}
}
