package config

import (
	"reflect"
	"testing"
)

func TestParse(t *testing.T) {
	tests := []struct {
		name  string
		raw   string
		level Level
	}{
		{name: "audit mode and service", raw: `{"mode":"audit","service":{"trust_domains":["shop.example"],"xfcc":{"trusted":true,"element":"first"}}}`, level: LevelInfo},
		{name: "empty document is all defaults", raw: "", level: LevelInfo},
		{name: "empty object is all defaults", raw: "{}", level: LevelInfo},
		{name: "debug", raw: `{"log_level":"debug"}`, level: LevelDebug},
		{name: "critical", raw: `{"log_level":"critical"}`, level: LevelCritical},
		{name: "whitespace around", raw: " \n{ \"log_level\" : \"warn\" }\n", level: LevelWarn},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Parse([]byte(tc.raw))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if c.LogLevel != tc.level {
				t.Errorf("LogLevel = %v, want %v", c.LogLevel, tc.level)
			}
		})
	}
}

func TestParse_Errors(t *testing.T) {
	tests := []struct {
		name string
		raw  string
		want string
	}{
		{name: "not json", raw: `{"log_level":`, want: "configuration: not valid JSON"},
		{name: "array", raw: `["log_level"]`, want: "configuration: must be a JSON object"},
		{name: "string", raw: `"debug"`, want: "configuration: must be a JSON object"},
		{name: "unknown field", raw: `{"log_levels":"debug"}`, want: "configuration: log_levels: unknown field"},
		{name: "unknown level", raw: `{"log_level":"verbose"}`, want: "configuration: log_level: must be one of trace, debug, info, warn, error, critical"},
		{name: "level of wrong type", raw: `{"log_level":2}`, want: "configuration: log_level: must be one of trace, debug, info, warn, error, critical"},
		{name: "level wrong case", raw: `{"log_level":"DEBUG"}`, want: "configuration: log_level: must be one of trace, debug, info, warn, error, critical"},
		{name: "duplicate field", raw: `{"log_level":"info","log_level":"debug"}`, want: "configuration: log_level: appears more than once"},
		{name: "mode", raw: `{"mode":"permissive"}`, want: "configuration: mode: must be one of enforce, audit"},
		{name: "realm with quote", raw: `{"realm":"a\"b"}`, want: "configuration: realm: must be printable ASCII without quotes or backslashes"},
		{name: "service not object", raw: `{"service":[]}`, want: "configuration: service: must be an object"},
		{name: "service unknown", raw: `{"service":{"trust_domain":"x"}}`, want: "configuration: service.trust_domain: unknown field"},
		{name: "trust domain upper case", raw: `{"service":{"trust_domains":["ok.example","Bad.example"]}}`,
			want: "configuration: service.trust_domains[1]: must be a SPIFFE trust domain (lower-case letters, digits, '.', '-', '_')"},
		{name: "xfcc element", raw: `{"service":{"xfcc":{"trusted":true,"element":"middle"}}}`, want: "configuration: service.xfcc.element: must be one of last, first"},
		{name: "xfcc trusted type", raw: `{"service":{"xfcc":{"trusted":"yes"}}}`, want: "configuration: service.xfcc.trusted: must be true or false"},
		{name: "header upper case", raw: `{"headers":{"user":"X-User"}}`, want: "configuration: headers.user: must be a lower-case HTTP header name (letters, digits, '-')"},
		{name: "header authorization", raw: `{"headers":{"user":"authorization"}}`, want: "configuration: headers.user: must be a lower-case HTTP header name (letters, digits, '-')"},
		{name: "header twice", raw: `{"headers":{"user":"x-id","service":"x-id"}}`, want: "configuration: headers: header x-id is used twice"},
		{name: "second field bad after good", raw: `{"log_level":"info","x":1}`, want: "configuration: x: unknown field"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse([]byte(tc.raw))
			if err == nil {
				t.Fatal("Parse succeeded, want an error")
			}
			if err.Error() != tc.want {
				t.Errorf("error = %q, want %q", err, tc.want)
			}
		})
	}
}

func TestParse_Sections(t *testing.T) {
	c, err := Parse([]byte(`{"mode":"audit","realm":"shop","service":{"trust_domains":["shop.example"],"from_peer_certificate":false,"xfcc":{"trusted":true,"element":"first"}},"headers":{"user":"x-user","thing":""}}`))
	if err != nil {
		t.Fatal(err)
	}
	if c.Mode != ModeAudit || c.Realm != "shop" {
		t.Errorf("mode %v realm %q", c.Mode, c.Realm)
	}
	if want := (Service{TrustDomains: []string{"shop.example"}, FromPeerCertificate: false, XFCC: XFCC{Trusted: true, Element: "first"}}); !reflect.DeepEqual(c.Service, want) {
		t.Errorf("service = %+v, want %+v", c.Service, want)
	}
	want := []string{"x-user", "x-palisade-issuer", "x-palisade-provider", "x-palisade-service", "x-palisade-decision"}
	if got := c.Headers.Names(); !reflect.DeepEqual(got, want) {
		t.Errorf("header names = %q, want %q", got, want)
	}
}

func TestNameSet(t *testing.T) {
	s := NewNameSet([]string{"x-palisade-user", "x-forwarded-client-cert", "x"})
	for name, want := range map[string]bool{
		"x-palisade-user": true, "x-forwarded-client-cert": true, "x": true,
		"x-palisade-usr": false, "y": false, "": false, "x-palisade-user-": false,
		"x-forwarded-client-cerT": false,
	} {
		if got := s.Contains(name); got != want {
			t.Errorf("Contains(%q) = %v, want %v", name, got, want)
		}
	}
	long := string(make([]byte, 70))
	if NewNameSet([]string{"a"}).Contains(long) || !NewNameSet([]string{long}).Contains(long) {
		t.Error("names of 64 bytes or more")
	}
}
