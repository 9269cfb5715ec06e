// Package demo holds the pieces make run starts beside the gateway: an
// echo service standing for the protected application, so a user sees
// exactly which identity headers the plugin forwarded.
package demo

import (
	"encoding/json"
	"net/http"
	"sort"
	"strings"
)

// Echo answers every request with a JSON description of it: method, path,
// host and the headers it arrived with (names lower-cased, sorted).
func Echo() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		headers := map[string]string{}
		for k, vs := range r.Header {
			headers[strings.ToLower(k)] = strings.Join(vs, ", ")
		}
		names := make([]string, 0, len(headers))
		for k := range headers {
			names = append(names, k)
		}
		sort.Strings(names)
		type header struct {
			Name  string `json:"name"`
			Value string `json:"value"`
		}
		out := struct {
			Service string   `json:"service"`
			Method  string   `json:"method"`
			Path    string   `json:"path"`
			Host    string   `json:"host"`
			Headers []header `json:"headers"`
		}{Service: "demo-app", Method: r.Method, Path: r.URL.RequestURI(), Host: r.Host}
		for _, n := range names {
			out.Headers = append(out.Headers, header{n, headers[n]})
		}
		w.Header().Set("Content-Type", "application/json")
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		enc.Encode(out)
	})
}
