package provider

import (
	"encoding/base64"
	"strconv"
	"strings"
	"time"

	"github.com/palisade-wasm/palisade/plugin/jwks"
	"github.com/palisade-wasm/palisade/plugin/jwt"
	"github.com/palisade-wasm/palisade/policies/jsonv"
)

// Provider is one token issuer and how its tokens are found and checked.
type Provider struct {
	Name     string
	Verifier jwt.Verifier
	// Local is the inline key set (local_jwks); Remote, the fetched one.
	Local  *jwks.Set
	Remote *RemoteConfig
	// Introspection, when set, checks opaque tokens (RFC 7662).
	Introspection *Introspection
	// Sources are where the token may be; the default is the Authorization
	// header with the Bearer scheme.
	Sources []Source
	// Forward keeps the token in the request sent upstream; by default the
	// header or parameter that carried it is removed.
	Forward bool
	// ClaimHeaders copies claims into upstream headers (arrays as JSON).
	ClaimHeaders []ClaimHeader
	// PayloadHeader, when set, receives the verified payload, base64url.
	PayloadHeader string
	// CertificateBound is how RFC 8705 certificate-bound tokens are
	// treated: BindingOptional (the default) checks a token's cnf
	// x5t#S256 when it has one, BindingRequired refuses tokens without
	// one, BindingIgnored never checks (only for proxies behind which
	// the client certificate is not visible).
	CertificateBound Binding
	// DPoP is how RFC 9449 proof-of-possession tokens are treated.
	DPoP DPoP

	// discoveryOrigins holds remote_jwks.discovery.jwks_clusters while
	// the provider is parsed: they are checked once the issuer is known.
	discoveryOrigins []jsonv.Result
}

// DPoP configures a provider's DPoP checks. In DPoPOptional (the default)
// a token may come with the DPoP scheme and a proof, or as a plain bearer
// token when it is not bound (no cnf.jkt); DPoPRequired accepts only
// bound tokens with a proof; DPoPDisabled ignores DPoP altogether.
type DPoP struct {
	Mode DPoPMode
	// MaxAge bounds a proof's age (iat); proofs are refused as replays
	// within it. The provider's clock skew applies too.
	MaxAge time.Duration
	// Algorithms accepted for proofs; nil means every asymmetric one.
	Algorithms []jwt.Alg
}

// DPoPMode is a provider's DPoP mode.
type DPoPMode uint8

// The DPoP modes.
const (
	DPoPOptional DPoPMode = iota
	DPoPRequired
	DPoPDisabled
)

// DefaultDPoPMaxAge is a proof's default lifetime.
const DefaultDPoPMaxAge = 60 * time.Second

// dpopSource is where a DPoP-bound token is sent (RFC 9449 section 7.1).
var dpopSource = Source{Kind: FromHeader, Name: "authorization", Prefix: "DPoP "}

// Binding is a provider's certificate-binding mode.
type Binding uint8

// The binding modes.
const (
	BindingOptional Binding = iota
	BindingRequired
	BindingIgnored
)

// ClaimHeader copies one claim (a path into the payload, see
// jsonv.CheckPath: "email", "realm_access.roles", "https://example\.com/roles")
// into a header.
type ClaimHeader struct {
	Claim  string
	Header string
}

// RemoteConfig fetches a JWKS through a cluster, as jwt_authn's
// remote_jwks does; the fetching itself is the filter's (dispatch_http_call).
type RemoteConfig struct {
	Cluster   string
	Path      string
	Authority string
	Timeout   time.Duration
	// CacheDuration is how long fetched keys are used before a refresh.
	CacheDuration time.Duration
	// RefetchInterval bounds how often an unknown kid may trigger a fetch
	// (Envoy never refetches on an unknown kid, so key rotation breaks
	// logins there until the cache expires: envoyproxy/envoy#39643).
	RefetchInterval time.Duration
	// MaxStaleness is how long the last good keys stay in use while
	// fetches fail; after it, tokens are refused with jwks_unavailable.
	MaxStaleness time.Duration
	// Discovery, when set, finds the key set through the issuer's OpenID
	// Connect discovery document, fetched from Cluster (Path and Authority
	// are then unused); the document is refreshed on the key set's
	// schedule.
	Discovery *Discovery
}

