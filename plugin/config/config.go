package config

import (
	"github.com/palisade-wasm/palisade/plugin/provider"
	"github.com/palisade-wasm/palisade/policies"
	"github.com/palisade-wasm/palisade/policies/jsonv"
)

// Config is a validated plugin configuration.
type Config struct {
	// LogLevel is the lowest level the plugin logs at. Default: info.
	LogLevel Level
	// Mode is "enforce" (default: denials are answered) or "audit"
	// (every decision is made, logged and counted, but requests pass:
	// a dry run before enforcing).
	Mode Mode
	// Realm is the realm of the WWW-Authenticate challenge. Default:
	// "palisade".
	Realm string
	// Service says where the calling workload's identity comes from.
	Service Service
	// Thing says where the device's identity comes from.
	Thing Thing
	// UserProviders and ThingProvider split Providers by role.
	UserProviders []*provider.Provider
	ThingProvider *provider.Provider
	// TokenHeaders are the header names any user provider reads tokens
	// from (cookie included when cookies are a source).
	TokenHeaders NameSet
	// Headers names the identity headers sent upstream.
	Headers Headers
	// Providers verify users' tokens, chosen by the token's issuer.
	Providers []*provider.Provider
	// RequireUser answers 401 to a request without a token. Default: true
	// when providers are configured and no policy is (fail closed); with a
	// policy, anonymous requests reach it (user.authenticated is false)
	// and its rules decide, as with Istio's AuthorizationPolicy.
	RequireUser bool
	// DecisionLog writes one JSON line per request (info level, whatever
	// log_level says): request id, method, normalized path, identities,
	// rule, decision and reason. Never a token or claim value other than
	// the subject.
	DecisionLog bool
	// Policy decides requests once identities are established; nil lets
	// every authenticated request through (identity-forwarding only).
	Policy *policies.Policy
	// Forgeable is every incoming header removed before the request goes
	// upstream: the identity headers, and x-forwarded-client-cert unless
	// a trusted proxy sets it.
	Forgeable NameSet
}

// Mode is the enforcement mode.
type Mode uint8

// The modes.
const (
	ModeEnforce Mode = iota
	ModeAudit
)

// Level is a log level, ordered as the proxy-wasm ABI orders them.
type Level uint8

// The log levels, lowest first.
const (
	LevelTrace Level = iota
	LevelDebug
	LevelInfo
	LevelWarn
	LevelError
	LevelCritical
)

var levelNames = [...]string{"trace", "debug", "info", "warn", "error", "critical"}

func (l Level) String() string {
	if int(l) < len(levelNames) {
		return levelNames[l]
	}
	return "unknown"
}

// maxDocumentBytes bounds the configuration a proxy may hand the plugin.
const maxDocumentBytes = 4 << 20

// Parse validates raw and returns the configuration it describes. An empty
// document means every default.
func Parse(raw []byte) (*Config, error) {
	c := &Config{LogLevel: LevelInfo, Realm: "palisade", Headers: defaultHeaders(), Service: defaultService()}
	if len(raw) == 0 {
		c.finish()
		return c, nil
	}
	if len(raw) > maxDocumentBytes {
		return nil, &Error{Path: "", Msg: "document is larger than 4 MiB"}
	}
	if !jsonv.ValidBytes(raw) {
		return nil, &Error{Path: "", Msg: "not valid JSON"}
	}
	doc := jsonv.ParseBytes(raw)
	requireUserSet := false
	err := object("", doc, func(key string, v jsonv.Result) error {
		switch key {
		case "log_level":
			return parseLevel("log_level", v, &c.LogLevel)
		case "mode":
			s, err := oneOf("mode", v, "enforce", "audit")
			c.Mode = Mode(s)
			return err
		case "realm":
			return parseRealm("realm", v, &c.Realm)
		case "service":
			return parseService("service", v, &c.Service)
		case "thing":
			return parseThing("thing", v, &c.Thing)
		case "headers":
			return parseHeaders("headers", v, &c.Headers)
		case "providers":
			ps, err := provider.Parse(v, "providers")
			if err != nil {
				if e, ok := err.(*provider.Error); ok {
					return &Error{Path: e.Path, Msg: e.Msg}
				}
				return err
			}
			c.Providers = ps
			return nil
		case "policy":
			pol, err := policies.Compile([]byte(v.Raw), "policy")
			if err != nil {
				return &Error{Path: "policy", Msg: "invalid:\n" + err.Error()}
			}
			c.Policy = pol
			return nil
		case "decision_log":
			b, err := boolean("decision_log", v)
			c.DecisionLog = b
			return err
		case "require_user":
			b, err := boolean("require_user", v)
			c.RequireUser, requireUserSet = b, true
			return err
		}
		return &Error{Path: key, Msg: "unknown field"}
	})
	if err != nil {
		return nil, err
	}
	if err := c.Headers.validate(); err != nil {
		return nil, err
	}
	c.UserProviders = c.Providers
	if name := c.Thing.Provider; name != "" {
		c.UserProviders = nil
		for _, p := range c.Providers {
			if p.Name == name {
				c.ThingProvider = p
			} else {
				c.UserProviders = append(c.UserProviders, p)
			}
		}
		if c.ThingProvider == nil {
			return nil, &Error{Path: "thing.provider", Msg: "names no provider in providers"}
		}
	}
	if !requireUserSet {
		c.RequireUser = len(c.UserProviders) > 0 && c.Policy == nil
	}
	var tokenHeaders []string
	for _, p := range c.UserProviders {
		for _, s := range p.Sources {
			switch s.Kind {
			case provider.FromHeader:
				tokenHeaders = append(tokenHeaders, s.Name)
			case provider.FromCookie:
				tokenHeaders = append(tokenHeaders, "cookie")
			}
		}
	}
	c.TokenHeaders = NewNameSet(tokenHeaders)
	c.finish()
	return c, nil
}

// finish derives what the request path needs from the parsed fields.
func (c *Config) finish() {
	names := c.Headers.Names()
	for _, p := range c.Providers {
		for _, ch := range p.ClaimHeaders {
			names = append(names, ch.Header)
		}
		if p.PayloadHeader != "" {
			names = append(names, p.PayloadHeader)
		}
	}
	if !c.Service.XFCC.Trusted {
		names = append(names, "x-forwarded-client-cert")
	}
	c.Forgeable = NewNameSet(names)
}

func parseLevel(path string, v jsonv.Result, l *Level) error {
	i, err := oneOf(path, v, levelNames[:]...)
	*l = Level(i)
	return err
}

func parseRealm(path string, v jsonv.Result, realm *string) error {
	s, err := str(path, v)
	if err != nil {
		return err
	}
	// The realm is quoted in WWW-Authenticate: keep it a plain token.
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' {
			return &Error{Path: path, Msg: "must be printable ASCII without quotes or backslashes"}
		}
	}
	if s == "" {
		return &Error{Path: path, Msg: "must not be empty"}
	}
	*realm = s
	return nil
}
