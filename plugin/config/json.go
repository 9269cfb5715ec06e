package config

import (
	"strconv"
	"strings"

	"github.com/palisade-wasm/palisade/policies/jsonv"
)

// Helpers that read one JSON value and report errors with its path.

// object calls f for each member of the object v, refusing anything but an
// object and any member that appears twice.
func object(path string, v jsonv.Result, f func(key string, v jsonv.Result) error) error {
	if !v.IsObject() {
		if path == "" {
			return &Error{Path: "", Msg: "must be a JSON object"}
		}
		return &Error{Path: path, Msg: "must be an object"}
	}
	seen := make(map[string]bool, 8)
	var err error
	v.ForEach(func(k, val jsonv.Result) bool {
		key := k.String()
		if seen[key] {
			err = &Error{Path: join(path, key), Msg: "appears more than once"}
			return false
		}
		seen[key] = true
		err = f(key, val)
		return err == nil
	})
	return err
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func index(path string, i int) string { return path + "[" + strconv.Itoa(i) + "]" }

func str(path string, v jsonv.Result) (string, error) {
	if v.Type != jsonv.String {
		return "", &Error{Path: path, Msg: "must be a string"}
	}
	return v.Str, nil
}

func boolean(path string, v jsonv.Result) (bool, error) {
	if v.Type != jsonv.True && v.Type != jsonv.False {
		return false, &Error{Path: path, Msg: "must be true or false"}
	}
	return v.Bool(), nil
}

func stringList(path string, v jsonv.Result) ([]string, error) {
	if !v.IsArray() {
		return nil, &Error{Path: path, Msg: "must be an array of strings"}
	}
	var out []string
	var err error
	v.ForEach(func(_, e jsonv.Result) bool {
		if e.Type != jsonv.String {
			err = &Error{Path: index(path, len(out)), Msg: "must be a string"}
			return false
		}
		out = append(out, e.Str)
		return true
	})
	return out, err
}

// oneOf returns the index of v's value among allowed.
func oneOf(path string, v jsonv.Result, allowed ...string) (int, error) {
	if v.Type == jsonv.String {
		for i, a := range allowed {
			if v.Str == a {
				return i, nil
			}
		}
	}
	return 0, &Error{Path: path, Msg: "must be one of " + strings.Join(allowed, ", ")}
}
