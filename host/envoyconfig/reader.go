package envoyconfig

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
)

// node walks one YAML mapping, remembering which keys were read so that
// finish can report every key nobody asked for.
type node struct {
	path string
	m    map[string]any
	used map[string]bool
	errs *errorList
}

type errorList struct{ errs []string }

func (e *errorList) add(path, msg string) { e.errs = append(e.errs, path+": "+msg) }

func newNode(path string, v any, errs *errorList) *node {
	m, ok := v.(map[string]any)
	if !ok {
		if v != nil {
			errs.add(path, "must be a mapping")
		}
		m = map[string]any{}
	}
	return &node{path: path, m: m, used: map[string]bool{}, errs: errs}
}

func (n *node) child(key string) string {
	if n.path == "" {
		return key
	}
	return n.path + "." + key
}

func (n *node) has(key string) bool { _, ok := n.m[key]; return ok }

func (n *node) get(key string) (any, bool) {
	n.used[key] = true
	v, ok := n.m[key]
	return v, ok && v != nil
}

// obj returns the mapping under key (empty when absent).
func (n *node) obj(key string) *node {
	v, _ := n.get(key)
	return newNode(n.child(key), v, n.errs)
}

// list returns the mappings in the sequence under key.
func (n *node) list(key string) []*node {
	v, ok := n.get(key)
	if !ok {
		return nil
	}
	seq, isSeq := v.([]any)
	if !isSeq {
		n.errs.add(n.child(key), "must be a list")
		return nil
	}
	out := make([]*node, len(seq))
	for i, e := range seq {
		out[i] = newNode(fmt.Sprintf("%s[%d]", n.child(key), i), e, n.errs)
	}
	return out
}

func (n *node) str(key string) string {
	v, ok := n.get(key)
	if !ok {
		return ""
	}
	switch t := v.(type) {
	case string:
		return t
	case int, float64, bool:
		return fmt.Sprint(t)
	}
	n.errs.add(n.child(key), "must be a string")
	return ""
}

func (n *node) strs(key string) []string {
	v, ok := n.get(key)
	if !ok {
		return nil
	}
	seq, isSeq := v.([]any)
	if !isSeq {
		n.errs.add(n.child(key), "must be a list of strings")
		return nil
	}
	out := make([]string, 0, len(seq))
	for i, e := range seq {
		s, isStr := e.(string)
		if !isStr {
			n.errs.add(fmt.Sprintf("%s[%d]", n.child(key), i), "must be a string")
			continue
		}
		out = append(out, s)
	}
	return out
}

func (n *node) boolean(key string, def bool) bool {
	v, ok := n.get(key)
	if !ok {
		return def
	}
	if b, isBool := v.(bool); isBool {
		return b
	}
	n.errs.add(n.child(key), "must be true or false")
	return def
}

func (n *node) integer(key string, def int) int {
	v, ok := n.get(key)
	if !ok {
		return def
	}
	switch t := v.(type) {
	case int:
		return t
	case string: // proto3 JSON writes 64-bit integers as strings
		if i, err := strconv.Atoi(t); err == nil {
			return i
		}
	}
	n.errs.add(n.child(key), "must be an integer")
	return def
}

// duration reads a protobuf Duration as Envoy's YAML writes it ("1.5s").
func (n *node) duration(key string, def time.Duration) time.Duration {
	s := n.str(key)
	if s == "" {
		return def
	}
	if !strings.HasSuffix(s, "s") {
		n.errs.add(n.child(key), "must be a duration in seconds, like \"2s\" or \"0.25s\"")
		return def
	}
	f, err := strconv.ParseFloat(strings.TrimSuffix(s, "s"), 64)
	if err != nil || f < 0 {
		n.errs.add(n.child(key), "must be a duration in seconds, like \"2s\" or \"0.25s\"")
		return def
	}
	return time.Duration(f * float64(time.Second))
}

// oneOf reads a string that must be one of the allowed values.
func (n *node) oneOf(key, def string, allowed ...string) string {
	s := n.str(key)
	if s == "" {
		return def
	}
	for _, a := range allowed {
		if s == a {
			return s
		}
	}
	n.errs.add(n.child(key), fmt.Sprintf("%q is not supported by palisade serve (supported: %s)", s, strings.Join(allowed, ", ")))
	return def
}

// ignore marks keys that change nothing the gateway does (stat prefixes,
// names only used by Envoy's own reporting), so they are accepted.
func (n *node) ignore(keys ...string) {
	for _, k := range keys {
		n.used[k] = true
	}
}

// finish reports every key of the mapping that no reader asked for.
func (n *node) finish() {
	var unknown []string
	for k := range n.m {
		if !n.used[k] {
			unknown = append(unknown, k)
		}
	}
	sort.Strings(unknown)
	for _, k := range unknown {
		n.errs.add(n.child(k), "not supported by palisade serve")
	}
}
