package jwt

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/hmac"
	"crypto/rsa"
	"math/big"
)

// VerifyWith reports whether k verifies t's signature: k must fit t's
// algorithm (type, curve, alg, use and key_ops), and HMAC is never
// verified this way. For keys a token brings itself (a DPoP proof's jwk),
// whose trust comes from elsewhere.
func (t *Token) VerifyWith(k *Key) bool {
	return k != nil && !t.Alg.IsHMAC() && k.fits(t.Alg) && t.verifySignature(k)
}

// verifySignature checks the token's signature with key k (which fits the
// token's algorithm).
func (t *Token) verifySignature(k *Key) bool {
	msg := []byte(t.signingInput)
	switch pub := k.Public.(type) {
	case *rsa.PublicKey:
		h := t.Alg.hash().New()
		h.Write(msg)
		digest := h.Sum(nil)
		if t.Alg >= PS256 {
			return rsa.VerifyPSS(pub, t.Alg.hash(), digest, t.signature, &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash}) == nil
		}
		return rsa.VerifyPKCS1v15(pub, t.Alg.hash(), digest, t.signature) == nil
	case *ecdsa.PublicKey:
		// RFC 7518 section 3.4: R and S as fixed-size big-endian
		// integers, concatenated; a DER-encoded signature has another
		// length and fails here.
		size := (pub.Curve.Params().BitSize + 7) / 8
		if len(t.signature) != 2*size {
			return false
		}
		r := new(big.Int).SetBytes(t.signature[:size])
		s := new(big.Int).SetBytes(t.signature[size:])
		h := t.Alg.hash().New()
		h.Write(msg)
		// ecdsa.Verify refuses r or s outside [1, N-1], so r = s = 0
		// (CVE-2022-21449 in another runtime) never verifies.
		return ecdsa.Verify(pub, h.Sum(nil), r, s)
	case ed25519.PublicKey:
		return len(t.signature) == ed25519.SignatureSize && ed25519.Verify(pub, msg, t.signature)
	}
	return false
}

// verifyHMAC checks an HS* signature against a configured secret.
func (t *Token) verifyHMAC(secret []byte) bool {
	mac := hmac.New(t.Alg.hash().New, secret)
	mac.Write([]byte(t.signingInput))
	return hmac.Equal(mac.Sum(nil), t.signature)
}
