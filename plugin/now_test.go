package main

import "testing"

// TestNowRule: a rule reading now sees the time of the request, in both
// hosts: before a deadline it allows, after one it denies (the default).
// Without a time, now is an error and the allow rule never applies.
func TestNowRule(t *testing.T) {
	for deadline, status := range map[string]int{"9999-01-01T00:00:00Z": 0, "2000-01-01T00:00:00Z": 403} {
		cfg := `{"policy":{"default":"deny","rules":[{"name":"until","action":"allow","when":"now < timestamp(\"` + deadline + `\")"}]}}`
		forEachHost(t, cfg, func(t *testing.T, h pluginHost) {
			if got := h.request(t, req("/x"), nil); got.status != status {
				t.Errorf("deadline %s: got %s %d %s, want status %d", deadline, got.action, got.status, got.body, status)
			}
		})
	}
}
