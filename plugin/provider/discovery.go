package provider

import (
	"errors"
	"strconv"
	"strings"

	"github.com/palisade-wasm/palisade/policies/jsonv"
)

// Discovery finds a provider's key set with OpenID Connect Discovery 1.0:
// the issuer's configuration document (section 4) names the key set's URL,
// jwks_uri. The document is fetched through the provider's remote_jwks
// cluster; the key set through the cluster configured for the jwks_uri's
// origin, so a document never chooses where the proxy connects.
type Discovery struct {
	// Issuer is the provider's issuer. A document is accepted only when
	// its issuer is this string exactly (section 4.3): a document served
	// for another issuer would bring that issuer's keys.
	Issuer string
	// Path and Authority request the document: the issuer's path with any
	// trailing "/" removed and "/.well-known/openid-configuration"
	// appended (section 4.1; RFC 8414 section 5 notes this OpenID form),
	// and the issuer's host.
	Path, Authority string
	// Origins maps the origins a jwks_uri may name to the clusters that
	// serve them; the issuer's own origin comes first, served by the
	// remote_jwks cluster. A jwks_uri on any other origin is refused:
	// without this a document (or whoever forged it) could make the proxy
	// fetch an arbitrary URL, such as a cloud metadata endpoint.
	Origins []Origin
	// AllowHTTPLoopback accepts http URLs (issuer, origins, jwks_uri) on a
	// loopback host, for tests. Otherwise only https is accepted.
	AllowHTTPLoopback bool
}

// Origin is an origin (scheme://host[:port], without the scheme's default
// port) and the cluster that serves it.
type Origin struct {
	Origin  string
	Cluster string
}

// Target is where a key set is fetched: a cluster, and the :path and
// :authority of the request.
type Target struct {
	Cluster, Path, Authority string
}

// Limits on a discovery document. Real documents are a few KiB and
// nested a few levels; anything beyond these is refused before parsing.
const (
	MaxDiscoveryBytes = 64 << 10
	maxDiscoveryDepth = 16
)

// wellKnown is the suffix of a discovery document's path (section 4.1).
const wellKnown = "/.well-known/openid-configuration"

// Categories of refused discovery documents.
var (
	ErrDiscoveryMalformed = errors.New("malformed discovery document")
	ErrDiscoveryIssuer    = errors.New("discovery document for another issuer")
	ErrDiscoveryJWKSURI   = errors.New("unusable jwks_uri")
	// ErrDiscoveryOrigin is a jwks_uri on an origin no cluster serves.
	ErrDiscoveryOrigin = errors.New("jwks_uri origin maps to no cluster")
)

// discoveryError is a refused document: a category and what was found.
type discoveryError struct {
	category error
	detail   string
}

func (e *discoveryError) Error() string { return "discovery: " + e.category.Error() + ": " + e.detail }
func (e *discoveryError) Unwrap() error { return e.category }

// JWKSTarget reads a discovery document (section 4.2) and returns where
// the key set it names is fetched. The document must be a JSON object of
// at most [MaxDiscoveryBytes] whose issuer is d.Issuer exactly and whose
// jwks_uri is an https URL without userinfo or fragment on an origin of
// d.Origins; issuer and jwks_uri must each appear once (two parsers could
// otherwise read two different documents in it).
func (d *Discovery) JWKSTarget(doc []byte) (Target, error) {
	malformed := func(detail string) (Target, error) {
		return Target{}, &discoveryError{ErrDiscoveryMalformed, detail}
	}
	if len(doc) > MaxDiscoveryBytes {
		return malformed("larger than 64 KiB")
	}
	if jsonDepth(doc) > maxDiscoveryDepth {
		return malformed("nested more than 16 levels")
	}
	if !jsonv.ValidBytes(doc) {
		return malformed("not valid JSON")
	}
	root := jsonv.ParseBytes(doc)
	if !root.IsObject() {
		return malformed("not a JSON object")
	}
	var issuer, jwksURI jsonv.Result
	var nIssuer, nJWKS int
	root.ForEach(func(k, v jsonv.Result) bool {
		switch k.Str {
		case "issuer":
			issuer, nIssuer = v, nIssuer+1
		case "jwks_uri":
			jwksURI, nJWKS = v, nJWKS+1
		}
		return true
	})
	switch {
	case nIssuer > 1:
		return malformed("issuer appears more than once")
	case nJWKS > 1:
		return malformed("jwks_uri appears more than once")
	case issuer.Type != jsonv.String:
		return malformed("no issuer string")
	case jwksURI.Type != jsonv.String:
		return malformed("no jwks_uri string")
	case issuer.Str != d.Issuer:
		// Not quoted: the value is the remote's, and logs are ours.
		return Target{}, &discoveryError{ErrDiscoveryIssuer, "issuer is not " + strconv.Quote(d.Issuer)}
	}
	u, err := parseWebURL(jwksURI.Str, d.AllowHTTPLoopback)
	if err != nil {
		return Target{}, &discoveryError{ErrDiscoveryJWKSURI, "jwks_uri " + err.Error()}
	}
	for _, o := range d.Origins {
		if o.Origin == u.origin() {
			return Target{Cluster: o.Cluster, Path: u.target(), Authority: u.host}, nil
		}
	}
	// The origin passed parseWebURL: only URI characters, safe to log.
	return Target{}, &discoveryError{ErrDiscoveryOrigin, u.origin() + " (add it to remote_jwks.discovery.jwks_clusters to allow it)"}
}