// Error is a configuration error with the JSON path of the field.
type Error struct {
	Path string
	Msg  string
}

func (e *Error) Error() string { return e.Path + ": " + e.Msg }

// Parse reads the "providers" array of the plugin configuration. path is
// the array's path in the document ("providers"), for error messages.
func Parse(v jsonv.Result, path string) ([]*Provider, error) {
	if !v.IsArray() {
		return nil, &Error{path, "must be an array of providers"}
	}
	var out []*Provider
	names := map[string]bool{}
	var err error
	v.ForEach(func(_, pv jsonv.Result) bool {
		p := path + "[" + strconv.Itoa(len(out)) + "]"
		var pr *Provider
		if pr, err = parseProvider(pv, p); err != nil {
			return false
		}
		if names[pr.Name] {
			err = &Error{p + ".name", "provider " + strconv.Quote(pr.Name) + " is defined twice"}
			return false
		}
		names[pr.Name] = true
		out = append(out, pr)
		return true
	})
	return out, err
}

func parseProvider(v jsonv.Result, path string) (*Provider, error) {
	if !v.IsObject() {
		return nil, &Error{path, "must be an object"}
	}
	p := &Provider{Verifier: jwt.Verifier{ClockSkew: 60 * time.Second, RequireExpiry: true}}
	var err error
	seen := map[string]bool{}
	v.ForEach(func(k, f jsonv.Result) bool {
		key := k.String()
		fp := path + "." + key
		if seen[key] {
			err = &Error{fp, "appears more than once"}
			return false
		}
		seen[key] = true
		err = p.field(key, fp, f)
		return err == nil
	})
	if err != nil {
		return nil, err
	}
	switch {
	case p.Name == "":
		return nil, &Error{path + ".name", "is required"}
	case p.Local == nil && p.Remote == nil && p.Verifier.Secret == nil && p.Introspection == nil:
		return nil, &Error{path, "needs local_jwks, remote_jwks, secret or introspection"}
	case p.Local != nil && p.Remote != nil:
		return nil, &Error{path, "local_jwks and remote_jwks are exclusive"}
	}
	if p.Remote != nil && p.Remote.Discovery != nil {
		if err := p.Remote.Discovery.finish(p.Verifier.Issuer, p.Remote.Cluster, p.discoveryOrigins, path+".remote_jwks", path+".issuer"); err != nil {
			return nil, err
		}
		p.discoveryOrigins = nil
	}
	if p.Local != nil {
		p.Verifier.Keys = p.Local
	}
	if len(p.Sources) == 0 {
		p.Sources = []Source{{Kind: FromHeader, Name: "authorization", Prefix: "Bearer "}}
	}
	if p.DPoP.MaxAge == 0 {
		p.DPoP.MaxAge = DefaultDPoPMaxAge
	}
	if p.DPoP.Mode != DPoPDisabled && !p.hasSource(dpopSource) {
		p.Sources = append(p.Sources, dpopSource)
	}
	return p, nil
}

