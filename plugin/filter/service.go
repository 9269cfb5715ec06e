package filter

import (
	"bytes"

	"github.com/palisade-wasm/palisade/plugin/config"
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
	m := &h.plugin.peers
	san, err := propURISAN.AppendTo(m.buf[:0])
	if err == nil {
		m.buf = san[:0] // an error returns no storage to keep
	}
	if err != nil || len(san) == 0 {
		if !peerMTLS() {
			return serviceIdentity{reason: "no_peer_certificate"}
		}
		return serviceIdentity{reason: "no_spiffe_id"}
	}
	return m.identity(h.cfg, san)
}

// peerMemo maps the last few URI SANs read from peer certificates to
// their service identity under the configuration in force. A sidecar
// sees few callers, each on many requests: a hit costs a compare instead
// of two allocations and a SPIFFE ID parse (microseconds inside wasm).
type peerMemo struct {
	buf     []byte // storage for reading the property
	cfg     *config.Config
	entries [4]peerEntry
	next    int // the entry replaced next
}

type peerEntry struct {
	san []byte
	id  serviceIdentity
}

// identity returns san's service identity under cfg.
func (m *peerMemo) identity(cfg *config.Config, san []byte) serviceIdentity {
	if m.cfg != cfg { // a new configuration: other trust domains
		*m = peerMemo{buf: m.buf, cfg: cfg}
	}
	for i := range m.entries {
		if e := &m.entries[i]; e.san != nil && bytes.Equal(e.san, san) {
			return e.id
		}
	}
	id := fromURIs([]string{string(san)}, cfg.Service.TrustDomains, "mtls")
	e := &m.entries[m.next]
	e.san, e.id = append(e.san[:0], san...), id
	m.next = (m.next + 1) % len(m.entries)
	return id
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
