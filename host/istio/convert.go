// Package istio converts Istio security resources (RequestAuthentication
// and AuthorizationPolicy, security.istio.io/v1) into a Palisade plugin
// configuration that decides the same requests, and names everything it
// could not convert exactly.
//
// What cannot be expressed is never silently dropped. In an ALLOW rule an
// unconvertible constraint becomes false (the rule grants less, never
// more); in a DENY or AUDIT rule it becomes true (the rule denies more,
// never less). Each such case is a Note.
package istio

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// Result is a converted configuration.
type Result struct {
	// Config is the plugin configuration (JSON, indented).
	Config []byte
	// Notes say what was not converted exactly, by resource and field.
	Notes []string
}

type object struct {
	APIVersion string `yaml:"apiVersion"`
	Kind       string `yaml:"kind"`
	Metadata   struct {
		Name      string `yaml:"name"`
		Namespace string `yaml:"namespace"`
	} `yaml:"metadata"`
	Spec yaml.Node `yaml:"spec"`
}

type selector struct {
	MatchLabels map[string]string `yaml:"matchLabels"`
}

type requestAuthentication struct {
	Selector   *selector `yaml:"selector"`
	TargetRef  any       `yaml:"targetRef"`
	TargetRefs any       `yaml:"targetRefs"`
	JWTRules   []jwtRule `yaml:"jwtRules"`
}

type jwtRule struct {
	Issuer      string   `yaml:"issuer"`
	Audiences   []string `yaml:"audiences"`
	JwksURI     string   `yaml:"jwksUri"`
	Jwks        string   `yaml:"jwks"`
	FromHeaders []struct {
		Name   string `yaml:"name"`
		Prefix string `yaml:"prefix"`
	} `yaml:"fromHeaders"`
	FromParams            []string `yaml:"fromParams"`
	FromCookies           []string `yaml:"fromCookies"`
	OutputPayloadToHeader string   `yaml:"outputPayloadToHeader"`
	ForwardOriginalToken  bool     `yaml:"forwardOriginalToken"`
	OutputClaimToHeaders  []struct {
		Header string `yaml:"header"`
		Claim  string `yaml:"claim"`
	} `yaml:"outputClaimToHeaders"`
	Timeout string `yaml:"timeout"`
}

type authorizationPolicy struct {
	Selector   *selector `yaml:"selector"`
	TargetRef  any       `yaml:"targetRef"`
	TargetRefs any       `yaml:"targetRefs"`
	Action     string    `yaml:"action"`
	Provider   any       `yaml:"provider"`
	Rules      []apRule  `yaml:"rules"`
}

type apRule struct {
	From []struct {
		Source source `yaml:"source"`
	} `yaml:"from"`
	To []struct {
		Operation operation `yaml:"operation"`
	} `yaml:"to"`
	When []struct {
		Key       string   `yaml:"key"`
		Values    []string `yaml:"values"`
		NotValues []string `yaml:"notValues"`
	} `yaml:"when"`
}

type source struct {
	Principals           []string `yaml:"principals"`
	NotPrincipals        []string `yaml:"notPrincipals"`
	RequestPrincipals    []string `yaml:"requestPrincipals"`
	NotRequestPrincipals []string `yaml:"notRequestPrincipals"`
	Namespaces           []string `yaml:"namespaces"`
	NotNamespaces        []string `yaml:"notNamespaces"`
	IPBlocks             []string `yaml:"ipBlocks"`
	NotIPBlocks          []string `yaml:"notIpBlocks"`
	RemoteIPBlocks       []string `yaml:"remoteIpBlocks"`
	NotRemoteIPBlocks    []string `yaml:"notRemoteIpBlocks"`
}

type operation struct {
	Hosts      []string `yaml:"hosts"`
	NotHosts   []string `yaml:"notHosts"`
	Ports      []string `yaml:"ports"`
	NotPorts   []string `yaml:"notPorts"`
	Methods    []string `yaml:"methods"`
	NotMethods []string `yaml:"notMethods"`
	Paths      []string `yaml:"paths"`
	NotPaths   []string `yaml:"notPaths"`
}

// strict decodes a spec, refusing fields this converter does not know:
// a field it ignored could change what the resource means.
func strict(n *yaml.Node, v any) error {
	b, err := yaml.Marshal(n)
	if err != nil {
		return err
	}
	d := yaml.NewDecoder(bytes.NewReader(b))
	d.KnownFields(true)
	if err := d.Decode(v); err != nil && !errors.Is(err, io.EOF) {
		return err
	}
	return nil
}

