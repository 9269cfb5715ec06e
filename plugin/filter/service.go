package filter

import (
	"github.com/palisade-wasm/palisade/plugin/spiffe"
	"github.com/palisade-wasm/palisade/plugin/xfcc"
)

// serviceIdentity is the calling workload, when one was established.
type serviceIdentity struct {
	authenticated bool
	id            spiffe.ID
	source        string // "mtls" or "xfcc"
	reason        string // why not authenticated, for explain and logs
}

// resolveService establishes the calling workload from a trusted
// x-forwarded-client-cert, or else from the mTLS peer certificate. Only a
// well-formed SPIFFE ID in a configured trust domain is an identity; with
// no trust domain configured, no host call is made at all.
func (h *httpContext) resolveService(req request) serviceIdentity {
	sc := h.cfg.Service
	if len(sc.TrustDomains) == 0 {
		return serviceIdentity{reason: "service_identity_off"}
	}
	if sc.XFCC.Trusted && req.hasXFCC {
		elems, err := xfcc.Parse(req.xfcc)
		if err != nil {
			return serviceIdentity{reason: "xfcc_malformed"}
		}
		e, _ := xfcc.Pick(elems, sc.XFCC.Element)
		return fromURIs(e.URI, sc.TrustDomains, "xfcc")
	}
	if !sc.FromPeerCertificate {
		return serviceIdentity{reason: "no_service_credential"}
	}
	// A URI SAN exists only on a presented peer certificate, so an mTLS
	// caller costs one host call; connection.mtls is read only to tell
	// why there is no SAN.
	san, err := propURISAN.AppendTo(nil)
	if err != nil || len(san) == 0 {
		if !peerMTLS() {
			return serviceIdentity{reason: "no_peer_certificate"}
		}
		return serviceIdentity{reason: "no_spiffe_id"}
	}
	return fromURIs([]string{string(san)}, sc.TrustDomains, "mtls")
}

func fromURIs(uris []string, trustDomains []string, source string) serviceIdentity {
	reason := "no_spiffe_id"
	for _, u := range uris {
		id, err := spiffe.Parse(u)
		if err != nil {
			continue
		}
		if !id.MemberOf(trustDomains) {
			reason = "untrusted_trust_domain"
			continue
		}
		return serviceIdentity{authenticated: true, id: id, source: source}
	}
	return serviceIdentity{reason: reason}
}
