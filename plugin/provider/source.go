package provider

import (
	"strconv"
	"strings"

	"github.com/palisade-wasm/palisade/policies/jsonv"
)

// SourceKind says where a token is found.
type SourceKind uint8

// The token sources of jwt_authn.
const (
	FromHeader SourceKind = iota
	FromCookie
	FromParam
)

// Source is one place a token may be.
type Source struct {
	Kind SourceKind
	Name string // header name (lower case), cookie or query parameter name
	// Prefix, for a header, precedes the token ("Bearer "); it is matched
	// without regard to case (RFC 9110 auth schemes are case-insensitive).
	Prefix string
}

func parseSources(key string, f jsonv.Result, fp string) ([]Source, error) {
	if !f.IsArray() {
		return nil, &Error{fp, "must be an array"}
	}
	var out []Source
	var err error
	f.ForEach(func(_, e jsonv.Result) bool {
		ep := fp + "[" + strconv.Itoa(len(out)) + "]"
		switch key {
		case "from_headers":
			name := strings.ToLower(e.Get("name").String())
			if !e.IsObject() || name == "" {
				err = &Error{ep, "needs a header name"}
				return false
			}
			out = append(out, Source{Kind: FromHeader, Name: name, Prefix: e.Get("value_prefix").String()})
		case "from_cookies", "from_params":
			if e.Type != jsonv.String || e.Str == "" {
				err = &Error{ep, "must be a non-empty string"}
				return false
			}
			kind := FromCookie
			if key == "from_params" {
				kind = FromParam
			}
			out = append(out, Source{Kind: kind, Name: e.Str})
		}
		return true
	})
	return out, err
}

// Found is a token found in a request, and where.
type Found struct {
	Token  string
	Source Source
}

// Find looks for the token of a request in every source of every
// provider. headers are the request headers (lower-case names), query
// the raw query string. It returns the token, or ok false when there is
// none; a request carrying two different tokens is ambiguous and gets
// ErrTwoTokens (which token would the upstream believe?).
func Find(providers []*Provider, headers [][2]string, query string) (Found, bool, error) {
	return FindIn(providers, headers, query, nil)
}

// FindIn is Find with a prefilter: headers whose name wanted reports false
// are skipped without comparing them with every source (the plugin builds
// wanted once per configuration).
func FindIn(providers []*Provider, headers [][2]string, query string, wanted func(string) bool) (Found, bool, error) {
	var got Found
	ok := false
	add := func(tok string, s Source) error {
		if tok == "" {
			return nil
		}
		if ok && tok != got.Token {
			return ErrTwoTokens
		}
		if !ok {
			got, ok = Found{Token: tok, Source: s}, true
		}
		return nil
	}
	for _, p := range providers {
		for _, s := range p.Sources {
			switch s.Kind {
			case FromHeader:
				for _, kv := range headers {
					if kv[0] != s.Name || wanted != nil && !wanted(kv[0]) {
						continue
					}
					v := kv[1]
					if s.Prefix != "" {
						if len(v) < len(s.Prefix) || !strings.EqualFold(v[:len(s.Prefix)], s.Prefix) {
							continue
						}
						v = v[len(s.Prefix):]
					}
					if err := add(strings.TrimSpace(v), s); err != nil {
						return Found{}, false, err
					}
				}
			case FromCookie:
				for _, kv := range headers {
					if kv[0] == "cookie" && (wanted == nil || wanted(kv[0])) {
						if err := add(cookie(kv[1], s.Name), s); err != nil {
							return Found{}, false, err
						}
					}
				}
			case FromParam:
				if err := add(param(query, s.Name), s); err != nil {
					return Found{}, false, err
				}
			}
		}
	}
	return got, ok, nil
}

func cookie(header, name string) string {
	for _, part := range strings.Split(header, ";") {
		k, v, found := strings.Cut(strings.TrimSpace(part), "=")
		if found && k == name {
			return strings.Trim(v, `"`)
		}
	}
	return ""
}

// param returns a query parameter's value. Tokens are base64url and need
// no unescaping; a value with escapes is returned as is and fails to parse.
func param(query, name string) string {
	for query != "" {
		var kv string
		kv, query, _ = strings.Cut(query, "&")
		if k, v, _ := strings.Cut(kv, "="); k == name {
			return v
		}
	}
	return ""
}