type converter struct {
	providers    []map[string]any
	rules        []map[string]any
	anyAllow     bool
	trustDomains map[string]bool
	usesService  bool
	notes        []string
}

func (c *converter) note(format string, args ...any) {
	c.notes = append(c.notes, fmt.Sprintf(format, args...))
}

// Convert reads YAML streams of Kubernetes resources and converts the
// RequestAuthentication and AuthorizationPolicy among them; other kinds
// are noted and skipped.
func Convert(files ...[]byte) (*Result, error) {
	c := &converter{trustDomains: map[string]bool{}}
	for _, f := range files {
		d := yaml.NewDecoder(bytes.NewReader(f))
		for {
			var o object
			err := d.Decode(&o)
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				return nil, err
			}
			if o.Kind == "" {
				continue
			}
			id := o.Kind + " " + o.Metadata.Namespace + "/" + o.Metadata.Name
			if o.Metadata.Namespace == "" {
				id = o.Kind + " " + o.Metadata.Name
			}
			if !strings.HasPrefix(o.APIVersion, "security.istio.io/") {
				c.note("%s (%s): not an Istio security resource, skipped", id, o.APIVersion)
				continue
			}
			switch o.Kind {
			case "RequestAuthentication":
				var ra requestAuthentication
				if err := strict(&o.Spec, &ra); err != nil {
					return nil, fmt.Errorf("%s: %w", id, err)
				}
				c.scope(id, ra.Selector, ra.TargetRef, ra.TargetRefs)
				c.requestAuthentication(id, o.Metadata.Name, &ra)
			case "AuthorizationPolicy":
				var ap authorizationPolicy
				if err := strict(&o.Spec, &ap); err != nil {
					return nil, fmt.Errorf("%s: %w", id, err)
				}
				c.scope(id, ap.Selector, ap.TargetRef, ap.TargetRefs)
				if err := c.authorizationPolicy(id, &ap); err != nil {
					return nil, err
				}
			default:
				c.note("%s: kind not converted (only RequestAuthentication and AuthorizationPolicy are)", id)
			}
		}
	}
	return c.result()
}

// scope notes where a resource applied in Istio: a Palisade configuration
// is one WasmPlugin's, whose own selector decides the workloads.
func (c *converter) scope(id string, sel *selector, ref, refs any) {
	if sel != nil && len(sel.MatchLabels) > 0 {
		keys := make([]string, 0, len(sel.MatchLabels))
		for k, v := range sel.MatchLabels {
			keys = append(keys, k+"="+v)
		}
		sort.Strings(keys)
		c.note("%s: applied to workloads %s; give the WasmPlugin the same selector", id, strings.Join(keys, ","))
	}
	if ref != nil || refs != nil {
		c.note("%s: targetRef(s) not converted; attach the WasmPlugin to the same target", id)
	}
}

