package jwt

import (
	"math"
	"strconv"
	"strings"

	"github.com/buger/jsonparser"
)

// Claims are the registered claims (RFC 7519 section 4.1) plus the OAuth
// scope, read from a token's payload. Other claims stay in the payload,
// read on demand (policies read jsonv paths into Token.Payload).
type Claims struct {
	Issuer   string
	Subject  string
	ID       string
	Audience []string
	// Expiry, NotBefore and IssuedAt are NumericDates (seconds since the
	// epoch, possibly fractional); the Has flags say whether they were set.
	Expiry, NotBefore, IssuedAt          float64
	HasExpiry, HasNotBefore, HasIssuedAt bool
	// Scope is the "scope" claim split on spaces (RFC 8693 section 4.2),
	// or the "scp" claim (a string or an array of strings).
	Scope []string
}

var claimPaths = [][]string{{"iss"}, {"sub"}, {"jti"}, {"aud"}, {"exp"}, {"nbf"}, {"iat"}, {"scope"}, {"scp"}}

// parseClaims reads the registered claims. A registered claim of the
// wrong type makes the token malformed, as does a NumericDate that is not
// a finite number.
func parseClaims(payload []byte) (Claims, error) {
	var c Claims
	var err error
	str := func(name string, v []byte, typ jsonparser.ValueType) string {
		if typ != jsonparser.String {
			err = fail(ErrMalformed, name+" is not a string")
			return ""
		}
		s, e := jsonparser.ParseString(v)
		if e != nil {
			err = fail(ErrMalformed, name+" has a bad escape")
		}
		return s
	}
	date := func(name string, v []byte, typ jsonparser.ValueType) float64 {
		if typ != jsonparser.Number {
			err = fail(ErrMalformed, name+" is not a number")
			return 0
		}
		f, e := strconv.ParseFloat(string(v), 64)
		if e != nil || math.IsInf(f, 0) || math.IsNaN(f) {
			err = fail(ErrMalformed, name+" is not a finite number")
		}
		return f
	}
	strs := func(name string, v []byte, typ jsonparser.ValueType) []string {
		switch typ {
		case jsonparser.String:
			return []string{str(name, v, typ)}
		case jsonparser.Array:
			var out []string
			jsonparser.ArrayEach(v, func(e []byte, et jsonparser.ValueType, _ int, _ error) {
				out = append(out, str(name, e, et))
			})
			return out
		}
		err = fail(ErrMalformed, name+" is not a string or an array of strings")
		return nil
	}
	jsonparser.EachKey(payload, func(i int, v []byte, typ jsonparser.ValueType, _ error) {
		if err != nil {
			return
		}
		switch i {
		case 0:
			c.Issuer = str("iss", v, typ)
		case 1:
			c.Subject = str("sub", v, typ)
		case 2:
			c.ID = str("jti", v, typ)
		case 3:
			c.Audience = strs("aud", v, typ)
		case 4:
			c.Expiry, c.HasExpiry = date("exp", v, typ), true
		case 5:
			c.NotBefore, c.HasNotBefore = date("nbf", v, typ), true
		case 6:
			c.IssuedAt, c.HasIssuedAt = date("iat", v, typ), true
		case 7:
			c.Scope = strings.Fields(str("scope", v, typ))
		case 8:
			if c.Scope == nil {
				c.Scope = strs("scp", v, typ)
			}
		}
	}, claimPaths...)
	return c, err
}

// ParseClaims reads the registered claims of a payload already verified
// (a cached one, say).
func ParseClaims(payload []byte) (Claims, error) { return parseClaims(payload) }

// Unverified returns the issuer a token claims, before any verification,
// to choose among providers. The answer is trusted only once the chosen
// provider has verified the token.
func Unverified(t *Token) (issuer string) {
	v, typ, _, err := jsonparser.Get(t.Payload, "iss")
	if err != nil || typ != jsonparser.String {
		return ""
	}
	s, _ := jsonparser.ParseString(v)
	return s
}
