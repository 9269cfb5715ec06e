package filter

import (
	"github.com/palisade-wasm/palisade/plugin/internal/abi"
	"github.com/palisade-wasm/palisade/policies"
	"github.com/tetratelabs/proxy-wasm-go-sdk/proxywasm/types"
)

// answer is a local response the plugin sends instead of forwarding.
type answer struct {
	status int
	err    string // the JSON body's "error"
	reason string // the reason code: never a token, claim or header value
	// challenge, for 401, is the WWW-Authenticate error ("" when the
	// request carried no credentials: RFC 6750 section 3.1 says then to
	// send no error code).
	challenge string
	// scheme is the challenge's auth scheme: Bearer unless DPoP.
	scheme string
	// custom is a deny rule's own response, sent as configured.
	custom *policies.Response
}

func badRequest(reason string) answer { return answer{status: 400, err: "bad_request", reason: reason} }

func forbidden(reason string) answer { return answer{status: 403, err: "forbidden", reason: reason} }

func unauthorized(reason string, missing bool) answer {
	a := answer{status: 401, err: "unauthorized", reason: reason}
	if !missing {
		a.challenge = "invalid_token"
	}
	return a
}

// answer sends a as a JSON body {"error", "reason", "request_id"}. Every
// string in it is a constant code or a request id checked by safeID, so it
// is built without a JSON encoder.
func (h *httpContext) answer(a answer) types.Action {
	if c := a.custom; c != nil {
		h.logDecision("deny", c.Status, a.reason)
		headers := c.Headers
		if h.trace != "" {
			headers = append(headers[:len(headers):len(headers)], [2]string{h.cfg.Headers.Trace, h.trace})
		}
		if err := abi.SendHttpResponse(uint32(c.Status), headers, []byte(c.Body), -1); err != nil {
			h.plugin.log.error("send local response: " + err.Error())
		}
		return types.ActionPause
	}
	h.logDecision("deny", a.status, a.reason)
	r := &h.plugin.reply
	body := append(r.body[:0], `{"error":"`...)
	body = append(append(body, a.err...), `","reason":"`...)
	body = append(append(body, a.reason...), `","request_id":"`...)
	body = append(append(body, h.requestID...), `"}`...)
	headers := append(r.headers[:0], [2]string{"content-type", "application/json"}, [2]string{"cache-control", "no-store"})
	if a.status == 401 {
		scheme := a.scheme
		if scheme == "" {
			scheme = "Bearer"
		}
		v := scheme + ` realm="` + h.cfg.Realm + `"`
		if a.challenge != "" {
			v += `, error="` + a.challenge + `", error_description="` + a.reason + `"`
		}
		headers = append(headers, [2]string{"www-authenticate", v})
	}
	if h.trace != "" {
		headers = append(headers, [2]string{h.cfg.Headers.Trace, h.trace})
	}
	wire, err := abi.SendHttpResponseBuf(uint32(a.status), headers, body, -1, r.wire)
	clear(headers)
	r.body, r.headers, r.wire = body, headers[:0], wire
	if err != nil {
		h.plugin.log.error("send local response: " + err.Error())
	}
	return types.ActionPause
}

// replyStorage is storage for local responses' bodies, headers and their
// serialization, kept across requests: a denied request allocates
// nothing to say so (inside wasm an allocation costs a microsecond).
type replyStorage struct {
	body    []byte
	headers [][2]string
	wire    []byte
}

// failClosed answers the current stream with 500 when the filter cannot
// decide (no configuration, an internal error). The request never reaches
// the upstream.
func (p *pluginContext) failClosed() types.Action {
	p.metrics.failedClosed.Increment(1)
	p.metrics.decisions.inc("error", "filter_unavailable")
	body := []byte(`{"error":"internal_error","reason":"filter_unavailable"}`)
	headers := [][2]string{{"content-type", "application/json"}, {"cache-control", "no-store"}}
	if err := abi.SendHttpResponse(500, headers, body, -1); err != nil {
		p.log.error("send local response: " + err.Error())
	}
	return types.ActionPause
}
