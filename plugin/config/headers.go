package config

import (
	"github.com/palisade-wasm/palisade/policies/jsonv"
)

// Headers names the headers the plugin sets on requests it lets through.
// Every one of them is first removed from the incoming request, so a
// client can never forge an identity header. An empty name turns a header
// off.
type Headers struct {
	User     string // the user's subject
	Issuer   string // the user's token issuer
	Provider string // the provider that verified the user's token
	Service  string // the calling workload's SPIFFE ID
	Thing    string // the device's id
	Decision string // the deciding rule (for audit and debugging)
	// Trace, off by default, is a response header carrying the decision
	// (decision, rule, reason) back to the client, for debugging a policy.
	// It tells a client which rule refused it: keep it off in production.
	Trace string
}

func defaultHeaders() Headers {
	return Headers{
		User:     "x-palisade-user",
		Issuer:   "x-palisade-issuer",
		Provider: "x-palisade-provider",
		Service:  "x-palisade-service",
		Thing:    "x-palisade-thing",
		Decision: "x-palisade-decision",
	}
}

// Names returns every configured header name. (Parse also keeps them in
// Config.Forgeable, with what the request path needs to test them fast.)
func (h Headers) Names() []string {
	var out []string
	for _, n := range []string{h.User, h.Issuer, h.Provider, h.Service, h.Thing, h.Decision} {
		if n != "" {
			out = append(out, n)
		}
	}
	return out
}

func parseHeaders(path string, v jsonv.Result, h *Headers) error {
	return object(path, v, func(key string, v jsonv.Result) error {
		p := join(path, key)
		var dst *string
		switch key {
		case "user":
			dst = &h.User
		case "issuer":
			dst = &h.Issuer
		case "provider":
			dst = &h.Provider
		case "service":
			dst = &h.Service
		case "thing":
			dst = &h.Thing
		case "decision":
			dst = &h.Decision
		case "trace":
			dst = &h.Trace
		default:
			return &Error{Path: p, Msg: "unknown field"}
		}
		s, err := str(p, v)
		if err != nil {
			return err
		}
		if s != "" && !headerName(s) {
			return &Error{Path: p, Msg: "must be a lower-case HTTP header name (letters, digits, '-')"}
		}
		*dst = s
		return nil
	})
}

// headerName reports whether s is a header name the plugin may set: lower
// case token characters, not a pseudo-header, not one that changes how the
// message is framed or routed.
func headerName(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	switch s {
	case "host", "content-length", "transfer-encoding", "connection", "te", "upgrade", "authorization", "cookie":
		return false
	}
	return true
}

func (h Headers) validate() error {
	seen := map[string]bool{}
	for _, n := range h.Names() {
		if seen[n] {
			return &Error{Path: "headers", Msg: "header " + n + " is used twice"}
		}
		seen[n] = true
	}
	return nil
}

// NameSet is a small set of header names built once at configuration
// time, tested per request header: a mask of the names' lengths rejects
// almost every header with one comparison, which matters in wasm, where
// each string comparison is a runtime call.
type NameSet struct {
	names   []string
	lengths uint64 // bit n set: some name has length n (names under 64 bytes)
	long    bool   // some name is 64 bytes or longer
}

// NewNameSet returns the set of names.
func NewNameSet(names []string) NameSet {
	s := NameSet{names: names}
	for _, n := range names {
		if len(n) < 64 {
			s.lengths |= 1 << len(n)
		} else {
			s.long = true
		}
	}
	return s
}

// Contains reports whether name (lower case) is in the set.
func (s NameSet) Contains(name string) bool {
	if l := len(name); l < 64 && s.lengths&(1<<l) == 0 || l >= 64 && !s.long {
		return false
	}
	for _, n := range s.names {
		if n == name {
			return true
		}
	}
	return false
}
