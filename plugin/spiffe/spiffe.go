// Package spiffe parses SPIFFE IDs as the SPIFFE-ID specification
// (github.com/spiffe/spiffe, standards/SPIFFE-ID.md) defines them:
// "spiffe://" + trust domain + path, with the spec's character sets and
// lengths. Anything malformed is not an identity. Istio's service account
// form (/ns/<namespace>/sa/<account>) is recognized.
package spiffe

import "errors"

// ID is a parsed SPIFFE ID. The strings share memory with the input.
type ID struct {
	raw         string
	trustDomain string
	path        string
}

// Errors of Parse.
var (
	ErrScheme      = errors.New("spiffe id: scheme must be spiffe://")
	ErrTrustDomain = errors.New("spiffe id: malformed trust domain")
	ErrPath        = errors.New("spiffe id: malformed path")
	ErrTooLong     = errors.New("spiffe id: longer than 2048 bytes")
)

const (
	scheme         = "spiffe://"
	maxIDLength    = 2048
	maxTrustDomain = 255
)

// Parse validates s as a SPIFFE ID. It allocates nothing.
func Parse(s string) (ID, error) {
	if len(s) > maxIDLength {
		return ID{}, ErrTooLong
	}
	if len(s) < len(scheme) || s[:len(scheme)] != scheme {
		return ID{}, ErrScheme
	}
	rest := s[len(scheme):]
	td, path := rest, ""
	for i := 0; i < len(rest); i++ {
		if rest[i] == '/' {
			td, path = rest[:i], rest[i:]
			break
		}
	}
	if td == "" || len(td) > maxTrustDomain {
		return ID{}, ErrTrustDomain
	}
	for i := 0; i < len(td); i++ {
		if !trustDomainChar(td[i]) {
			return ID{}, ErrTrustDomain
		}
	}
	if path != "" {
		if err := checkPath(path); err != nil {
			return ID{}, err
		}
	}
	return ID{raw: s, trustDomain: td, path: path}, nil
}

// checkPath validates a non-empty path: '/'-separated, non-empty segments
// of [A-Za-z0-9._-], none "." or "..", no trailing slash.
func checkPath(p string) error {
	segStart := 1
	for i := 1; i <= len(p); i++ {
		if i < len(p) && p[i] != '/' {
			if !pathChar(p[i]) {
				return ErrPath
			}
			continue
		}
		seg := p[segStart:i]
		if seg == "" || seg == "." || seg == ".." {
			return ErrPath
		}
		segStart = i + 1
	}
	return nil
}

func trustDomainChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == '_'
}

func pathChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == '_'
}

// String returns the ID as given.
func (id ID) String() string { return id.raw }

// TrustDomain returns the trust domain ("shop.example").
func (id ID) TrustDomain() string { return id.trustDomain }

// Path returns the path ("/ns/payments/sa/payments"), possibly empty.
func (id ID) Path() string { return id.path }

// IsZero reports whether id is the zero ID (not an identity).
func (id ID) IsZero() bool { return id.raw == "" }

// Kubernetes returns the namespace and service account of an Istio-style
// ID (/ns/<namespace>/sa/<account>, exactly), and whether it is one.
func (id ID) Kubernetes() (namespace, serviceAccount string, ok bool) {
	p := id.path
	const ns, sa = "/ns/", "/sa/"
	if len(p) < len(ns) || p[:len(ns)] != ns {
		return "", "", false
	}
	p = p[len(ns):]
	for i := 0; i+len(sa) <= len(p); i++ {
		if p[i] == '/' {
			if p[i:i+len(sa)] != sa || i == 0 {
				return "", "", false
			}
			account := p[i+len(sa):]
			if account == "" {
				return "", "", false
			}
			for j := 0; j < len(account); j++ {
				if account[j] == '/' {
					return "", "", false
				}
			}
			return p[:i], account, true
		}
	}
	return "", "", false
}

// MemberOf reports whether id belongs to one of the trust domains.
func (id ID) MemberOf(trustDomains []string) bool {
	for _, td := range trustDomains {
		if id.trustDomain == td {
			return true
		}
	}
	return false
}
