package policies

import (
	"sort"
	"strconv"
	"strings"
)

// Error is a compile error in an expression: where (byte offset) and what.
type Error struct {
	Pos int
	Msg string
}

func (e *Error) Error() string { return "at offset " + strconv.Itoa(e.Pos) + ": " + e.Msg }

// RuleError places an expression error for people: the rule, the JSON
// field, line and column, the source line with a caret under the spot.
type RuleError struct {
	Rule  string
	Field string // JSON path of the field holding the expression
	Line  int
	Col   int
	Msg   string
	Src   string // the source line
}

func (e *RuleError) Error() string {
	var b strings.Builder
	b.WriteString(e.Field)
	if e.Rule != "" {
		b.WriteString(" (rule " + strconv.Quote(e.Rule) + ")")
	}
	b.WriteString(": " + strconv.Itoa(e.Line) + ":" + strconv.Itoa(e.Col) + ": " + e.Msg)
	if e.Src != "" {
		b.WriteString("\n | " + e.Src + "\n | " + strings.Repeat(".", e.Col-1) + "^")
	}
	return b.String()
}

func placeError(rule, field, src string, err error) error {
	pe, ok := err.(*Error)
	if !ok {
		return &RuleError{Rule: rule, Field: field, Line: 1, Col: 1, Msg: err.Error()}
	}
	line, col := 1, 1
	start := 0
	for i := 0; i < pe.Pos && i < len(src); i++ {
		if src[i] == '\n' {
			line, col, start = line+1, 1, i+1
		} else {
			col++
		}
	}
	end := strings.IndexByte(src[start:], '\n')
	if end < 0 {
		end = len(src) - start
	}
	return &RuleError{Rule: rule, Field: field, Line: line, Col: col, Msg: pe.Msg, Src: src[start : start+end]}
}

// Errors is every error of a policy document, in source order.
type Errors []error

// MaxErrors bounds how many errors a document reports.
const MaxErrors = 20

func (es Errors) Error() string {
	msgs := make([]string, len(es))
	for i, e := range es {
		msgs[i] = e.Error()
	}
	return strings.Join(msgs, "\n")
}

func (es Errors) sorted() Errors {
	sort.SliceStable(es, func(i, j int) bool {
		a, aok := es[i].(*RuleError)
		b, bok := es[j].(*RuleError)
		if !aok || !bok || a.Field != b.Field {
			return false
		}
		return a.Line < b.Line || a.Line == b.Line && a.Col < b.Col
	})
	if len(es) > MaxErrors {
		es = es[:MaxErrors]
	}
	return es
}
