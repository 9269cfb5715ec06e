package filter

import (
	"github.com/palisade-wasm/palisade/plugin/config"
	"github.com/palisade-wasm/palisade/plugin/internal/abi"
)

// logger drops messages below the configured level before they cost a
// host call. Messages never carry a token, key or claim value.
type logger struct{ level config.Level }

// enabled reports whether messages at level are logged: callers building
// a message check it first, so a disabled level costs no allocation.
func (l logger) enabled(level config.Level) bool { return l.level <= level }

func (l logger) debug(msg string) {
	if l.level <= config.LevelDebug {
		abi.LogDebug(msg)
	}
}

func (l logger) info(msg string) {
	if l.level <= config.LevelInfo {
		abi.LogInfo(msg)
	}
}

func (l logger) warn(msg string) {
	if l.level <= config.LevelWarn {
		abi.LogWarn(msg)
	}
}

func (l logger) error(msg string) {
	if l.level <= config.LevelError {
		abi.LogError(msg)
	}
}
