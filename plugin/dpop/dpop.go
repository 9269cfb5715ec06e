// Package dpop verifies DPoP proofs (RFC 9449): a JWS the client signs
// for each request with a key of its own, which an access token names in
// its cnf.jkt, so that a token stolen without that key is useless.
//
// Verify checks one proof against the request it came with; Thumbprint
// is the RFC 7638 digest a bound token's cnf.jkt carries; Record keeps
// the proofs already seen, in bounded slots the plugin stores in shared
// data so that every VM of a proxy refuses a replay.
package dpop

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"strings"
	"time"

	"github.com/buger/jsonparser"
	"github.com/palisade-wasm/palisade/plugin/jwks"
	"github.com/palisade-wasm/palisade/plugin/jwt"
	"github.com/palisade-wasm/palisade/plugin/urlpath"
)

// Errors of a proof. Reason gives the short code used in responses.
var (
	ErrMissing    = errors.New("dpop proof is missing")
	ErrMalformed  = errors.New("dpop proof is malformed")
	ErrType       = errors.New("dpop proof typ is not dpop+jwt")
	ErrAlg        = errors.New("dpop proof alg is not allowed")
	ErrKey        = errors.New("dpop proof jwk is not an acceptable public key")
	ErrSignature  = errors.New("dpop proof signature does not verify")
	ErrMethod     = errors.New("dpop proof htm does not match the request method")
	ErrURL        = errors.New("dpop proof htu does not match the request URL")
	ErrTime       = errors.New("dpop proof iat is outside the accepted window")
	ErrTokenHash  = errors.New("dpop proof ath does not match the access token")
	ErrBinding    = errors.New("access token is not bound to the proof's key")
	ErrReplay     = errors.New("dpop proof was already used")
	ErrReplayFull = errors.New("dpop replay cache is full")
)

// Reason maps an error of this package to a response reason code.
func Reason(err error) string {
	switch {
	case errors.Is(err, ErrMissing):
		return "dpop_proof_missing"
	case errors.Is(err, ErrSignature):
		return "dpop_bad_signature"
	case errors.Is(err, ErrMethod), errors.Is(err, ErrURL):
		return "dpop_wrong_request"
	case errors.Is(err, ErrTime):
		return "dpop_stale"
	case errors.Is(err, ErrTokenHash):
		return "dpop_wrong_token"
	case errors.Is(err, ErrBinding):
		return "dpop_not_bound"
	case errors.Is(err, ErrReplay):
		return "dpop_replay"
	case errors.Is(err, ErrReplayFull):
		return "dpop_replay_cache_full"
	}
	return "dpop_invalid"
}

// ProofError reports whether err is about the proof itself (answered
// with error="invalid_dpop_proof"), not about the token's binding
// (error="invalid_token").
func ProofError(err error) bool {
	return !errors.Is(err, ErrMissing) && !errors.Is(err, ErrBinding)
}

// MaxJTIBytes bounds a proof's jti (RFC 9449 suggests 96 bits of
// randomness; nothing legitimate needs more than this).
const MaxJTIBytes = 256

// Request is what a proof is checked against.
type Request struct {
	// Method is the request's :method; URL the request's scheme,
	// authority and normalized path (see URL).
	Method string
	URL    string
	// AccessToken is the token presented with the proof (ath).
	AccessToken string
	// Now, MaxAge and Skew bound iat: a proof issued more than MaxAge
	// ago or more than Skew in the future is refused.
	Now    time.Time
	MaxAge time.Duration
	Skew   time.Duration
	// Algorithms are those accepted; nil means every asymmetric one.
	Algorithms []jwt.Alg
}

// Proof is a proof that passed every check.
type Proof struct {
	JTI string
	IAT time.Time
	// Thumbprint is the RFC 7638 SHA-256 thumbprint of the proof's key,
	// base64url, to compare with the token's cnf.jkt.
	Thumbprint string
}

// Verify checks a proof (the DPoP header) against the request: the form
// of a JWS, typ dpop+jwt, an allowed asymmetric alg, a public jwk in the
// header that verifies the signature, then htm, htu, iat and ath.
func Verify(proof string, r *Request) (*Proof, error) {
	t, err := jwt.Parse(proof)
	if err != nil {
		return nil, ErrMalformed
	}
	if !strings.EqualFold(t.Typ, "dpop+jwt") {
		return nil, ErrType
	}
	if !allowed(t.Alg, r.Algorithms) {
		return nil, ErrAlg
	}
	raw, typ, _, err := jsonparser.Get(t.Header, "jwk")
	if err != nil || typ != jsonparser.Object {
		return nil, ErrKey
	}
	key, err := jwks.ParseKey(raw)
	if err != nil {
		return nil, ErrKey
	}
	thumb, err := Thumbprint(raw)
	if err != nil {
		return nil, ErrKey
	}
	if !t.VerifyWith(key) {
		return nil, ErrSignature
	}
	p := &Proof{Thumbprint: thumb}
	var htm, htu, ath string
	var iat float64
	var seen [5]bool
	bad := false
	err = jsonparser.ObjectEach(t.Payload, func(k, v []byte, vt jsonparser.ValueType, _ int) error {
		field := -1
		switch string(k) {
		case "jti":
			field = 0
		case "htm":
			field = 1
		case "htu":
			field = 2
		case "ath":
			field = 3
		case "iat":
			if vt != jsonparser.Number || seen[4] {
				bad = true
				return nil
			}
			seen[4] = true
			iat, err = jsonparser.ParseFloat(v)
			bad = bad || err != nil
			return nil
		default:
			return nil
		}
		if vt != jsonparser.String || seen[field] {
			bad = true // a duplicated member is ambiguous
			return nil
		}
		seen[field] = true
		s, err := jsonparser.ParseString(v)
		if err != nil {
			bad = true
			return nil
		}
		switch field {
		case 0:
			p.JTI = s
		case 1:
			htm = s
		case 2:
			htu = s
		case 3:
			ath = s
		}
		return nil
	})
	if err != nil || bad || p.JTI == "" || len(p.JTI) > MaxJTIBytes || !seen[1] || !seen[2] || !seen[4] {
		return nil, ErrMalformed
	}
	if htm != r.Method {
		return nil, ErrMethod
	}
	if want, ok := URL(htu); !ok || want != r.URL {
		return nil, ErrURL
	}
	now := float64(r.Now.UnixNano()) / 1e9
	if iat > now+r.Skew.Seconds() || iat < now-r.MaxAge.Seconds()-r.Skew.Seconds() {
		return nil, ErrTime
	}
	p.IAT = time.Unix(0, int64(iat*1e9))
	sum := sha256.Sum256([]byte(r.AccessToken))
	want := base64.RawURLEncoding.EncodeToString(sum[:])
	if subtle.ConstantTimeCompare([]byte(ath), []byte(want)) != 1 {
		return nil, ErrTokenHash
	}
	return p, nil
}

