package filter

import "github.com/palisade-wasm/palisade/plugin/internal/abi"

// The host properties the plugin reads per request, prepared once.
var (
	propMTLS          = abi.NewProperty("connection", "mtls")
	propURISAN        = abi.NewProperty("connection", "uri_san_peer_certificate")
	propDNSSAN        = abi.NewProperty("connection", "dns_san_peer_certificate")
	propSubject       = abi.NewProperty("connection", "subject_peer_certificate")
	propCertDigest    = abi.NewProperty("connection", "sha256_peer_certificate_digest")
	propRouteName     = abi.NewProperty("xds", "route_name")
	propSourceAddress = abi.NewProperty("source", "address")
)

// peerMTLS reports whether the downstream connection presented a
// certificate the listener verified (connection.mtls, a one-byte bool).
func peerMTLS() bool {
	var b [1]byte
	v, err := propMTLS.AppendTo(b[:0])
	return err == nil && len(v) == 1 && v[0] == 1
}

// propString reads a property as a string ("" when absent).
func propString(p abi.Property) string {
	v, _ := p.AppendTo(nil)
	return string(v)
}
