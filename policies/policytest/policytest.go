// Package policytest reads policy documents written in YAML for people,
// and test case files, for `palisade policy check|test|explain`. It runs
// on the host side only (the plugin reads the JSON form).
package policytest

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/palisade-wasm/palisade/policies"
	"gopkg.in/yaml.v3"
)

// LoadPolicy compiles a policy document, YAML or JSON.
func LoadPolicy(path string) (*policies.Policy, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	doc, err := toJSON(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	p, err := policies.Compile(doc, "policy")
	if err != nil {
		return nil, fmt.Errorf("%s:\n%w", path, err)
	}
	return p, nil
}

// toJSON turns a YAML (or JSON) document into JSON.
func toJSON(b []byte) ([]byte, error) {
	var v any
	if err := yaml.Unmarshal(b, &v); err != nil {
		return nil, err
	}
	return json.Marshal(v)
}

// File is a test case file: a policy and cases.
type File struct {
	Policy string `yaml:"policy"` // relative to the file
	Cases  []Case `yaml:"cases"`
}

// Case is one request with its identities and the decision expected.
type Case struct {
	Name    string         `yaml:"name"`
	Request RequestSpec    `yaml:"request"`
	User    *PrincipalSpec `yaml:"user"`
	Service *ServiceSpec   `yaml:"service"`
	Thing   *PrincipalSpec `yaml:"thing"`
	Expect  Expect         `yaml:"expect"`
}

// RequestSpec is the request part of a case.
type RequestSpec struct {
	Method  string            `yaml:"method"`
	Path    string            `yaml:"path"`
	Host    string            `yaml:"host"`
	Query   string            `yaml:"query"`
	Headers map[string]string `yaml:"headers"`
	Source  string            `yaml:"source"` // ip
	// Now is the time of the request (RFC 3339), `now` in conditions;
	// without it, now is an evaluation error.
	Now string `yaml:"now"`
}

// PrincipalSpec is a user or thing.
type PrincipalSpec struct {
	Sub      string         `yaml:"sub"`
	Iss      string         `yaml:"iss"`
	Provider string         `yaml:"provider"`
	Aud      []string       `yaml:"aud"`
	Scope    []string       `yaml:"scope"`
	Claims   map[string]any `yaml:"claims"`
}

// ServiceSpec is the calling workload.
type ServiceSpec struct {
	ID string `yaml:"id"`
}

// Expect is the expected decision.
type Expect struct {
	Decision string `yaml:"decision"` // allow or deny
	Rule     string `yaml:"rule"`     // "" for the default
}

// Request builds the policies.Request of a case.
func (c *Case) Build() (*policies.Request, error) {
	q := c.Request
	r := &policies.Request{Method: strings.ToUpper(q.Method), Path: q.Path, Host: q.Host, Query: q.Query, SourceIP: q.Source}
	if r.Method == "" {
		r.Method = "GET"
	}
	for k, v := range q.Headers {
		r.Headers = append(r.Headers, [2]string{strings.ToLower(k), v})
	}
	var err error
	if q.Now != "" {
		if r.Now, err = time.Parse(time.RFC3339, q.Now); err != nil {
			return nil, fmt.Errorf("case %q: request.now: %w", c.Name, err)
		}
	}
	if c.User != nil {
		if r.User, err = principal(c.User); err != nil {
			return nil, err
		}
	}
	if c.Thing != nil {
		if r.Thing, err = principal(c.Thing); err != nil {
			return nil, err
		}
	}
	if c.Service != nil {
		r.Service = service(c.Service.ID)
	}
	return r, nil
}

func principal(p *PrincipalSpec) (policies.Principal, error) {
	claims := p.Claims
	if claims == nil {
		claims = map[string]any{}
	}
	if p.Sub != "" {
		claims["sub"] = p.Sub
	}
	b, err := json.Marshal(claims)
	return policies.Principal{Authenticated: true, Subject: p.Sub, Issuer: p.Iss, Provider: p.Provider, Audience: p.Aud, Scope: p.Scope, Claims: b}, err
}

func service(id string) policies.Service {
	s := policies.Service{Authenticated: id != "", ID: id}
	rest, ok := strings.CutPrefix(id, "spiffe://")
	if !ok {
		return s
	}
	td, path, _ := strings.Cut(rest, "/")
	s.TrustDomain = td
	parts := strings.Split(path, "/")
	if len(parts) == 4 && parts[0] == "ns" && parts[2] == "sa" {
		s.Namespace, s.ServiceAccount = parts[1], parts[3]
	}
	return s
}

// LoadCases reads a case file and the policy it names.
func LoadCases(path string) (*policies.Policy, *File, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, err
	}
	var f File
	dec := yaml.NewDecoder(strings.NewReader(string(b)))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	if f.Policy == "" {
		return nil, nil, fmt.Errorf("%s: no policy: named", path)
	}
	p, err := LoadPolicy(filepath.Join(filepath.Dir(path), f.Policy))
	if err != nil {
		return nil, nil, err
	}
	return p, &f, nil
}
