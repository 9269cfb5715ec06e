package integration

import (
	"encoding/json"
	"os"
	"testing"

	"github.com/palisade-wasm/palisade/plugin/config"
	"gopkg.in/yaml.v3"
)

// The deployment manifests carry plugin configurations the plugin accepts:
// a manifest that would make palisade.wasm refuse to start cannot ship.
func TestDeploymentManifests(t *testing.T) {
	// Service identity in Istio needs strict mTLS where the plugin runs.
	var pa struct {
		Kind     string
		Metadata struct{ Namespace string }
		Spec     struct{ Mtls struct{ Mode string } }
	}
	b, err := os.ReadFile("deploy/istio/peerauthentication.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(b, &pa); err != nil || pa.Kind != "PeerAuthentication" || pa.Spec.Mtls.Mode != "STRICT" || pa.Metadata.Namespace != "shop" {
		t.Fatalf("peerauthentication.yaml: %+v %v", pa, err)
	}

	tests := []struct {
		file string
		kind string
		get  func(doc map[string]any) any
	}{
		{"deploy/istio/wasmplugin.yaml", "WasmPlugin", func(d map[string]any) any {
			return d["spec"].(map[string]any)["pluginConfig"]
		}},
		{"deploy/envoy-gateway/extension-policy.yaml", "EnvoyExtensionPolicy", func(d map[string]any) any {
			return d["spec"].(map[string]any)["wasm"].([]any)[0].(map[string]any)["config"]
		}},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			b, err := os.ReadFile(tc.file)
			if err != nil {
				t.Fatal(err)
			}
			var doc map[string]any
			if err := yaml.Unmarshal(b, &doc); err != nil {
				t.Fatal(err)
			}
			if doc["kind"] != tc.kind {
				t.Fatalf("kind %v", doc["kind"])
			}
			raw, err := json.Marshal(tc.get(doc))
			if err != nil {
				t.Fatal(err)
			}
			cfg, err := config.Parse(raw)
			if err != nil {
				t.Fatalf("the plugin refuses the manifest's configuration: %v", err)
			}
			if cfg.Policy == nil || len(cfg.Providers) != 1 {
				t.Errorf("configuration lost its policy or provider")
			}
		})
	}
}
