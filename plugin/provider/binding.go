package provider

import (
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"

	"github.com/palisade-wasm/palisade/policies/jsonv"
)

// Errors of certificate binding (RFC 8705 section 3).
var (
	ErrBindingMismatch = errors.New("token is bound to another certificate")
	ErrBindingMissing  = errors.New("token is not bound to a certificate")
)

// BindingApplies reports whether CheckBinding has anything to check, so
// the caller reads the peer certificate's digest (a host call) only then.
func (id *Identity) BindingApplies() bool {
	switch id.Provider.CertificateBound {
	case BindingIgnored:
		return false
	case BindingRequired:
		return true
	}
	if !id.bindingChecked {
		// An identity is used by one VM at a time (the plugin's caches
		// are per VM), so this memo needs no lock.
		id.bound = jsonv.GetBytes(id.Payload, `cnf.x5t#S256`).Exists()
		id.bindingChecked = true
	}
	return id.bound
}

// CheckBinding applies RFC 8705 to a verified identity: a token whose
// cnf carries "x5t#S256" (the base64url SHA-256 of a certificate) is
// accepted only on a connection whose peer certificate has that digest.
// peerDigest is Envoy's connection.sha256_peer_certificate_digest (hex),
// empty without a client certificate.
func (id *Identity) CheckBinding(peerDigest string) error {
	mode := id.Provider.CertificateBound
	if mode == BindingIgnored {
		return nil
	}
	thumb := jsonv.GetBytes(id.Payload, `cnf.x5t#S256`)
	if !thumb.Exists() {
		if mode == BindingRequired {
			return ErrBindingMissing
		}
		return nil
	}
	want, err := base64.RawURLEncoding.DecodeString(thumb.String())
	if err != nil || len(want) != 32 {
		return ErrBindingMismatch
	}
	got, err := hex.DecodeString(peerDigest)
	if err != nil || len(got) != 32 || subtle.ConstantTimeCompare(got, want) != 1 {
		return ErrBindingMismatch
	}
	return nil
}

// DPoPKey returns the token's cnf.jkt, the thumbprint of the key a DPoP
// proof must be signed with (RFC 9449 section 6), or "" for a token not
// bound that way. Read once per identity.
func (id *Identity) DPoPKey() string {
	if !id.jktChecked {
		id.jkt = jsonv.GetBytes(id.Payload, "cnf.jkt").String()
		id.jktChecked = true
	}
	return id.jkt
}
