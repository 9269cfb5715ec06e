package config

import "testing"

// BenchmarkParse measures loading a configuration: the plugin does it at
// start and on every configuration push. Without a policy the figure is
// the JSON reading and validation of the plugin's own sections; with the
// policy it includes compiling the rules.
func BenchmarkParse(b *testing.B) {
	const providers = `{
  "log_level": "info",
  "mode": "enforce",
  "realm": "shop",
  "providers": [{
    "name": "idp",
    "issuer": "https://idp.example",
    "audiences": ["orders", "payments"],
    "remote_jwks": {"cluster": "idp", "path": "/.well-known/jwks.json", "cache_duration_seconds": 300},
    "from_headers": [{"name": "authorization", "value_prefix": "Bearer "}],
    "claim_to_headers": [{"claim": "email", "header": "x-email"}, {"claim": "realm_access.roles", "header": "x-roles"}],
    "clock_skew_seconds": 30
  }, {
    "name": "opaque",
    "issuer": "https://as.example",
    "introspection": {"cluster": "as", "path": "/introspect", "client_id": "palisade", "client_secret": "s3cret", "cache_seconds": 30}
  }],
  "require_user": true,
  "service": {"trust_domains": ["shop.example"], "xfcc": {"trusted": true, "element": "first"}},
  "headers": {"user": "x-user", "service": "x-service"}
}`
	const withPolicy = `{
  "providers": [{"name": "idp", "issuer": "https://idp.example", "remote_jwks": {"cluster": "idp", "path": "/jwks"}}],
  "policy": {
    "default": "deny",
    "rules": [
      {"name": "own-orders", "action": "allow", "match": {"methods": ["GET"], "paths": ["/customers/{customer}/orders/**"]}, "when": "user.sub == path.customer"},
      {"name": "staff", "action": "allow", "match": {"paths": ["/orders/**"]}, "when": "'staff' in user.claims.roles"},
      {"name": "no-admin", "action": "deny", "match": {"paths": ["/admin/**"]}}
    ]
  }
}`
	for _, bc := range []struct{ name, doc string }{
		{"providers", providers},
		{"policy", withPolicy},
	} {
		raw := []byte(bc.doc)
		if _, err := Parse(raw); err != nil {
			b.Fatalf("%s: %v", bc.name, err)
		}
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Parse(raw); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
