package config

import (
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/tidwall/gjson"
)

// The published schema and the parser must know the same fields: every
// object in the schema with closed properties is compared with what Parse
// accepts, by trying each name the schema lists and one it does not.
func TestSchemaMatchesParser(t *testing.T) {
	b, err := os.ReadFile("schema.json")
	if err != nil {
		t.Fatal(err)
	}
	if !gjson.ValidBytes(b) {
		t.Fatal("schema.json is not JSON")
	}
	schema := gjson.ParseBytes(b)
	names := func(r gjson.Result) []string {
		var out []string
		r.Get("properties").ForEach(func(k, _ gjson.Result) bool { out = append(out, k.String()); return true })
		sort.Strings(out)
		return out
	}
	// Sections of the document: schema object -> a document placing a
	// field named %s there, with a value the parser may refuse but never
	// as an unknown field.
	sections := map[string]string{
		"":                                      `{"%s": null}`,
		"properties.service":                    `{"service": {"%s": null}}`,
		"properties.service.properties.xfcc":    `{"service": {"xfcc": {"%s": null}}}`,
		"properties.thing":                      `{"thing": {"%s": null}}`,
		"properties.headers":                    `{"headers": {"%s": null}}`,
		"$defs.provider":                        `{"providers": [{"name": "p", "secret": "` + strings.Repeat("A", 44) + `", "%s": null}]}`,
		"$defs.provider.properties.remote_jwks": `{"providers": [{"name": "p", "remote_jwks": {"cluster": "c", "%s": null}}]}`,
		"$defs.discovery":                       `{"providers": [{"name": "p", "issuer": "https://i", "remote_jwks": {"cluster": "c", "discovery": {"%s": null}}}]}`,
		"$defs.jwks_cluster":                    `{"providers": [{"name": "p", "issuer": "https://i", "remote_jwks": {"cluster": "c", "discovery": {"jwks_clusters": [{"%s": null}]}}}]}`,
		"$defs.policy":                          `{"policy": {"%s": null}}`,
		"$defs.policy.properties.rules.items":   `{"policy": {"rules": [{"name": "r", "action": "deny", "%s": null}]}}`,
		"$defs.policy.properties.rules.items.properties.match":    `{"policy": {"rules": [{"name": "r", "action": "deny", "match": {"%s": null}}]}}`,
		"$defs.policy.properties.rules.items.properties.response": `{"policy": {"rules": [{"name": "r", "action": "deny", "response": {"%s": null}}]}}`,
	}
	for path, doc := range sections {
		obj := schema
		if path != "" {
			obj = schema.Get(strings.ReplaceAll(path, "$", `\$`))
		}
		for _, name := range append(names(obj), "not_a_field") {
			_, err := Parse([]byte(strings.Replace(doc, "%s", name, 1)))
			unknown := err != nil && strings.Contains(err.Error(), "unknown field")
			if unknown != (name == "not_a_field") {
				t.Errorf("%s.%s: schema and parser disagree (parser says %v)", path, name, err)
			}
		}
	}
}

// The policy's enumerated fields take exactly the values the schema
// lists: each listed value is accepted, and a value it does not list is
// refused with an error naming the field.
func TestSchemaPolicyEnums(t *testing.T) {
	b, err := os.ReadFile("schema.json")
	if err != nil {
		t.Fatal(err)
	}
	policy := gjson.GetBytes(b, `\$defs.policy`)
	rule := policy.Get("properties.rules.items")
	tests := []struct {
		schema gjson.Result
		field  string
		doc    string // a configuration with the field's value as %s
		path   string // the field's path in errors
	}{
		{policy, "default", `{"policy": {"default": "%s"}}`, "policy.default"},
		{policy, "combining", `{"policy": {"combining": "%s"}}`, "policy.combining"},
		{rule, "action", `{"policy": {"rules": [{"name": "r", "action": "%s"}]}}`, "policy.rules[0].action"},
		{rule, "mode", `{"policy": {"rules": [{"name": "r", "action": "deny", "mode": "%s"}]}}`, "policy.rules[0].mode"},
	}
	for _, tc := range tests {
		enum := tc.schema.Get("properties." + tc.field + ".enum").Array()
		if len(enum) == 0 {
			t.Errorf("schema: %s has no enum", tc.path)
		}
		for _, v := range enum {
			if _, err := Parse([]byte(strings.Replace(tc.doc, "%s", v.String(), 1))); err != nil {
				t.Errorf("%s: %q is in the schema, the parser refuses it: %v", tc.path, v.String(), err)
			}
		}
		if _, err := Parse([]byte(strings.Replace(tc.doc, "%s", "not-a-value", 1))); err == nil || !strings.Contains(err.Error(), "\n"+tc.path) || !strings.Contains(err.Error(), ": must be ") {
			t.Errorf("%s: a value outside the schema: %v", tc.path, err)
		}
	}
}