func (p *Provider) field(key, fp string, f jsonv.Result) error {
	str := func() (string, error) {
		if f.Type != jsonv.String {
			return "", &Error{fp, "must be a string"}
		}
		return f.Str, nil
	}
	seconds := func() (time.Duration, error) {
		if f.Type != jsonv.Number || f.Num < 0 || f.Num > 1e9 {
			return 0, &Error{fp, "must be a number of seconds"}
		}
		return time.Duration(f.Num * float64(time.Second)), nil
	}
	var err error
	switch key {
	case "name":
		p.Name, err = str()
	case "issuer":
		p.Verifier.Issuer, err = str()
	case "audiences":
		p.Verifier.Audiences, err = strList(f, fp)
	case "algorithms":
		p.Verifier.Algorithms, err = parseAlgs(f, fp, false)
	case "local_jwks":
		doc := f.Raw
		if f.Type == jsonv.String {
			doc = f.Str
		}
		set, perr := jwks.Parse([]byte(doc))
		if perr != nil {
			return &Error{fp, perr.Error()}
		}
		p.Local = set
	case "remote_jwks":
		p.Remote, p.discoveryOrigins, err = parseRemote(f, fp)
	case "introspection":
		p.Introspection, err = parseIntrospection(f, fp)
	case "secret":
		s, serr := str()
		if serr != nil {
			return serr
		}
		b, derr := base64.StdEncoding.DecodeString(s)
		if derr != nil || len(b) < 32 {
			return &Error{fp, "must be base64 of at least 32 bytes"}
		}
		p.Verifier.Secret = b
	case "from_headers", "from_cookies", "from_params":
		var srcs []Source
		if srcs, err = parseSources(key, f, fp); err == nil {
			p.Sources = append(p.Sources, srcs...)
		}
	case "forward":
		if f.Type != jsonv.True && f.Type != jsonv.False {
			return &Error{fp, "must be true or false"}
		}
		p.Forward = f.Bool()
	case "claim_to_headers":
		p.ClaimHeaders, err = parseClaimHeaders(f, fp)
	case "forward_payload_header":
		p.PayloadHeader, err = str()
	case "clock_skew_seconds":
		p.Verifier.ClockSkew, err = seconds()
	case "max_age_seconds":
		p.Verifier.MaxAge, err = seconds()
	case "require_expiration":
		if f.Type != jsonv.True && f.Type != jsonv.False {
			return &Error{fp, "must be true or false"}
		}
		p.Verifier.RequireExpiry = f.Bool()
	case "typ":
		p.Verifier.Typ, err = str()
	case "certificate_bound":
		var i int
		i, err = oneOf(f, fp, "optional", "required", "ignored")
		p.CertificateBound = Binding(i) // the constants are in this order
	case "dpop":
		err = p.DPoP.parse(f, fp)
	default:
		return &Error{fp, "unknown field"}
	}
	return err
}

// oneOf reads a string that must be one of names, and returns its index.
func oneOf(f jsonv.Result, fp string, names ...string) (int, error) {
	for i, n := range names {
		if f.Type == jsonv.String && f.Str == n {
			return i, nil
		}
	}
	return 0, &Error{fp, "must be one of " + strings.Join(names, ", ")}
}

// parseAlgs reads a list of algorithm names; asymmetric refuses HMAC.
func parseAlgs(f jsonv.Result, fp string, asymmetric bool) ([]jwt.Alg, error) {
	names, err := strList(f, fp)
	if err != nil {
		return nil, err
	}
	var algs []jwt.Alg
	for i, n := range names {
		a, ok := jwt.ParseAlg(n)
		if !ok || asymmetric && a.IsHMAC() {
			return nil, &Error{fp + "[" + strconv.Itoa(i) + "]", "is not a supported algorithm"}
		}
		algs = append(algs, a)
	}
	return algs, nil
}

func (p *Provider) hasSource(s Source) bool {
	for _, x := range p.Sources {
		if x.Kind == s.Kind && x.Name == s.Name && strings.EqualFold(x.Prefix, s.Prefix) {
			return true
		}
	}
	return false
}

func (d *DPoP) parse(f jsonv.Result, fp string) error {
	if !f.IsObject() {
		return &Error{fp, "must be an object"}
	}
	var err error
	f.ForEach(func(k, v jsonv.Result) bool {
		kp := fp + "." + k.Str
		switch k.Str {
		case "mode":
			var i int
			i, err = oneOf(v, kp, "optional", "required", "disabled")
			d.Mode = DPoPMode(i) // the constants are in this order
		case "max_age_seconds":
			if v.Type != jsonv.Number || v.Num < 1 || v.Num > 3600 {
				err = &Error{kp, "must be a number of seconds from 1 to 3600"}
				break
			}
			d.MaxAge = time.Duration(v.Num * float64(time.Second))
		case "algorithms":
			d.Algorithms, err = parseAlgs(v, kp, true)
		default:
			err = &Error{kp, "unknown field"}
		}
		return err == nil
	})
	return err
}

