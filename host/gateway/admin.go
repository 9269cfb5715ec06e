package gateway

import (
	"encoding/json"
	"net/http"
	"strings"
)

// adminHandler serves what Envoy's admin interface users reach for:
// /stats/prometheus, /ready and /config_dump.
func (g *Gateway) adminHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /stats/prometheus", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; version=0.0.4")
		g.metrics.WritePrometheus(w)
		g.writeStats(w)
	})
	mux.HandleFunc("GET /ready", func(w http.ResponseWriter, r *http.Request) {
		for _, l := range g.listeners {
			if l.pool != nil && !l.pool.ready() {
				http.Error(w, "PRE_INITIALIZING", http.StatusServiceUnavailable)
				return
			}
		}
		w.Write([]byte("LIVE\n"))
	})
	mux.HandleFunc("GET /config_dump", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		enc.Encode(g.configDump())
	})
	return mux
}

// configDump is the configuration in force, with every value that may be
// a secret redacted: plugin configuration fields whose names say secret,
// password, token or key, and key file contents (only paths are shown).
func (g *Gateway) configDump() any {
	type wasmDump struct {
		Name, RootID, VMID, Module string
		Configuration              any
	}
	type listenerDump struct {
		Name, Address string
		TLS, MTLS     bool
		Routes        any
		Wasm          *wasmDump `json:",omitempty"`
	}
	var out struct {
		Listeners []listenerDump
		Clusters  map[string]string
	}
	out.Clusters = map[string]string{}
	for name, c := range g.clusters {
		out.Clusters[name] = c.base
	}
	for _, l := range g.listeners {
		d := listenerDump{Name: l.cfg.Name, Address: l.cfg.Address.String(), Routes: l.cfg.Routes}
		if l.cfg.TLS != nil {
			d.TLS, d.MTLS = true, l.cfg.TLS.CAFile != ""
		}
		if w := l.cfg.Wasm; w != nil {
			var cfg any
			if json.Unmarshal(w.Configuration, &cfg) != nil {
				cfg = "(not JSON)"
			}
			d.Wasm = &wasmDump{Name: w.Name, RootID: w.RootID, VMID: w.VMID, Module: w.ModulePath, Configuration: redact(cfg)}
		}
		out.Listeners = append(out.Listeners, d)
	}
	return out
}

func redact(v any) any {
	switch t := v.(type) {
	case map[string]any:
		for k, e := range t {
			lk := strings.ToLower(k)
			if strings.Contains(lk, "secret") || strings.Contains(lk, "password") || strings.Contains(lk, "token") ||
				strings.HasSuffix(lk, "key") || strings.Contains(lk, "credential") {
				t[k] = "[redacted]"
				continue
			}
			t[k] = redact(e)
		}
	case []any:
		for i, e := range t {
			t[i] = redact(e)
		}
	}
	return v
}
