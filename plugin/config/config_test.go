package config

import "testing"

func TestParse(t *testing.T) {
	tests := []struct {
		name  string
		raw   string
		level Level
	}{
		{name: "empty document is all defaults", raw: "", level: LevelInfo},
		{name: "empty object is all defaults", raw: "{}", level: LevelInfo},
		{name: "debug", raw: `{"log_level":"debug"}`, level: LevelDebug},
		{name: "critical", raw: `{"log_level":"critical"}`, level: LevelCritical},
		{name: "whitespace around", raw: " \n{ \"log_level\" : \"warn\" }\n", level: LevelWarn},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Parse([]byte(tc.raw))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if c.LogLevel != tc.level {
				t.Errorf("LogLevel = %v, want %v", c.LogLevel, tc.level)
			}
		})
	}
}

func TestParse_Errors(t *testing.T) {
	tests := []struct {
		name string
		raw  string
		want string
	}{
		{name: "not json", raw: `{"log_level":`, want: "configuration: not valid JSON"},
		{name: "array", raw: `["log_level"]`, want: "configuration: must be a JSON object"},
		{name: "string", raw: `"debug"`, want: "configuration: must be a JSON object"},
		{name: "unknown field", raw: `{"log_levels":"debug"}`, want: "configuration: log_levels: unknown field"},
		{name: "unknown level", raw: `{"log_level":"verbose"}`, want: "configuration: log_level: must be one of trace, debug, info, warn, error, critical"},
		{name: "level of wrong type", raw: `{"log_level":2}`, want: "configuration: log_level: must be one of trace, debug, info, warn, error, critical"},
		{name: "level wrong case", raw: `{"log_level":"DEBUG"}`, want: "configuration: log_level: must be one of trace, debug, info, warn, error, critical"},
		{name: "duplicate field", raw: `{"log_level":"info","log_level":"debug"}`, want: "configuration: log_level: appears more than once"},
		{name: "second field bad after good", raw: `{"log_level":"info","x":1}`, want: "configuration: x: unknown field"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse([]byte(tc.raw))
			if err == nil {
				t.Fatal("Parse succeeded, want an error")
			}
			if err.Error() != tc.want {
				t.Errorf("error = %q, want %q", err, tc.want)
			}
		})
	}
}
