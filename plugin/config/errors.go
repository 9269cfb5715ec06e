package config

// Error is a configuration error: the JSON path of the offending field
// ("" for the document itself) and what is wrong with it.
type Error struct {
	Path string
	Msg  string
}

func (e *Error) Error() string {
	if e.Path == "" {
		return "configuration: " + e.Msg
	}
	return "configuration: " + e.Path + ": " + e.Msg
}
