// Package regex matches strings against regular expressions written in RE2
// syntax, for the policy language's matches(). It answers only whether a
// string contains a match, in time linear in the string: with a DFA built
// lazily from the pattern's NFA when the pattern has no assertion but \A and
// a final \z (most policy patterns, ^...$ included), else by running the
// NFA's threads breadth-first. It allocates only while a pattern's DFA
// grows, up to 128 states per pattern.
//
// It exists for the size of palisade.wasm: Go's regexp brings its Unicode
// tables (about half a megabyte of the module). Everything here is ASCII or
// plain code-point arithmetic, so two RE2 features are refused when a pattern
// compiles, with an error saying so: Unicode classes (\pL, \p{Greek}, \PN)
// and case-insensitive matching of letters outside ASCII. Every pattern this
// package accepts, Go's regexp accepts too and matches the same strings, as
// the differential tests in this package check.
package regex

import (
	"sync/atomic"
	"unicode/utf8"
)

// Limits on what a policy may ask for. Go's own limits are far above both,
// so a pattern refused here for its size is accepted by Go's regexp, never
// the other way round.
const (
	MaxPattern = 1024 // bytes of pattern
	MaxInsts   = 5000 // compiled instructions; a match costs at most this much per character
)

// Regexp is a compiled pattern. It is safe for concurrent use.
type Regexp struct {
	prog        []inst
	ranges      []rune // the character classes of prog, as sorted [lo, hi] pairs
	start       uint32
	anchored    bool                 // the pattern begins with \A (or ^ outside (?m)): try it at the start only
	endAnchored bool                 // the pattern ended with \z (or $ outside (?m)), taken off: a match counts at the end only
	dfa         bool                 // no assertion but \A: what a position allows depends on the characters read only
	classOf     [utf8.RuneSelf]uint8 // ASCII characters that every instruction treats alike share a class
	classes     int

	idle atomic.Pointer[machine] // a machine to reuse, taken for the length of one match
}

// Error describes a pattern that does not compile.
type Error struct {
	Code Code
	Msg  string // what is wrong
	Expr string // the part of the pattern at fault
}

// Code says what kind of error a pattern has.
type Code uint8

const (
	ErrSyntax      Code = iota // not RE2: Go's regexp refuses it too
	ErrUnsupported             // valid RE2 that this package does not implement
	ErrTooLarge                // over MaxPattern or MaxInsts
)

func (e *Error) Error() string {
	if e.Expr == "" {
		return e.Msg
	}
	return e.Msg + ": `" + e.Expr + "`"
}

// Compile parses pattern and compiles it.
func Compile(pattern string) (*Regexp, error) {
	if len(pattern) > MaxPattern {
		return nil, &Error{Code: ErrTooLarge, Msg: "regular expression longer than 1024 bytes"}
	}
	if !utf8.ValidString(pattern) {
		return nil, &Error{Code: ErrSyntax, Msg: "invalid UTF-8"}
	}
	p := parser{src: pattern, flags: flagOneLine}
	root, err := p.parse()
	if err != nil {
		return nil, err
	}
	re := &Regexp{anchored: beginsWithText(root)}
	root, re.endAnchored = trimEndText(root)
	c := compiler{prog: []inst{{op: iMatch}}}
	if re.start, err = c.compile(root, 0); err != nil {
		return nil, err
	}
	re.prog, re.ranges = c.prog, c.ranges
	re.dfa = true
	for _, in := range re.prog {
		re.dfa = re.dfa && (in.op != iAssert || in.ctx == ctxBeginText)
	}
	if re.dfa {
		re.byteClasses()
	}
	return re, nil
}

// MatchString reports whether s contains a match of re.
func (re *Regexp) MatchString(s string) bool {
	m := re.idle.Swap(nil)
	if m == nil {
		m = newMachine(len(re.prog))
	}
	ok := m.match(re, s)
	re.idle.Store(m)
	return ok
}
