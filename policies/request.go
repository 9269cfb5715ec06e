package policies

import (
	"time"
	"unsafe"
)

// Request is what a decision is made on, filled by the plugin once per
// request without building maps. Strings are not copied into the
// evaluation; Claims are the verified token payloads (JSON), read lazily.
type Request struct {
	Method string
	Path   string // normalized, without the query
	Host   string // without a port, as the match compares it
	Scheme string
	// Route is the Envoy route name (xds.route_name), read only when a
	// rule matches on routes (Uses("route")).
	Route string
	Query string
	// Headers are the request headers, lower-case names.
	Headers [][2]string

	SourceIP   string
	SourcePort int64

	// Now is when the request is decided, `now` in conditions. Left
	// zero, `now` is an evaluation error (the condition fails closed).
	Now time.Time

	User    Principal
	Service Service
	Thing   Principal

	params [maxParams][2]string // path template captures of the rule being evaluated
	nparam int

	// slots hold the claims the policy reads, filled once per decision by
	// one pass over each payload (see slots.go).
	slots  [maxSlots]slot
	filled bool

	// vars hold the variables of the macros being evaluated, one per
	// nesting level, and steps counts their iterations in this decision
	// (see macro.go).
	vars  [maxVars]value
	steps int
}

// Principal is a user or a thing.
type Principal struct {
	Authenticated bool
	Subject       string // user.sub, thing.id
	Issuer        string
	Provider      string
	Audience      []string
	Scope         []string
	Claims        []byte // JSON object
	// Memo, when set, keeps the claims a policy read from Claims across
	// decisions: a caller that decides many requests for one verified
	// token (a cached identity) points every one at the same ClaimsMemo,
	// and the payload is scanned once per policy instead of once per
	// request (inside wasm that scan costs tens of µs). It also keeps the
	// values of the subexpressions that read nothing but these claims
	// (see derive.go). It must only ever see this Claims (compared by
	// identity, not content).
	Memo *ClaimsMemo
}

// ClaimsMemo holds the claims one policy read from one payload, and the
// values it derived from them alone (see Principal.Memo): at most 32
// claims and 64 values. Its zero value is ready to use.
type ClaimsMemo struct {
	table   *slotTable
	thing   bool // read for Request.Thing, not Request.User
	payload *byte
	size    int
	slots   []slot
	// derived are the values of the subexpressions that read only these
	// claims, once evaluated (see derive.go).
	derived []derived
}

// principal is the thing when thing is set, else the user.
func (r *Request) principal(thing bool) *Principal {
	if thing {
		return &r.Thing
	}
	return &r.User
}

// Service is the calling workload.
type Service struct {
	Authenticated  bool
	ID             string
	TrustDomain    string
	Namespace      string
	ServiceAccount string
}

const maxParams = 8

func (r *Request) param(name string) (string, bool) {
	for _, p := range r.params[:r.nparam] {
		if p[0] == name {
			return p[1], true
		}
	}
	return "", false
}

// claimsView returns the payload as a string without copying: the
// evaluation only reads it, and the payload is not changed while a
// decision is made.
func claimsView(b []byte) string {
	if len(b) == 0 {
		return "{}"
	}
	return unsafe.String(&b[0], len(b))
}
