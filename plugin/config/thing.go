package config

import "github.com/palisade-wasm/palisade/policies/jsonv"

// Thing configures the device identity.
type Thing struct {
	// Provider names the provider whose tokens are device tokens (found in
	// that provider's own sources, x-device-token say). Its tokens never
	// count as the user's.
	Provider string
	// FromPeerCertificate takes the device from its own mTLS client
	// certificate (an IoT device talking to the gateway directly): its id
	// is the certificate's IDFrom, its claims subject, uri, dns, sha256.
	FromPeerCertificate bool
	IDFrom              string // uri_san (default), dns_san, subject or sha256
}

func parseThing(path string, v jsonv.Result, t *Thing) error {
	t.IDFrom = "uri_san"
	return object(path, v, func(key string, v jsonv.Result) error {
		p := join(path, key)
		switch key {
		case "provider":
			s, err := str(p, v)
			t.Provider = s
			return err
		case "from_peer_certificate":
			b, err := boolean(p, v)
			t.FromPeerCertificate = b
			return err
		case "id_from":
			i, err := oneOf(p, v, "uri_san", "dns_san", "subject", "sha256")
			t.IDFrom = [...]string{"uri_san", "dns_san", "subject", "sha256"}[i]
			return err
		}
		return &Error{Path: p, Msg: "unknown field"}
	})
}
