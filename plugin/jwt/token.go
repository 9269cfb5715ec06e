package jwt

import (
	"encoding/base64"
	"strings"

	"github.com/buger/jsonparser"
)

// MaxTokenBytes bounds the tokens Parse reads. Real access tokens are a
// few KiB; Envoy's default request header limit is 60 KiB.
const MaxTokenBytes = 16 << 10

// Token is a parsed, not yet verified, compact JWS.
type Token struct {
	// Raw is the whole token.
	Raw string
	// Alg, KID and Typ come from the protected header.
	Alg Alg
	KID string
	Typ string
	// Payload is the decoded claims set: a JSON object, checked by
	// checkJSON. Its claims are trusted only after Verify.
	Payload []byte
	// Header is the decoded protected header, for the header members the
	// parser leaves alone (a DPoP proof's jwk); keys for ordinary tokens
	// never come from it.
	Header []byte

	signingInput string
	signature    []byte
}

var b64 = base64.RawURLEncoding.Strict()

// decode decodes one segment, refusing anything but canonical unpadded
// base64url: padding, whitespace (which the standard decoder skips) and
// non-zero trailing bits all make different strings mean the same bytes.
func decode(seg string, what string) ([]byte, error) {
	for i := 0; i < len(seg); i++ {
		c := seg[i]
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return nil, fail(ErrMalformed, what+" is not base64url")
		}
	}
	b, err := b64.DecodeString(seg)
	if err != nil {
		return nil, fail(ErrMalformed, what+" is not canonical base64url")
	}
	return b, nil
}

// parseJWS is Parse without the claims-set check: any payload.
func parseJWS(raw string) (*Token, error) {
	if len(raw) > MaxTokenBytes {
		return nil, fail(ErrTooLarge, "token exceeds the size limit")
	}
	first := strings.IndexByte(raw, '.')
	if first < 0 {
		return nil, fail(ErrMalformed, "token is not a compact JWS")
	}
	second := strings.IndexByte(raw[first+1:], '.')
	if second < 0 {
		return nil, fail(ErrMalformed, "token is not a compact JWS")
	}
	second += first + 1
	if strings.IndexByte(raw[second+1:], '.') >= 0 {
		return nil, fail(ErrMalformed, "token has more than three segments (JWE is not accepted)")
	}
	hseg, pseg, sseg := raw[:first], raw[first+1:second], raw[second+1:]
	if hseg == "" || pseg == "" {
		return nil, fail(ErrMalformed, "token has an empty segment")
	}
	header, err := decode(hseg, "header")
	if err != nil {
		return nil, err
	}
	t := &Token{Raw: raw, Header: header, signingInput: raw[:second]}
	// The header first: an unsigned token ("alg": "none", empty
	// signature) is refused for its algorithm.
	if err := t.parseHeader(header); err != nil {
		return nil, err
	}
	if sseg == "" {
		return nil, fail(ErrMalformed, "token has no signature")
	}
	if t.Payload, err = decode(pseg, "payload"); err != nil {
		return nil, err
	}
	if t.signature, err = decode(sseg, "signature"); err != nil {
		return nil, err
	}
	return t, nil
}

// Parse splits and decodes a compact JWS and checks its form: three
// segments, a protected header naming a supported algorithm, and a
// claims set that is a well-formed JSON object. It does not verify the
// signature or any claim. The work is bounded by MaxTokenBytes whatever
// the input (a token of thousands of dots fails on the first count).
func Parse(raw string) (*Token, error) {
	t, err := parseJWS(raw)
	if err != nil {
		return nil, err
	}
	if err := checkJSON(t.Payload); err != nil {
		return nil, err
	}
	return t, nil
}

// parseHeader reads the protected header (RFC 7515 section 4.1).
func (t *Token) parseHeader(h []byte) error {
	if err := checkJSON(h); err != nil {
		return err
	}
	var err error
	sawAlg := false
	jsonparser.ObjectEach(h, func(k, v []byte, typ jsonparser.ValueType, _ int) error {
		switch string(k) {
		case "alg":
			sawAlg = true
			if typ != jsonparser.String {
				err = fail(ErrMalformed, "alg is not a string")
				break
			}
			a, ok := ParseAlg(string(v))
			if !ok {
				// Includes "none" in every spelling.
				err = fail(ErrAlgNotAllowed, "alg is not a supported algorithm")
				break
			}
			t.Alg = a
		case "kid":
			if typ != jsonparser.String {
				err = fail(ErrMalformed, "kid is not a string")
				break
			}
			t.KID, err = unquote(v, typ)
		case "typ":
			if typ != jsonparser.String {
				err = fail(ErrMalformed, "typ is not a string")
				break
			}
			t.Typ, err = unquote(v, typ)
		case "crit":
			// No extension is implemented, so any critical one is unknown
			// (RFC 7515 section 4.1.11).
			err = fail(ErrMalformed, "crit names an extension this verifier does not implement")
		case "b64":
			if typ != jsonparser.Boolean || string(v) != "true" {
				err = fail(ErrMalformed, "b64 other than true (RFC 7797) is not accepted")
			}
		case "enc", "zip":
			err = fail(ErrMalformed, "JWE headers are not accepted")
		}
		// jwk, jku, x5u, x5c, x5t: keys never come from the token.
		return err
	})
	if err != nil {
		return err
	}
	if !sawAlg {
		return fail(ErrMalformed, "header has no alg")
	}
	return nil
}

// unquote returns a JSON string value with its escapes decoded.
func unquote(v []byte, typ jsonparser.ValueType) (string, error) {
	s, err := jsonparser.ParseString(v)
	if err != nil {
		return "", fail(ErrMalformed, "bad string escape")
	}
	return s, nil
}
