package jwt

import "errors"

// The categories of verification failure. Each maps to one reason code
// ([Reason]) used in WWW-Authenticate error descriptions and metrics;
// callers branch on them with errors.Is.
var (
	ErrMalformed     = errors.New("token is malformed")
	ErrTooLarge      = errors.New("token is too large")
	ErrAlgNotAllowed = errors.New("token algorithm is not allowed")
	ErrUnknownKID    = errors.New("no key matches the token")
	// ErrKeyMismatch: the token's kid names a key, but one of another type
	// or algorithm. Unlike an unknown kid, a refetch cannot help (a kid
	// names one key, RFC 7517 §4.5): no early fetch for it.
	ErrKeyMismatch    = errors.New("the key the token names does not fit its algorithm")
	ErrBadSignature   = errors.New("token signature is invalid")
	ErrExpired        = errors.New("token is expired")
	ErrNotYetValid    = errors.New("token is not valid yet")
	ErrIssuedInFuture = errors.New("token was issued in the future")
	ErrTooOld         = errors.New("token is older than the maximum age")
	ErrWrongIssuer    = errors.New("token issuer is not accepted")
	ErrWrongAudience  = errors.New("token audience is not accepted")
	ErrWrongType      = errors.New("token type is not accepted")
	ErrMissingClaim   = errors.New("token lacks a required claim")
)

// Reason returns the reason code of err: a short, stable, lower-case
// identifier that never contains any part of the token.
func Reason(err error) string {
	switch {
	case err == nil:
		return ""
	case errors.Is(err, ErrTooLarge):
		return "token_too_large"
	case errors.Is(err, ErrMalformed):
		return "token_malformed"
	case errors.Is(err, ErrAlgNotAllowed):
		return "alg_not_allowed"
	case errors.Is(err, ErrUnknownKID):
		return "unknown_kid"
	case errors.Is(err, ErrKeyMismatch):
		return "key_mismatch"
	case errors.Is(err, ErrBadSignature):
		return "bad_signature"
	case errors.Is(err, ErrExpired):
		return "expired"
	case errors.Is(err, ErrNotYetValid):
		return "not_yet_valid"
	case errors.Is(err, ErrIssuedInFuture):
		return "issued_in_future"
	case errors.Is(err, ErrTooOld):
		return "token_too_old"
	case errors.Is(err, ErrWrongIssuer):
		return "wrong_issuer"
	case errors.Is(err, ErrWrongAudience):
		return "wrong_audience"
	case errors.Is(err, ErrWrongType):
		return "wrong_type"
	case errors.Is(err, ErrMissingClaim):
		return "missing_claim"
	}
	return "token_invalid"
}

// Error is a verification failure: its category (one of the sentinels
// above, for errors.Is) and a detail that names what is wrong, never a
// value from the token.
type Error struct {
	Err    error
	Detail string
}

func (e *Error) Error() string { return e.Err.Error() + ": " + e.Detail }

// Unwrap returns the category.
func (e *Error) Unwrap() error { return e.Err }

// fail is kept out of line: inlined at its 46 calls it cost palisade.wasm
// 5 KB, for error paths.
//
//go:noinline
func fail(category error, detail string) error { return &Error{Err: category, Detail: detail} }
