package host

import (
	"encoding/binary"
	"strings"
	"time"
)

// Properties are the attributes a plugin reads with proxy_get_property,
// stored in Envoy's encodings: strings as their bytes, integers as 8-byte
// little-endian, booleans as one byte, timestamps as nanoseconds since the
// epoch (8-byte little-endian), string maps serialized like header maps.
// Paths are written with dots ("connection.mtls") and travel the ABI as
// NUL-separated segments.
//
// See https://www.envoyproxy.io/docs/envoy/latest/intro/arch_overview/advanced/attributes
type Properties struct {
	m map[string][]byte
}

func (p *Properties) set(path string, v []byte) {
	if p.m == nil {
		p.m = make(map[string][]byte)
	}
	p.m[strings.ReplaceAll(path, ".", "\x00")] = v
}

// SetBytes sets path to raw bytes.
func (p *Properties) SetBytes(path string, v []byte) { p.set(path, append([]byte(nil), v...)) }

// SetString sets path to a string.
func (p *Properties) SetString(path, v string) { p.set(path, []byte(v)) }

// SetInt sets path to an integer (8-byte little-endian, as Envoy encodes
// int64 and uint64 attributes such as source.port).
func (p *Properties) SetInt(path string, v int64) {
	p.set(path, binary.LittleEndian.AppendUint64(nil, uint64(v)))
}

// SetBool sets path to a boolean (one byte, 0 or 1).
func (p *Properties) SetBool(path string, v bool) {
	b := byte(0)
	if v {
		b = 1
	}
	p.set(path, []byte{b})
}

// SetTime sets path to a timestamp (nanoseconds since the Unix epoch).
func (p *Properties) SetTime(path string, t time.Time) { p.SetInt(path, t.UnixNano()) }

// SetDuration sets path to a duration in nanoseconds.
func (p *Properties) SetDuration(path string, d time.Duration) { p.SetInt(path, int64(d)) }

// SetMap sets path to a string map, serialized as a header map.
func (p *Properties) SetMap(path string, h Headers) { p.set(path, encodeMap(nil, h)) }

// get looks up a NUL-separated path.
func (p *Properties) get(key string) ([]byte, bool) {
	v, ok := p.m[key]
	return v, ok
}

// Connection describes the downstream connection of a stream, the source
// of the source.*, destination.* and connection.* attributes.
type Connection struct {
	SourceAddress      string // "ip:port"
	SourcePort         int
	DestinationAddress string
	DestinationPort    int
	TLS                bool // connection.tls_version is set when true
	TLSVersion         string
	MTLS               bool   // a client certificate was presented and verified
	URISANPeer         string // first URI SAN of the peer certificate
	DNSSANPeer         string
	SubjectPeer        string // RFC 2253 subject of the peer certificate
	SHA256PeerDigest   string // hex SHA-256 of the peer certificate (DER)
	RequestedSNI       string
}

// Properties returns the attributes Envoy exposes for c.
func (c Connection) Properties() Properties {
	var p Properties
	if c.SourceAddress != "" {
		p.SetString("source.address", c.SourceAddress)
		p.SetInt("source.port", int64(c.SourcePort))
	}
	if c.DestinationAddress != "" {
		p.SetString("destination.address", c.DestinationAddress)
		p.SetInt("destination.port", int64(c.DestinationPort))
	}
	p.SetBool("connection.mtls", c.MTLS)
	if c.TLS {
		p.SetString("connection.tls_version", c.TLSVersion)
		if c.RequestedSNI != "" {
			p.SetString("connection.requested_server_name", c.RequestedSNI)
		}
	}
	if c.URISANPeer != "" {
		p.SetString("connection.uri_san_peer_certificate", c.URISANPeer)
	}
	if c.DNSSANPeer != "" {
		p.SetString("connection.dns_san_peer_certificate", c.DNSSANPeer)
	}
	if c.SubjectPeer != "" {
		p.SetString("connection.subject_peer_certificate", c.SubjectPeer)
	}
	if c.SHA256PeerDigest != "" {
		p.SetString("connection.sha256_peer_certificate_digest", c.SHA256PeerDigest)
	}
	return p
}

// requestProperty computes a request.* attribute from the stream's current
// request headers, so a plugin that rewrote ":path" reads the new path, as
// in Envoy.
func requestProperty(h Headers, started time.Time, key string) ([]byte, bool) {
	name, ok := strings.CutPrefix(key, "request\x00")
	if !ok {
		return nil, false
	}
	str := func(header string) ([]byte, bool) {
		v, ok := h.Get(header)
		return []byte(v), ok
	}
	switch name {
	case "path":
		return str(":path")
	case "url_path":
		v, ok := h.Get(":path")
		if i := strings.IndexByte(v, '?'); i >= 0 {
			v = v[:i]
		}
		return []byte(v), ok
	case "query":
		v, ok := h.Get(":path")
		if !ok {
			return nil, false
		}
		_, q, _ := strings.Cut(v, "?")
		return []byte(q), true
	case "host":
		return str(":authority")
	case "method":
		return str(":method")
	case "scheme":
		return str(":scheme")
	case "id":
		return str("x-request-id")
	case "referer":
		return str("referer")
	case "useragent":
		return str("user-agent")
	case "protocol":
		return []byte("HTTP/1.1"), true
	case "time":
		return binary.LittleEndian.AppendUint64(nil, uint64(started.UnixNano())), true
	case "headers":
		return encodeMap(nil, h), true
	}
	if hn, ok := strings.CutPrefix(name, "headers\x00"); ok {
		return str(hn)
	}
	return nil, false
}
