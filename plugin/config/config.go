package config

import (
	"github.com/tidwall/gjson"
)

// Config is a validated plugin configuration.
type Config struct {
	// LogLevel is the lowest level the plugin logs at. Default: info.
	LogLevel Level
}

// Level is a log level, ordered as the proxy-wasm ABI orders them.
type Level uint8

// The log levels, lowest first.
const (
	LevelTrace Level = iota
	LevelDebug
	LevelInfo
	LevelWarn
	LevelError
	LevelCritical
)

var levelNames = [...]string{"trace", "debug", "info", "warn", "error", "critical"}

func (l Level) String() string {
	if int(l) < len(levelNames) {
		return levelNames[l]
	}
	return "unknown"
}

// maxDocumentBytes bounds the configuration a proxy may hand the plugin.
const maxDocumentBytes = 4 << 20

// Parse validates raw and returns the configuration it describes. An empty
// document means every default.
func Parse(raw []byte) (*Config, error) {
	c := &Config{LogLevel: LevelInfo}
	if len(raw) == 0 {
		return c, nil
	}
	if len(raw) > maxDocumentBytes {
		return nil, &Error{Path: "", Msg: "document is larger than 4 MiB"}
	}
	if !gjson.ValidBytes(raw) {
		return nil, &Error{Path: "", Msg: "not valid JSON"}
	}
	doc := gjson.ParseBytes(raw)
	if !doc.IsObject() {
		return nil, &Error{Path: "", Msg: "must be a JSON object"}
	}
	var err error
	seen := make(map[string]bool, 8)
	doc.ForEach(func(k, v gjson.Result) bool {
		if seen[k.String()] {
			err = &Error{Path: k.String(), Msg: "appears more than once"}
			return false
		}
		seen[k.String()] = true
		switch k.String() {
		case "log_level":
			c.LogLevel, err = parseLevel("log_level", v)
		default:
			err = &Error{Path: k.String(), Msg: "unknown field"}
		}
		return err == nil
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

func parseLevel(path string, v gjson.Result) (Level, error) {
	if v.Type == gjson.String {
		for i, n := range levelNames {
			if v.Str == n {
				return Level(i), nil
			}
		}
	}
	return 0, &Error{Path: path, Msg: "must be one of trace, debug, info, warn, error, critical"}
}