// jsonDepth returns the deepest nesting of arrays and objects in doc,
// outside strings, without parsing it (a hostile document of 64 KiB of
// "[" would otherwise cost a deep recursion in the validator).
func jsonDepth(doc []byte) int {
	depth, deepest := 0, 0
	inString := false
	for i := 0; i < len(doc); i++ {
		c := doc[i]
		switch {
		case inString && c == '\\':
			i++
		case c == '"':
			inString = !inString
		case inString:
		case c == '[' || c == '{':
			depth++
			deepest = max(deepest, depth)
		case c == ']' || c == '}':
			depth--
		}
	}
	return deepest
}

// parseDiscovery reads remote_jwks.discovery: true, or an object with
// jwks_clusters and allow_http_loopback. Origins are checked later, in
// finish, once the issuer and the flag are known.
func parseDiscovery(f jsonv.Result, fp string) (*Discovery, []jsonv.Result, error) {
	d := &Discovery{}
	if f.Type == jsonv.True {
		return d, nil, nil
	}
	if !f.IsObject() {
		return nil, nil, &Error{fp, "must be true or an object"}
	}
	var entries []jsonv.Result
	var err error
	seen := map[string]bool{}
	f.ForEach(func(k, v jsonv.Result) bool {
		kp := fp + "." + k.Str
		if seen[k.Str] {
			err = &Error{kp, "appears more than once"}
			return false
		}
		seen[k.Str] = true
		switch k.Str {
		case "jwks_clusters":
			if !v.IsArray() {
				err = &Error{kp, "must be an array of {origin, cluster}"}
				break
			}
			entries = v.Array()
		case "allow_http_loopback":
			if v.Type != jsonv.True && v.Type != jsonv.False {
				err = &Error{kp, "must be true or false"}
				break
			}
			d.AllowHTTPLoopback = v.Bool()
		default:
			err = &Error{kp, "unknown field"}
		}
		return err == nil
	})
	return d, entries, err
}

// finish completes d for issuer, fetched through cluster: the document's
// path and authority, and the origin map. fp is remote_jwks's path and
// issuerPath the issuer's, for errors.
func (d *Discovery) finish(issuer, cluster string, entries []jsonv.Result, fp, issuerPath string) error {
	if issuer == "" {
		return &Error{fp + ".discovery", "needs the provider's issuer"}
	}
	u, err := parseWebURL(issuer, d.AllowHTTPLoopback)
	if err == nil && u.hasQuery {
		err = errors.New("must not have a query")
	}
	if err != nil {
		return &Error{issuerPath, "cannot be discovered: " + err.Error()}
	}
	d.Issuer = issuer
	d.Path = strings.TrimSuffix(u.path, "/") + wellKnown
	d.Authority = u.host
	d.Origins = []Origin{{Origin: u.origin(), Cluster: cluster}}
	for i, e := range entries {
		ep := fp + ".discovery.jwks_clusters[" + strconv.Itoa(i) + "]"
		if !e.IsObject() {
			return &Error{ep, "needs origin and cluster strings"}
		}
		var bad *Error
		seen := map[string]bool{}
		e.ForEach(func(k, _ jsonv.Result) bool {
			switch {
			case k.Str != "origin" && k.Str != "cluster":
				bad = &Error{ep + "." + k.Str, "unknown field"}
			case seen[k.Str]:
				bad = &Error{ep + "." + k.Str, "appears more than once"}
			}
			seen[k.Str] = true
			return bad == nil
		})
		if bad != nil {
			return bad
		}
		o, c := e.Get("origin"), e.Get("cluster")
		if o.Type != jsonv.String || c.Type != jsonv.String || c.Str == "" {
			return &Error{ep, "needs origin and cluster strings"}
		}
		ou, err := parseWebURL(o.Str, d.AllowHTTPLoopback)
		if err == nil && (ou.path != "/" || ou.hasQuery || strings.HasSuffix(o.Str, "/")) {
			err = errors.New("must be scheme://host[:port] alone")
		}
		if err != nil {
			return &Error{ep + ".origin", err.Error()}
		}
		for j, prev := range d.Origins {
			if prev.Origin == ou.origin() {
				if j == 0 {
					return &Error{ep + ".origin", "is the issuer's origin, served by remote_jwks.cluster"}
				}
				return &Error{ep + ".origin", "appears more than once"}
			}
		}
		d.Origins = append(d.Origins, Origin{Origin: ou.origin(), Cluster: c.Str})
	}
	return nil
}
