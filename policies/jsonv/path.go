package jsonv

import (
	"errors"
	"strconv"
)

// A path is the part of gjson's path syntax Palisade uses: member names
// (and array indexes) separated by '.', where a backslash makes the next
// byte stand for itself ("a\.b" is the member "a.b"; policies escape keys
// this way). gjson gives meaning to more characters; in jsonv those
// characters, unescaped, make a path unsupported, so that no path reads
// one thing here and another in gjson:
//
//   - '*', '?' (wildcards) and '|' (pipe), anywhere;
//   - '#' (array count and queries), '@' (modifiers), '!' (literals),
//     '[' and '{' (multipaths), at the start of a component;
//   - ".." at the start of the path (JSON lines);
//   - a '\' with nothing after it.
//
// An unsupported path finds nothing; [CheckPath] says why. Written escaped
// ("\#"), each of these characters stands for itself, here and in gjson.

// CheckPath returns nil if path is supported by [Get], or an error saying
// which character makes it unsupported and how to write it instead.
func CheckPath(path string) error {
	if len(path) >= 2 && path[0] == '.' && path[1] == '.' {
		return errors.New(`".." at the start of a path reads JSON lines in gjson, which is not supported`)
	}
	start := true // at the start of a component
	for i := 0; i < len(path); i++ {
		c := path[i]
		var what string
		switch c {
		case '\\':
			if i+1 == len(path) {
				return errors.New(`a '\' at the end of a path escapes nothing`)
			}
			i++
			start = false
			continue
		case '.':
			start = true
			continue
		case '*', '?':
			what = "a wildcard"
		case '|':
			what = "a pipe"
		case '#':
			what = "an array count or query"
		case '@':
			what = "a modifier"
		case '!':
			what = "a literal"
		case '[', '{':
			what = "a multipath"
		}
		if what != "" && (start || c == '*' || c == '?' || c == '|') {
			return errors.New(strconv.QuoteRune(rune(c)) + " at byte " + strconv.Itoa(i) +
				" would be " + what + " in gjson, which is not supported; write \\" + string(c) + " for the character itself")
		}
		start = false
	}
	return nil
}

// supported reports whether Get can read path; it allocates only for a
// path that is not.
func supported(path string) bool { return CheckPath(path) == nil }

// component splits a supported path into its first component (still
// escaped), whether that holds an escape, and the rest after the '.'
// (more is false when there is none).
func component(path string) (comp string, esc bool, rest string, more bool) {
	for i := 0; i < len(path); i++ {
		switch path[i] {
		case '\\':
			esc = true
			i++
		case '.':
			return path[:i], esc, path[i+1:], true
		}
	}
	return path, esc, "", false
}

// arrayIndex reads a component as an array index: plain decimal digits,
// leading zeros allowed, as gjson reads them. An escaped component is
// never an index (gjson does not unescape array components).
func arrayIndex(comp string, esc bool, limit int) (int, bool) {
	if esc || comp == "" {
		return 0, false
	}
	n := 0
	for i := 0; i < len(comp); i++ {
		c := comp[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		if n > limit {
			continue // too large for the array; keep checking the digits
		}
		n = n*10 + int(c-'0')
	}
	return n, n <= limit
}