func strList(f jsonv.Result, fp string) ([]string, error) {
	if !f.IsArray() {
		return nil, &Error{fp, "must be an array of strings"}
	}
	var out []string
	var err error
	f.ForEach(func(_, e jsonv.Result) bool {
		if e.Type != jsonv.String || e.Str == "" {
			err = &Error{fp + "[" + strconv.Itoa(len(out)) + "]", "must be a non-empty string"}
			return false
		}
		out = append(out, e.Str)
		return true
	})
	return out, err
}

func parseRemote(f jsonv.Result, fp string) (*RemoteConfig, []jsonv.Result, error) {
	if !f.IsObject() {
		return nil, nil, &Error{fp, "must be an object"}
	}
	r := &RemoteConfig{Timeout: 5 * time.Second, CacheDuration: 5 * time.Minute, RefetchInterval: 30 * time.Second, MaxStaleness: 24 * time.Hour}
	var origins []jsonv.Result
	var err error
	var hasPath, hasAuthority bool
	f.ForEach(func(k, v jsonv.Result) bool {
		kp := fp + "." + k.String()
		secs := func(d *time.Duration) {
			if v.Type != jsonv.Number || v.Num <= 0 || v.Num > 1e7 {
				err = &Error{kp, "must be a positive number of seconds"}
				return
			}
			*d = time.Duration(v.Num * float64(time.Second))
		}
		switch k.String() {
		case "cluster":
			r.Cluster = v.String()
		case "path":
			r.Path, hasPath = v.String(), true
		case "authority":
			r.Authority, hasAuthority = v.String(), true
		case "discovery":
			r.Discovery, origins, err = parseDiscovery(v, kp)
		case "timeout_seconds":
			secs(&r.Timeout)
		case "cache_duration_seconds":
			secs(&r.CacheDuration)
		case "refetch_interval_seconds":
			secs(&r.RefetchInterval)
		case "max_staleness_seconds":
			secs(&r.MaxStaleness)
		default:
			err = &Error{kp, "unknown field"}
		}
		return err == nil
	})
	switch {
	case err != nil:
		return nil, nil, err
	case r.Cluster == "":
		return nil, nil, &Error{fp + ".cluster", "is required"}
	case r.Discovery != nil && hasPath:
		return nil, nil, &Error{fp + ".path", "is not allowed with discovery (the discovery document names the key set)"}
	case r.Discovery != nil && hasAuthority:
		return nil, nil, &Error{fp + ".authority", "is not allowed with discovery (the issuer's and the jwks_uri's hosts are used)"}
	case r.Discovery == nil && !strings.HasPrefix(r.Path, "/"):
		return nil, nil, &Error{fp + ".path", "must be a path starting with /"}
	}
	if r.Authority == "" && r.Discovery == nil {
		r.Authority = r.Cluster
	}
	return r, origins, nil
}

func parseClaimHeaders(f jsonv.Result, fp string) ([]ClaimHeader, error) {
	if !f.IsArray() {
		return nil, &Error{fp, "must be an array of {claim, header}"}
	}
	var out []ClaimHeader
	var err error
	f.ForEach(func(_, e jsonv.Result) bool {
		ep := fp + "[" + strconv.Itoa(len(out)) + "]"
		c, h := e.Get("claim").String(), strings.ToLower(e.Get("header").String())
		if !e.IsObject() || c == "" || h == "" {
			err = &Error{ep, "needs claim and header"}
			return false
		}
		// gjson read more syntax in claim paths (wildcards, queries,
		// modifiers); a path using it must fail here, not find nothing
		// on every request.
		if perr := jsonv.CheckPath(c); perr != nil {
			err = &Error{ep + ".claim", "is not a supported claim path: " + perr.Error()}
			return false
		}
		out = append(out, ClaimHeader{Claim: c, Header: h})
		return true
	})
	return out, err
}