func (c *converter) requestAuthentication(id, name string, ra *requestAuthentication) {
	for i, r := range ra.JWTRules {
		fp := fmt.Sprintf("%s jwtRules[%d]", id, i)
		p := map[string]any{"name": name}
		if len(ra.JWTRules) > 1 {
			p["name"] = name + "-" + strconv.Itoa(i)
		}
		if r.Issuer != "" {
			p["issuer"] = r.Issuer
		}
		if len(r.Audiences) > 0 {
			p["audiences"] = r.Audiences
		}
		switch {
		case r.Jwks != "":
			p["local_jwks"] = r.Jwks
		case r.JwksURI != "":
			u, err := url.Parse(r.JwksURI)
			if err != nil || u.Host == "" {
				c.note("%s: jwksUri %q is not a URL; provider left without keys (every token refused)", fp, r.JwksURI)
				p["local_jwks"] = `{"keys":[]}`
				break
			}
			port := u.Port()
			if port == "" {
				port = map[string]string{"http": "80"}[u.Scheme]
				if port == "" {
					port = "443"
				}
			}
			cluster := "outbound|" + port + "||" + u.Hostname()
			path := u.EscapedPath()
			if u.RawQuery != "" {
				path += "?" + u.RawQuery
			}
			remote := map[string]any{"cluster": cluster, "path": path, "authority": u.Host}
			if d, err := time.ParseDuration(r.Timeout); err == nil && d > 0 {
				remote["timeout_seconds"] = d.Seconds()
			}
			p["remote_jwks"] = remote
			c.note("%s: keys fetched through the cluster %q; the mesh needs a ServiceEntry (and DestinationRule for TLS) for %s", fp, cluster, u.Host)
		default:
			c.note("%s: no jwks or jwksUri (Istio would use OpenID discovery); provider left without keys (every token refused)", fp)
			p["local_jwks"] = `{"keys":[]}`
		}
		if len(r.FromHeaders) == 0 && len(r.FromParams) == 0 && len(r.FromCookies) == 0 {
			// Istio's default locations.
			p["from_headers"] = []map[string]string{{"name": "authorization", "value_prefix": "Bearer "}}
			p["from_params"] = []string{"access_token"}
		} else {
			var hs []map[string]string
			for _, h := range r.FromHeaders {
				hs = append(hs, map[string]string{"name": strings.ToLower(h.Name), "value_prefix": h.Prefix})
			}
			if hs != nil {
				p["from_headers"] = hs
			}
			if len(r.FromParams) > 0 {
				p["from_params"] = r.FromParams
			}
			if len(r.FromCookies) > 0 {
				p["from_cookies"] = r.FromCookies
			}
		}
		if r.OutputPayloadToHeader != "" {
			p["forward_payload_header"] = strings.ToLower(r.OutputPayloadToHeader)
		}
		if r.ForwardOriginalToken {
			p["forward"] = true
		}
		var chs []map[string]string
		for _, ch := range r.OutputClaimToHeaders {
			chs = append(chs, map[string]string{"claim": ch.Claim, "header": strings.ToLower(ch.Header)})
		}
		if chs != nil {
			p["claim_to_headers"] = chs
		}
		// Envoy's jwt_authn accepts tokens without exp; Palisade refuses
		// them unless told otherwise. Stricter by default, and said so.
		c.note("%s: tokens without exp are refused (Istio accepts them); set require_expiration false to match", fp)
		c.providers = append(c.providers, p)
	}
}

func (c *converter) authorizationPolicy(id string, ap *authorizationPolicy) error {
	action := ap.Action
	if action == "" {
		action = "ALLOW"
	}
	switch action {
	case "ALLOW":
		c.anyAllow = true // even without rules: then nothing is allowed
	case "DENY", "AUDIT":
	case "CUSTOM":
		c.note("%s: action CUSTOM (external authorization) not converted", id)
		return nil
	default:
		return fmt.Errorf("%s: unknown action %q", id, ap.Action)
	}
	for i, r := range ap.Rules {
		ctx := &ruleCtx{c: c, id: fmt.Sprintf("%s rules[%d]", id, i), allow: action == "ALLOW"}
		cond := ctx.rule(&r)
		c.rules = append(c.rules, map[string]any{
			"name":   fmt.Sprintf("%s[%d]", strings.TrimPrefix(id, "AuthorizationPolicy "), i),
			"action": strings.ToLower(action),
			"when":   cond,
		})
	}
	return nil
}

func (c *converter) result() (*Result, error) {
	cfg := map[string]any{}
	if len(c.providers) > 0 {
		cfg["providers"] = c.providers
		cfg["require_user"] = false // Istio lets requests without a token through to the policies
	}
	if c.usesService {
		tds := []string{}
		for td := range c.trustDomains {
			tds = append(tds, td)
		}
		if len(tds) == 0 {
			tds = append(tds, "cluster.local")
		}
		sort.Strings(tds)
		cfg["service"] = map[string]any{"trust_domains": tds, "from_peer_certificate": true}
	}
	if len(c.rules) > 0 || c.anyAllow {
		def := "allow"
		if c.anyAllow {
			def = "deny" // with any ALLOW policy, what none allows is denied
		}
		rules := c.rules
		if rules == nil {
			rules = []map[string]any{}
		}
		cfg["policy"] = map[string]any{"name": "imported from Istio", "default": def, "combining": "deny-overrides", "rules": rules}
	}
	b, err := json.MarshalIndent(cfg, "", "  ")
	if err != nil {
		return nil, err
	}
	return &Result{Config: append(b, '\n'), Notes: c.notes}, nil
}
