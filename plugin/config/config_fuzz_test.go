package config

import "testing"

// FuzzParse checks that any document either parses into a usable
// configuration or is refused with a configuration error, never a panic,
// and that a refused document yields no configuration at all.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"", "{}", `{"log_level":"debug"}`, `{"log_level":2}`, `[1,2]`, `{"a":{"b":[1,{"c":null}]}}`, `{"log_level":"info","log_level":"debug"}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		c, err := Parse(raw)
		if err != nil {
			if c != nil {
				t.Fatalf("Parse returned a configuration with error %v", err)
			}
			if _, ok := err.(*Error); !ok {
				t.Fatalf("error of type %T, want *Error", err)
			}
			return
		}
		if c.LogLevel > LevelCritical {
			t.Fatalf("LogLevel %d out of range", c.LogLevel)
		}
	})
}
