package config

import (
	"github.com/palisade-wasm/palisade/plugin/spiffe"
	"github.com/palisade-wasm/palisade/policies/jsonv"
)

// Service configures the calling workload's identity.
type Service struct {
	// TrustDomains are the SPIFFE trust domains whose IDs are believed.
	// Empty: service identity is off (service.authenticated is false).
	TrustDomains []string
	// FromPeerCertificate reads the ID from the mTLS peer certificate's
	// URI SAN (Envoy's connection.uri_san_peer_certificate). Default true.
	FromPeerCertificate bool
	// XFCC, when Trusted, reads the ID from x-forwarded-client-cert, which
	// only a trusted proxy in front may set. Untrusted (the default), the
	// header is removed before the request goes upstream.
	XFCC XFCC
}

// XFCC configures the x-forwarded-client-cert header.
type XFCC struct {
	Trusted bool
	// Element picks the caller among the header's elements: "last" (the
	// hop nearest to this proxy; Envoy's APPEND_FORWARD and SANITIZE_SET)
	// or "first" (the original client).
	Element string
}

func defaultService() Service {
	return Service{FromPeerCertificate: true, XFCC: XFCC{Element: "last"}}
}

func parseService(path string, v jsonv.Result, s *Service) error {
	return object(path, v, func(key string, v jsonv.Result) error {
		p := join(path, key)
		switch key {
		case "trust_domains":
			tds, err := stringList(p, v)
			if err != nil {
				return err
			}
			for i, td := range tds {
				if _, err := spiffe.Parse("spiffe://" + td); err != nil || td == "" {
					return &Error{Path: index(p, i), Msg: "must be a SPIFFE trust domain (lower-case letters, digits, '.', '-', '_')"}
				}
			}
			s.TrustDomains = tds
			return nil
		case "from_peer_certificate":
			b, err := boolean(p, v)
			s.FromPeerCertificate = b
			return err
		case "xfcc":
			return object(p, v, func(key string, v jsonv.Result) error {
				q := join(p, key)
				switch key {
				case "trusted":
					b, err := boolean(q, v)
					s.XFCC.Trusted = b
					return err
				case "element":
					i, err := oneOf(q, v, "last", "first")
					s.XFCC.Element = [...]string{"last", "first"}[i]
					return err
				}
				return &Error{Path: q, Msg: "unknown field"}
			})
		}
		return &Error{Path: p, Msg: "unknown field"}
	})
}
