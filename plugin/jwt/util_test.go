package jwt_test

import (
	"crypto/rand"
	"crypto/sha256"
)

type randReader struct{}

func (randReader) Read(p []byte) (int, error) { return rand.Read(p) }

func sha256Sum(b []byte) []byte { s := sha256.Sum256(b); return s[:] }
