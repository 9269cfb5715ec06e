package main

import (
	"slices"
	"testing"
)

var getRoot = [][2]string{{":method", "GET"}, {":path", "/"}, {":authority", "app.local"}, {":scheme", "http"}}

func TestConfigure(t *testing.T) {
	tests := []struct {
		name     string
		cfg      string
		started  bool
		errorLog string // expected error log line when refused
	}{
		{name: "no configuration", cfg: "", started: true},
		{name: "log level", cfg: `{"log_level":"debug"}`, started: true},
		{name: "unknown field", cfg: `{"log_levle":"debug"}`, started: false,
			errorLog: "configuration: log_levle: unknown field"},
		{name: "bad level", cfg: `{"log_level":"loud"}`, started: false,
			errorLog: "configuration: log_level: must be one of trace, debug, info, warn, error, critical"},
		{name: "not json", cfg: `{log_level: debug}`, started: false,
			errorLog: "configuration: not valid JSON"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			forEachHost(t, tc.cfg, func(t *testing.T, h pluginHost) {
				if h.started() != tc.started {
					t.Fatalf("plugin started = %v, want %v", h.started(), tc.started)
				}
				if tc.errorLog != "" && !slices.Contains(h.logs("error"), tc.errorLog) {
					t.Errorf("error logs %q lack %q", h.logs("error"), tc.errorLog)
				}
			})
		})
	}
}

func TestRequestsAreCounted(t *testing.T) {
	forEachHost(t, `{"log_level":"info"}`, func(t *testing.T, h pluginHost) {
		for i := 0; i < 3; i++ {
			got := h.request(t, getRoot, nil)
			if got.action != "continue" {
				t.Fatalf("request %d: %+v, want continue", i, got)
			}
		}
		const allowed = "decision=.=allow;.;reason=.=none;.;palisade_decisions_total"
		if n := h.counter(t, allowed); n != 3 {
			t.Errorf("%s = %d, want 3", allowed, n)
		}
	})
}

func TestLogLevelIsHonoured(t *testing.T) {
	tests := []struct {
		cfg        string
		wantDebugs int
	}{
		{cfg: `{"log_level":"debug"}`, wantDebugs: 1},
		{cfg: `{"log_level":"info"}`, wantDebugs: 0},
	}
	for _, tc := range tests {
		t.Run(tc.cfg, func(t *testing.T) {
			forEachHost(t, tc.cfg, func(t *testing.T, h pluginHost) {
				h.request(t, getRoot, nil)
				if n := len(h.logs("debug")); n != tc.wantDebugs {
					t.Errorf("%d debug lines %q, want %d", n, h.logs("debug"), tc.wantDebugs)
				}
			})
		})
	}
}

func TestBadReconfigurationKeepsTheOldOne(t *testing.T) {
	forEachHost(t, `{"log_level":"debug"}`, func(t *testing.T, h pluginHost) {
		if h.reconfigure(t, `{"log_level":"shout"}`) {
			t.Fatal("a bad configuration was accepted")
		}
		if got := h.request(t, getRoot, nil); got.action != "continue" {
			t.Fatalf("after a refused reload: %+v, want continue", got)
		}
		if n := h.counter(t, "palisade_config_rejected_total"); n != 1 {
			t.Errorf("palisade_config_rejected_total = %d, want 1", n)
		}
		if n := len(h.logs("debug")); n != 1 {
			t.Errorf("debug lines %q: the old level (debug) should still be in force", h.logs("debug"))
		}
	})
}