func allowed(a jwt.Alg, algs []jwt.Alg) bool {
	if a.IsHMAC() {
		return false
	}
	if algs == nil {
		algs = jwt.Asymmetric()
	}
	for _, x := range algs {
		if x == a {
			return true
		}
	}
	return false
}

// CheckBinding compares a token's cnf.jkt with the proof's thumbprint.
func CheckBinding(jkt string, p *Proof) error {
	if jkt == "" || subtle.ConstantTimeCompare([]byte(jkt), []byte(p.Thumbprint)) != 1 {
		return ErrBinding
	}
	return nil
}

// Thumbprint returns the RFC 7638 thumbprint of a public JWK: SHA-256 of
// its required members, in lexicographic order and without whitespace,
// base64url. The members are taken as they are written (a client computes
// its thumbprint from its own JWK); only base64url values are accepted,
// so nothing needs escaping.
func Thumbprint(jwk []byte) (string, error) {
	kty, err := jsonparser.GetString(jwk, "kty")
	if err != nil {
		return "", ErrKey
	}
	var members []string
	switch kty {
	case "RSA":
		members = []string{"e", "kty", "n"}
	case "EC":
		members = []string{"crv", "kty", "x", "y"}
	case "OKP":
		members = []string{"crv", "kty", "x"}
	default:
		return "", ErrKey
	}
	var b strings.Builder
	b.WriteByte('{')
	for i, m := range members {
		v, typ, _, err := jsonparser.Get(jwk, m)
		if err != nil || typ != jsonparser.String || !plain(v) {
			return "", ErrKey
		}
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`"` + m + `":"`)
		b.Write(v)
		b.WriteByte('"')
	}
	b.WriteByte('}')
	sum := sha256.Sum256([]byte(b.String()))
	return base64.RawURLEncoding.EncodeToString(sum[:]), nil
}

// plain reports whether a JSON string's raw bytes need no escaping:
// base64url characters and the curve names' hyphen.
func plain(v []byte) bool {
	if len(v) == 0 {
		return false
	}
	for _, c := range v {
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// hostname reports whether host is a plausible authority without
// userinfo: a name or IP literal, and an optional port.
func hostname(host string) bool {
	if host == "" || host[0] == ':' {
		return false
	}
	for i := 0; i < len(host); i++ {
		c := host[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == '_' || c == ':' || c == '[' || c == ']') {
			return false
		}
	}
	return true
}

// URL normalizes an absolute http or https URL for comparison as RFC 9449
// section 4.3 asks: query and fragment dropped, scheme and host in lower
// case, the scheme's default port removed, and the path normalized as the
// plugin normalizes request paths (so a proof's htu and the request's
// :path meet in the same form). ok is false for anything else.
func URL(raw string) (string, bool) {
	if i := strings.IndexByte(raw, '#'); i >= 0 {
		raw = raw[:i]
	}
	if i := strings.IndexByte(raw, '?'); i >= 0 {
		raw = raw[:i]
	}
	i := strings.Index(raw, "://")
	if i < 0 {
		return "", false
	}
	scheme := strings.ToLower(raw[:i])
	rest := raw[i+3:]
	path := "/"
	if j := strings.IndexByte(rest, '/'); j >= 0 {
		rest, path = rest[:j], rest[j:]
	}
	return Join(scheme, rest, path)
}

// Join is URL for a request's parts: its :scheme, :authority and a path
// (already normalized or not; normalizing twice changes nothing).
func Join(scheme, authority, path string) (string, bool) {
	scheme = strings.ToLower(scheme)
	if scheme != "http" && scheme != "https" {
		return "", false
	}
	host := strings.ToLower(authority)
	if scheme == "https" {
		host = strings.TrimSuffix(host, ":443")
	} else {
		host = strings.TrimSuffix(host, ":80")
	}
	if !hostname(host) {
		return "", false
	}
	p, _, err := urlpath.Normalize(path)
	if err != nil {
		return "", false
	}
	return scheme + "://" + host + p, true
}
