package host

import "strings"

// Headers is an ordered HTTP header map as proxy-wasm sees it: lower-case
// names, pseudo-headers (":method", ":path", ":authority", ":scheme",
// ":status") first, repeated names kept as separate pairs.
type Headers [][2]string

// Get returns the values of name joined by "," (as RFC 9110 allows for a
// repeated field) and whether it is present. name is matched without
// regard to case.
func (h Headers) Get(name string) (string, bool) {
	var out string
	found := false
	for _, kv := range h {
		if strings.EqualFold(kv[0], name) {
			if found {
				out += "," + kv[1]
			} else {
				out = kv[1]
				found = true
			}
		}
	}
	return out, found
}

// first returns the first value of name, matched without regard to case.
func (h Headers) first(name string) (string, bool) {
	for _, kv := range h {
		if strings.EqualFold(kv[0], name) {
			return kv[1], true
		}
	}
	return "", false
}

// Values returns every value of name, in order.
func (h Headers) Values(name string) []string {
	var out []string
	for _, kv := range h {
		if strings.EqualFold(kv[0], name) {
			out = append(out, kv[1])
		}
	}
	return out
}

// Clone returns a copy of h that shares no backing array with it.
func (h Headers) Clone() Headers {
	if h == nil {
		return nil
	}
	return append(Headers(nil), h...)
}

func (h Headers) add(name, value string) Headers {
	return append(h, [2]string{strings.ToLower(name), value})
}

func (h Headers) remove(name string) Headers {
	out := h[:0]
	for _, kv := range h {
		if !strings.EqualFold(kv[0], name) {
			out = append(out, kv)
		}
	}
	clear(h[len(out):])
	return out
}

// replace sets name to value: the first occurrence is overwritten in place
// (keeping header order), later ones removed; absent names are appended.
func (h Headers) replace(name, value string) Headers {
	for i, kv := range h {
		if strings.EqualFold(kv[0], name) {
			h[i][1] = value
			rest := h[i+1:].remove(name)
			return h[:i+1+len(rest)]
		}
	}
	return h.add(name, value)
}

// lowerNames returns h with every name in lower case, as Envoy stores them.
func lowerNames(h Headers) Headers {
	out := make(Headers, len(h))
	for i, kv := range h {
		out[i] = [2]string{strings.ToLower(kv[0]), kv[1]}
	}
	return out
}
