package main

import (
	"crypto"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/palisade-wasm/palisade/host/demo"
	"github.com/palisade-wasm/palisade/plugin/config"
	"github.com/palisade-wasm/palisade/plugin/jwt"
	"github.com/palisade-wasm/palisade/plugin/provider"
)

func init() {
	commands["token"] = command{
		summary: "verify a token as the plugin would (token verify), or mint one for tests and demos (token sign, token jwks)",
		run:     runToken,
	}
}

func runToken(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprintln(stderr, "usage: palisade token verify|sign|jwks [flags]")
		return 2
	}
	switch args[0] {
	case "verify":
		return tokenVerify(args[1:], stdout, stderr)
	case "sign":
		return tokenSign(args[1:], stdout, stderr)
	case "jwks":
		return tokenJWKS(args[1:], stdout, stderr)
	}
	fmt.Fprintf(stderr, "palisade token: unknown subcommand %q (verify, sign, jwks)\n", args[0])
	return 2
}

// tokenVerify runs the plugin's own verification (the same Go packages)
// on a token: "valid" with the provider and claims, or "invalid: <reason
// code>", exit status 0 or 1. Remote key sets are not fetched, nor OIDC
// discovery documents read: give the keys with -jwks.
func tokenVerify(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("token verify", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfgPath := fs.String("config", "", "plugin configuration (JSON) whose providers verify the token")
	name := fs.String("provider", "", "use this provider instead of choosing by issuer")
	nowFlag := fs.Int64("now", 0, "verify as of this Unix time (default: now)")
	jwksPath := fs.String("jwks", "", "key set (JSON) for a provider with remote_jwks (discovery included: nothing is fetched)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: palisade token verify --config FILE [--provider NAME] [--now UNIX_SECONDS] [--jwks FILE] TOKEN")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() != 1 || *cfgPath == "" {
		fs.Usage()
		return 2
	}
	raw, err := os.ReadFile(*cfgPath)
	if err != nil {
		fmt.Fprintf(stderr, "palisade token verify: %v\n", err)
		return 2
	}
	cfg, err := config.Parse(raw)
	if err != nil {
		fmt.Fprintf(stderr, "palisade token verify: %v\n", err)
		return 2
	}
	now := time.Now()
	if *nowFlag != 0 {
		now = time.Unix(*nowFlag, 0)
	}
	tok, err := jwt.Parse(fs.Arg(0))
	if err != nil {
		fmt.Fprintf(stdout, "invalid: %s\n", provider.Reason(err))
		return 1
	}
	var p *provider.Provider
	if *name != "" {
		for _, c := range cfg.Providers {
			if c.Name == *name {
				p = c
			}
		}
		if p == nil {
			fmt.Fprintf(stderr, "palisade token verify: no provider named %q\n", *name)
			return 2
		}
	} else if p, err = provider.Choose(cfg.Providers, tok); err != nil {
		fmt.Fprintf(stdout, "invalid: %s\n", provider.Reason(err))
		return 1
	}
	var keys jwt.KeySet
	if *jwksPath != "" {
		doc, err := os.ReadFile(*jwksPath)
		if err != nil {
			fmt.Fprintf(stderr, "palisade token verify: %v\n", err)
			return 2
		}
		r := provider.NewRemote(&provider.RemoteConfig{CacheDuration: time.Hour, MaxStaleness: time.Hour})
		if err := r.Fetched(doc, now); err != nil {
			fmt.Fprintf(stderr, "palisade token verify: %s: %v\n", *jwksPath, err)
			return 2
		}
		keys = r.Keys(now)
	}
	id, err := p.Verify(tok, keys, now)
	if err != nil {
		fmt.Fprintf(stdout, "invalid: %s\n", provider.Reason(err))
		return 1
	}
	var claims any
	json.Unmarshal(id.Payload, &claims)
	pretty, _ := json.MarshalIndent(claims, "", "  ")
	fmt.Fprintf(stdout, "valid\nprovider: %s\nclaims: %s\n", p.Name, pretty)
	return 0
}

type claimFlags map[string]any

func (c claimFlags) String() string { return "" }

func (c claimFlags) Set(s string) error {
	k, v, ok := cut(s, "=")
	if !ok {
		return fmt.Errorf("want name=value")
	}
	var j any
	if json.Unmarshal([]byte(v), &j) == nil {
		c[k] = j
	} else {
		c[k] = v
	}
	return nil
}

func cut(s, sep string) (string, string, bool) {
	for i := 0; i+len(sep) <= len(s); i++ {
		if s[i:i+len(sep)] == sep {
			return s[:i], s[i+len(sep):], true
		}
	}
	return s, "", false
}

func loadSigner(path string) (crypto.Signer, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	block, _ := pem.Decode(b)
	if block == nil {
		return nil, fmt.Errorf("%s: no PEM block", path)
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	s, ok := k.(crypto.Signer)
	if !ok {
		return nil, fmt.Errorf("%s: not a signing key", path)
	}
	return s, nil
}

// tokenSign mints a token: for tests, demos and debugging, never for
// production identity.
func tokenSign(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("token sign", flag.ContinueOnError)
	fs.SetOutput(stderr)
	keyPath := fs.String("key", "", "PKCS#8 PEM private key (RSA, P-256/384/521 or Ed25519)")
	kid := fs.String("kid", "", "key id")
	iss := fs.String("iss", "", "issuer")
	sub := fs.String("sub", "", "subject")
	aud := fs.String("aud", "", "audience")
	ttl := fs.Duration("ttl", time.Hour, "lifetime (exp = now + ttl; negative for an expired token)")
	claims := claimFlags{}
	fs.Var(claims, "claim", "extra claim name=value (value parsed as JSON when it is); repeatable")
	claimsJSON := fs.String("claims", "", "a JSON object of claims (iat and exp are set from -ttl unless given; -iss, -sub, -aud and -claim override)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *keyPath == "" || fs.NArg() != 0 {
		fmt.Fprintln(stderr, "usage: palisade token sign -key FILE [-kid K] [-claims JSON] [-iss I] [-sub S] [-aud A] [-ttl D] [-claim k=v]...")
		return 2
	}
	var base map[string]any
	if *claimsJSON != "" {
		if err := json.Unmarshal([]byte(*claimsJSON), &base); err != nil || base == nil {
			fmt.Fprintln(stderr, "palisade token sign: -claims: must be a JSON object")
			return 2
		}
	}
	key, err := loadSigner(*keyPath)
	if err != nil {
		fmt.Fprintf(stderr, "palisade token sign: %v\n", err)
		return 1
	}
	now := time.Now()
	for k, v := range map[string]any{"iat": now.Unix(), "exp": now.Add(*ttl).Unix()} {
		if _, ok := base[k]; !ok {
			base = setClaim(base, k, v)
		}
	}
	for k, v := range claims {
		base = setClaim(base, k, v)
	}
	claims = base
	for k, v := range map[string]string{"iss": *iss, "sub": *sub, "aud": *aud} {
		if v != "" {
			claims[k] = v
		}
	}
	tok, err := demo.Sign(key, *kid, claims)
	if err != nil {
		fmt.Fprintf(stderr, "palisade token sign: %v\n", err)
		return 1
	}
	fmt.Fprintln(stdout, tok)
	return 0
}

func setClaim(m map[string]any, k string, v any) map[string]any {
	if m == nil {
		m = map[string]any{}
	}
	m[k] = v
	return m
}

// tokenJWKS prints the public JWKS of a private key, for a demo or a
// test identity provider.
func tokenJWKS(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("token jwks", flag.ContinueOnError)
	fs.SetOutput(stderr)
	keyPath := fs.String("key", "", "PKCS#8 PEM private key")
	kid := fs.String("kid", "", "key id")
	if err := fs.Parse(args); err != nil || *keyPath == "" {
		fmt.Fprintln(stderr, "usage: palisade token jwks -key FILE [-kid K]")
		return 2
	}
	key, err := loadSigner(*keyPath)
	if err != nil {
		fmt.Fprintf(stderr, "palisade token jwks: %v\n", err)
		return 1
	}
	jwk, err := demo.JWK(key.Public(), *kid)
	if err != nil {
		fmt.Fprintf(stderr, "palisade token jwks: %v\n", err)
		return 1
	}
	out, _ := json.MarshalIndent(map[string]any{"keys": []any{jwk}}, "", "  ")
	fmt.Fprintln(stdout, string(out))
	return 0
}
