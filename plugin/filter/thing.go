package filter

import (
	"time"

	"github.com/palisade-wasm/palisade/plugin/jwt"
	"github.com/palisade-wasm/palisade/plugin/provider"
)

// thingIdentity is the device a request runs for, when one was shown.
type thingIdentity struct {
	authenticated bool
	id            string
	claims        []byte // JSON object
}

// resolveThing establishes the device from its token (the thing provider's
// sources) or its own client certificate. A device token that is present
// but invalid is refused with 401 (its reason prefixed with device_); no
// device credential at all leaves the thing unauthenticated, for the
// policy to weigh. It reports whether it answered.
func (h *httpContext) resolveThing(req request) bool {
	cfg := h.cfg
	if p := cfg.ThingProvider; p != nil {
		found, ok, err := provider.Find([]*provider.Provider{p}, req.headers, req.query())
		if err != nil {
			h.deny401("device_"+provider.Reason(err), false)
			return !h.audited
		}
		if ok {
			id, err := h.verifyDevice(p, found.Token)
			if err != nil {
				h.deny401("device_"+provider.Reason(err), false)
				return !h.audited
			}
			h.thing = thingIdentity{authenticated: true, id: id.Claims.Subject, claims: id.Payload}
			if !p.Forward && found.Source.Kind == provider.FromHeader {
				h.edits.remove(found.Source.Name)
			}
			return false
		}
	}
	if cfg.Thing.FromPeerCertificate {
		h.thing = thingFromCertificate(cfg.Thing.IDFrom)
	}
	return false
}

// verifyDevice verifies a device token synchronously: a device provider's
// remote keys must already be there (fetched at start and on ticks).
func (h *httpContext) verifyDevice(p *provider.Provider, token string) (*provider.Identity, error) {
	now := time.Now()
	if id, hit := h.plugin.cache.Get(token, now); hit && id.Provider == p {
		return id, nil
	}
	t, err := jwt.Parse(token)
	if err != nil {
		return nil, err
	}
	var keys jwt.KeySet
	if p.Remote != nil {
		set := h.plugin.remote(p).Keys(now)
		if set == nil {
			return nil, provider.ErrJWKSUnavailable
		}
		keys = set
	}
	id, err := p.Verify(t, keys, now)
	if err != nil {
		return nil, err
	}
	h.plugin.cache.Put(token, id, now)
	return id, nil
}

// thingFromCertificate reads the device's verified client certificate
// from the connection (Envoy's connection.* attributes).
func thingFromCertificate(idFrom string) thingIdentity {
	if !peerMTLS() {
		return thingIdentity{}
	}
	uri, dns := propString(propURISAN), propString(propDNSSAN)
	subject, sha := propString(propSubject), propString(propCertDigest)
	id := map[string]string{"uri_san": uri, "dns_san": dns, "subject": subject, "sha256": sha}[idFrom]
	if id == "" {
		return thingIdentity{}
	}
	claims := `{"subject":` + jsonString(subject) + `,"uri":` + jsonString(uri) + `,"dns":` + jsonString(dns) + `,"sha256":` + jsonString(sha) + `}`
	return thingIdentity{authenticated: true, id: id, claims: []byte(claims)}
}

// jsonString quotes s as a JSON string.
func jsonString(s string) string {
	return string(appendJSONString(make([]byte, 0, len(s)+2), s))
}
