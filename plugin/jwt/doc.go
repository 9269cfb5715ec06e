// Package jwt verifies JSON Web Tokens in compact JWS serialization
// (RFC 7519, RFC 7515) the way a security filter at a service edge must:
// strictly, with bounded work on hostile input, and following the JSON Web
// Token Best Current Practices (RFC 8725).
//
// Supported algorithms: RS256/384/512 and PS256/384/512 (RSA keys of 2048
// bits or more), ES256/384/512 (raw r||s signatures, RFC 7518 section
// 3.4), EdDSA with Ed25519 (RFC 8037), HS256/384/512 (only with a secret
// the configuration gives, never with a public key).
//
// Refused, each with its own error: "none" in any spelling, unknown
// algorithms, a "crit" header (no extension is implemented), "b64": false,
// JWE and any other segment count, duplicate header or claim names,
// non-canonical base64url, JSON nested deeper than [MaxDepth], tokens over
// [MaxTokenBytes]. Keys never come from the token: "jwk", "jku", "x5u" and
// "x5c" are ignored as key sources.
//
// Parsing uses jsonparser, not encoding/json: no reflection, few
// allocations, and it runs inside palisade.wasm.
package jwt
