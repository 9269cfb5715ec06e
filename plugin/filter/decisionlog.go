package filter

import (
	"strconv"

	"github.com/palisade-wasm/palisade/plugin/internal/abi"
	"github.com/tetratelabs/proxy-wasm-go-sdk/proxywasm/types"
)

// logDecision writes the request's decision log line when the
// configuration asks for one: decision is allow, deny or audit (audit
// mode let through what would have been denied), status the local
// answer's (0 when forwarded), reason its code. A rule in audit mode that
// would have decided adds audit_rule and audit_decision (and
// audit_reason when its condition failed to evaluate).
func (h *httpContext) logDecision(decision string, status int, reason string) {
	h.plugin.metrics.decisions.inc(decision, reason)
	if h.cfg == nil {
		return
	}
	if h.cfg.Headers.Trace != "" {
		h.trace = "decision=" + decision
		if h.rule != "" {
			h.trace += "; rule=" + h.rule
		}
		if reason != "" {
			h.trace += "; reason=" + reason
		}
	}
	if !h.cfg.DecisionLog {
		return
	}
	b := make([]byte, 0, 256)
	b = append(b, `{"request_id":`...)
	b = appendJSONString(b, h.requestID)
	b = append(b, `,"method":`...)
	b = appendJSONString(b, h.req.method)
	b = append(b, `,"path":`...)
	b = appendJSONString(b, h.path)
	if h.user != nil {
		b = append(b, `,"user":`...)
		b = appendJSONString(b, h.user.Claims.Subject)
	}
	if h.service.authenticated {
		b = append(b, `,"service":`...)
		b = appendJSONString(b, h.service.id.String())
	}
	if h.thing.authenticated {
		b = append(b, `,"thing":`...)
		b = appendJSONString(b, h.thing.id)
	}
	if h.rule != "" {
		b = append(b, `,"rule":`...)
		b = appendJSONString(b, h.rule)
	}
	b = append(b, `,"decision":"`...)
	b = append(b, decision...)
	b = append(b, '"')
	if status != 0 {
		b = append(b, `,"status":`...)
		b = strconv.AppendInt(b, int64(status), 10)
	}
	if reason != "" {
		b = append(b, `,"reason":`...)
		b = appendJSONString(b, reason)
	}
	if s := h.shadow; s.rule != "" {
		b = append(b, `,"audit_rule":`...)
		b = appendJSONString(b, s.rule)
		b = append(b, `,"audit_decision":"`...)
		b = append(b, s.decision...)
		b = append(b, '"')
		if s.reason != "rule" {
			b = append(b, `,"audit_reason":`...)
			b = appendJSONString(b, s.reason)
		}
	}
	b = append(b, '}')
	abi.LogInfo(string(b))
}

// OnHttpResponseHeaders sets the trace header, when configured, on the
// upstream's response (replacing any the upstream sent: only the plugin
// speaks for its decisions).
func (h *httpContext) OnHttpResponseHeaders(int, bool) types.Action {
	if h.cfg != nil && h.cfg.Headers.Trace != "" {
		var err error
		if h.trace != "" {
			err = abi.ReplaceHttpResponseHeader(h.cfg.Headers.Trace, h.trace)
		} else {
			err = abi.RemoveHttpResponseHeader(h.cfg.Headers.Trace)
		}
		if err != nil {
			h.plugin.log.warn("set trace header: " + err.Error())
		}
	}
	return types.ActionContinue
}

// appendJSONString appends s as a JSON string: quotes, backslashes and
// control characters escaped, other bytes as they are (values reaching
// here are valid UTF-8: headers are checked, tokens verified).
// appendJSONString is kept out of line: inlined at its 11 calls it cost
// palisade.wasm 12 KB.
//
//go:noinline
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			b = append(b, '\\', c)
		case c < 0x20:
			b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
		default:
			b = append(b, c)
		}
	}
	return append(b, '"')
}
