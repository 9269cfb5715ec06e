// Package xfcc parses the x-forwarded-client-cert header Envoy adds for
// mTLS connections (see Envoy's HTTP header manipulation documentation,
// "x-forwarded-client-cert"): comma-separated elements, one per proxy hop,
// each a semicolon-separated list of Key=Value pairs with the keys By,
// Hash, Cert, Chain, Subject, URI and DNS. A value may be double-quoted,
// and inside quotes ',', ';' and '=' are literal and '\"' is a quote.
//
// The header is only as trustworthy as the proxy that set it: the plugin
// reads it only when configured to, and otherwise removes it.
package xfcc

import (
	"errors"
	"strings"
)

// Element is one hop's client certificate description.
type Element struct {
	By      []string // the proxy's own certificate URI SANs
	Hash    string   // hex SHA-256 of the client certificate
	Cert    string   // URL-encoded PEM of the client certificate
	Chain   string   // URL-encoded PEM of the chain
	Subject string
	URI     []string // URI SANs of the client certificate
	DNS     []string // DNS SANs of the client certificate
}

// Errors of Parse.
var (
	ErrSyntax   = errors.New("xfcc: malformed header")
	ErrKey      = errors.New("xfcc: unknown key")
	ErrTooLarge = errors.New("xfcc: header too large")
)

// Limits keep a hostile header from costing unbounded work.
const (
	MaxHeaderBytes = 64 << 10
	MaxElements    = 32
)

// Parse parses a whole header value into its elements, in order (the
// first is the farthest hop, the last the nearest, as APPEND_FORWARD
// builds it).
func Parse(h string) ([]Element, error) {
	if len(h) > MaxHeaderBytes {
		return nil, ErrTooLarge
	}
	var out []Element
	p := parser{s: h}
	for {
		if len(out) == MaxElements {
			return nil, ErrTooLarge
		}
		e, err := p.element()
		if err != nil {
			return nil, err
		}
		out = append(out, e)
		if p.done() {
			return out, nil
		}
		p.i++ // the ','
	}
}

type parser struct {
	s string
	i int
}

func (p *parser) done() bool { return p.i >= len(p.s) }

func (p *parser) element() (Element, error) {
	var e Element
	seen := false
	for {
		p.skipSpace()
		key, err := p.key()
		if err != nil {
			return Element{}, err
		}
		val, err := p.value()
		if err != nil {
			return Element{}, err
		}
		switch strings.ToLower(key) {
		case "by":
			e.By = append(e.By, val)
		case "hash":
			e.Hash = val
		case "cert":
			e.Cert = val
		case "chain":
			e.Chain = val
		case "subject":
			e.Subject = val
		case "uri":
			e.URI = append(e.URI, val)
		case "dns":
			e.DNS = append(e.DNS, val)
		default:
			return Element{}, ErrKey
		}
		seen = true
		p.skipSpace()
		if p.done() || p.s[p.i] == ',' {
			if !seen {
				return Element{}, ErrSyntax
			}
			return e, nil
		}
		if p.s[p.i] != ';' {
			return Element{}, ErrSyntax
		}
		p.i++
	}
}

func (p *parser) skipSpace() {
	for p.i < len(p.s) && (p.s[p.i] == ' ' || p.s[p.i] == '\t') {
		p.i++
	}
}

func (p *parser) key() (string, error) {
	start := p.i
	for p.i < len(p.s) && p.s[p.i] != '=' {
		c := p.s[p.i]
		if c == ',' || c == ';' || c == '"' || c == ' ' {
			return "", ErrSyntax
		}
		p.i++
	}
	if p.i == start || p.done() {
		return "", ErrSyntax
	}
	k := p.s[start:p.i]
	p.i++ // '='
	return k, nil
}

func (p *parser) value() (string, error) {
	if p.i < len(p.s) && p.s[p.i] == '"' {
		p.i++
		var b strings.Builder
		for p.i < len(p.s) {
			c := p.s[p.i]
			switch c {
			case '\\':
				if p.i+1 < len(p.s) && p.s[p.i+1] == '"' {
					b.WriteByte('"')
					p.i += 2
					continue
				}
				b.WriteByte(c)
			case '"':
				p.i++
				return b.String(), nil
			default:
				if c < 0x20 || c == 0x7f {
					return "", ErrSyntax
				}
				b.WriteByte(c)
			}
			p.i++
		}
		return "", ErrSyntax // unterminated quote
	}
	start := p.i
	for p.i < len(p.s) && p.s[p.i] != ';' && p.s[p.i] != ',' {
		c := p.s[p.i]
		if c == '"' || c < 0x20 || c == 0x7f {
			return "", ErrSyntax
		}
		p.i++
	}
	return strings.TrimRight(p.s[start:p.i], " \t"), nil
}

// Pick chooses the element that describes the caller: "last" (the hop
// nearest to this proxy, what a trusted proxy in APPEND_FORWARD or
// SANITIZE_SET mode wrote) or "first" (the original client, when every
// proxy on the path is trusted).
func Pick(elems []Element, which string) (Element, bool) {
	if len(elems) == 0 {
		return Element{}, false
	}
	if which == "first" {
		return elems[0], true
	}
	return elems[len(elems)-1], true
}

// CertPEM decodes the URL-encoded (percent-encoded) Cert value.
func (e Element) CertPEM() (string, error) {
	out := make([]byte, 0, len(e.Cert))
	for i := 0; i < len(e.Cert); i++ {
		c := e.Cert[i]
		if c != '%' {
			out = append(out, c)
			continue
		}
		if i+2 >= len(e.Cert) {
			return "", ErrSyntax
		}
		h, l := unhex(e.Cert[i+1]), unhex(e.Cert[i+2])
		if h < 0 || l < 0 {
			return "", ErrSyntax
		}
		out = append(out, byte(h<<4|l))
		i += 2
	}
	return string(out), nil
}

func unhex(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10
	case c >= 'A' && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}
