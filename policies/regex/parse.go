package regex

import (
	"strings"
	"unicode/utf8"
)

// A node of the parsed pattern.
type node struct {
	op     nodeOp
	assert uint8 // nAssert: one of the ctx bits
	brace  bool  // nRepeat written {n,m}: counts toward the nested repeat limit
	min    int   // nRepeat
	max    int   // nRepeat; -1 for no upper bound
	ranges []rune
	subs   []*node
}

type nodeOp uint8

const (
	nEmpty    nodeOp = iota // the empty string
	nClass                  // one character in ranges
	nAny                    // any character
	nAnyNotNL               // any character but \n
	nAssert                 // an empty-width assertion
	nConcat
	nAlt
	nRepeat
)

// Parse flags, as (?ims) sets them.
const (
	flagFold    uint8 = 1 << iota // (?i)
	flagOneLine                   // no (?m): ^ and $ are the ends of the text
	flagDotNL                     // (?s): . matches \n
)

const (
	maxRune = utf8.MaxRune
	// The runes Unicode's simple case folding maps to or from something else
	// all lie in [minFold, maxFold]; a range covering it is closed under folding.
	minFold = 'A'
	maxFold = 0x1e943
)

type parser struct {
	src   string
	pos   int
	flags uint8
}

func (p *parser) fail(code Code, msg, expr string) error {
	return &Error{Code: code, Msg: msg, Expr: expr}
}

func (p *parser) parse() (*node, error) {
	n, err := p.alternation()
	if err != nil {
		return nil, err
	}
	if p.pos < len(p.src) { // stopped at a ')' that closes nothing
		return nil, p.fail(ErrSyntax, "unexpected )", p.src)
	}
	return n, nil
}

// alternation parses a|b|... up to an unmatched ')' or the end.
func (p *parser) alternation() (*node, error) {
	var alts []*node
	for {
		n, err := p.concat()
		if err != nil {
			return nil, err
		}
		alts = append(alts, n)
		if p.pos == len(p.src) || p.src[p.pos] != '|' {
			break
		}
		p.pos++
	}
	if len(alts) == 1 {
		return alts[0], nil
	}
	return &node{op: nAlt, subs: alts}, nil
}

// concat parses a sequence of items up to '|', an unmatched ')' or the end.
func (p *parser) concat() (*node, error) {
	var items []*node
	lastRepeat := -1 // where the repetition operator just before began, or -1
	for p.pos < len(p.src) {
		c := p.src[p.pos]
		if c == '|' || c == ')' {
			break
		}
		start := p.pos
		repeat := -1
		var item *node
		var err error
		switch c {
		case '*', '+', '?':
			p.pos++
			min, max := 0, -1
			if c == '+' {
				min = 1
			} else if c == '?' {
				max = 1
			}
			err = p.repeat(items, min, max, false, start, lastRepeat)
			repeat = start
		case '{':
			min, max, n, ok := parseBraces(p.src[p.pos:])
			if !ok { // not a repetition: a literal {
				p.pos++
				item, err = p.literal('{')
				break
			}
			p.pos += n
			if min < 0 || min > 1000 || max > 1000 || max >= 0 && min > max {
				return nil, p.fail(ErrSyntax, "invalid repeat count", p.src[start:p.pos])
			}
			err = p.repeat(items, min, max, true, start, lastRepeat)
			repeat = start
		case '(':
			item, err = p.group()
		case '[':
			item, err = p.class()
		case '.':
			p.pos++
			item = &node{op: nAnyNotNL}
			if p.flags&flagDotNL != 0 {
				item.op = nAny
			}
		case '^':
			p.pos++
			item = &node{op: nAssert, assert: ctxBeginLine}
			if p.flags&flagOneLine != 0 {
				item.assert = ctxBeginText
			}
		case '$':
			p.pos++
			item = &node{op: nAssert, assert: ctxEndLine}
			if p.flags&flagOneLine != 0 {
				item.assert = ctxEndText
			}
		case '\\':
			if p.pos+1 < len(p.src) && p.src[p.pos+1] == 'Q' { // \Q...\E: literal text, each rune an item
				lit, _, found := strings.Cut(p.src[p.pos+2:], `\E`)
				p.pos += 2 + len(lit)
				if found {
					p.pos += 2
				}
				for _, r := range lit {
					if item, err = p.literal(r); err != nil {
						return nil, err
					}
					items = append(items, item)
				}
				item = nil
				break
			}
			item, err = p.topEscape()
		default:
			r, w := utf8.DecodeRuneInString(p.src[p.pos:])
			p.pos += w
			item, err = p.literal(r)
		}
		if err != nil {
			return nil, err
		}
		if item != nil {
			items = append(items, item)
		}
		lastRepeat = repeat
	}
	switch len(items) {
	case 0:
		return &node{op: nEmpty}, nil
	case 1:
		return items[0], nil
	}
	return &node{op: nConcat, subs: items}, nil
}

// repeat applies the repetition operator just read to the last item. A
// trailing '?' (non-greedy) changes which match is reported, not whether
// there is one, so it is read and forgotten.
func (p *parser) repeat(items []*node, min, max int, brace bool, start, lastRepeat int) error {
	if p.pos < len(p.src) && p.src[p.pos] == '?' {
		p.pos++
	}
	if lastRepeat >= 0 {
		return p.fail(ErrSyntax, "invalid nested repetition operator", p.src[lastRepeat:p.pos])
	}
	if len(items) == 0 {
		return p.fail(ErrSyntax, "missing argument to repetition operator", p.src[start:p.pos])
	}
	n := &node{op: nRepeat, min: min, max: max, brace: brace, subs: []*node{items[len(items)-1]}}
	if brace && (min >= 2 || max >= 2) && !repeatValid(n, 1000) {
		return p.fail(ErrSyntax, "invalid repeat count", p.src[start:p.pos])
	}
	items[len(items)-1] = n
	return nil
}

// repeatValid reports whether nested {n,m} repetitions make at most limit
// copies of what they repeat, the rule Go's parser applies.
func repeatValid(n *node, limit int) bool {
	if n.op == nRepeat && n.brace {
		m := n.max
		if m == 0 {
			return true
		}
		if m < 0 {
			m = n.min
		}
		if m > limit {
			return false
		}
		if m > 0 {
			limit /= m
		}
	}
	for _, s := range n.subs {
		if !repeatValid(s, limit) {
			return false
		}
	}
	return true
}

// parseBraces reads {n}, {n,} or {n,m} at the start of s, returning the
// bytes read. A number over 10^8 comes back as -1; anything else, a number
// with a leading zero among them, is not a repetition.
func parseBraces(s string) (min, max, n int, ok bool) {
	min, i := decimal(s, 1)
	if i < 0 || i == len(s) {
		return 0, 0, 0, false
	}
	max = min
	if s[i] == ',' {
		i++
		if i < len(s) && s[i] == '}' {
			max = -1
		} else {
			if max, i = decimal(s, i); i < 0 {
				return 0, 0, 0, false
			}
			if max < 0 {
				min = -1
			}
		}
	}
	if i >= len(s) || s[i] != '}' {
		return 0, 0, 0, false
	}
	return min, max, i + 1, true
}

// decimal reads the number at s[i:]; next is -1 if there is none.
func decimal(s string, i int) (v, next int) {
	j := i
	for j < len(s) && '0' <= s[j] && s[j] <= '9' {
		j++
	}
	if j == i || j-i > 1 && s[i] == '0' {
		return 0, -1
	}
	for k := i; k < j; k++ {
		if v >= 1e8 {
			return -1, j
		}
		v = v*10 + int(s[k]-'0')
	}
	return v, j
}

// group parses (...), (?:...), (?P<name>...), (?<name>...), (?flags:...)
// and (?flags); the last sets flags for the rest of the enclosing group and
// returns no item.
func (p *parser) group() (*node, error) {
	saved := p.flags
	t := p.src[p.pos:]
	if len(t) < 2 || t[1] != '?' {
		p.pos++
		return p.groupBody(saved)
	}
	if len(t) > 4 && t[2] == 'P' && t[3] == '<' || len(t) > 3 && t[2] == '<' {
		name := 3
		if t[2] == 'P' {
			name = 4
		}
		end := strings.IndexByte(t, '>')
		if end < 0 {
			return nil, p.fail(ErrSyntax, "invalid named capture", t)
		}
		if !validName(t[name:end]) {
			return nil, p.fail(ErrSyntax, "invalid named capture", t[:end+1])
		}
		p.pos += end + 1
		return p.groupBody(saved)
	}
	var on, off uint8
	negate, sawFlag := false, false
	for i := 2; i < len(t); i++ {
		var f uint8
		switch t[i] {
		case 'i':
			f = flagFold
		case 'm':
			f = flagOneLine // inverted below: (?m) clears it
		case 's':
			f = flagDotNL
		case 'U': // ungreedy: changes which match, not whether
		case '-':
			if negate {
				return nil, p.fail(ErrSyntax, "invalid or unsupported Perl syntax", t[:i+1])
			}
			negate, sawFlag = true, false
			continue
		case ':', ')':
			if negate && !sawFlag {
				return nil, p.fail(ErrSyntax, "invalid or unsupported Perl syntax", t[:i+1])
			}
			// Set what (?flags) names, then clear what (?-flags) names; m
			// is the inverse of flagOneLine.
			f := (p.flags | on&^flagOneLine) &^ (on & flagOneLine)
			p.flags = (f &^ (off &^ flagOneLine)) | off&flagOneLine
			p.pos += i + 1
			if t[i] == ')' {
				return nil, nil
			}
			return p.groupBody(saved)
		default:
			_, w := utf8.DecodeRuneInString(t[i:])
			return nil, p.fail(ErrSyntax, "invalid or unsupported Perl syntax", t[:i+w])
		}
		sawFlag = true
		if negate {
			off |= f
		} else {
			on |= f
		}
	}
	return nil, p.fail(ErrSyntax, "invalid or unsupported Perl syntax", t)
}

// groupBody parses a group's alternation and its ')', then restores the
// flags the group began with.
func (p *parser) groupBody(saved uint8) (*node, error) {
	start := p.pos
	n, err := p.alternation()
	if err != nil {
		return nil, err
	}
	if p.pos == len(p.src) {
		return nil, p.fail(ErrSyntax, "missing closing )", p.src[start:])
	}
	p.pos++
	p.flags = saved
	return n, nil
}

func validName(name string) bool {
	if name == "" {
		return false
	}
	for i := 0; i < len(name); i++ {
		if c := name[i]; c != '_' && !isAlnum(c) {
			return false
		}
	}
	return true
}

func isAlnum(c byte) bool {
	return '0' <= c && c <= '9' || 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z'
}

// topEscape parses an escape outside a class: an assertion, a class such as
// \d, or one character.
func (p *parser) topEscape() (*node, error) {
	if p.pos+1 < len(p.src) {
		var assert uint8
		switch c := p.src[p.pos+1]; c {
		case 'A':
			assert = ctxBeginText
		case 'z':
			assert = ctxEndText
		case 'b':
			assert = ctxWordBoundary
		case 'B':
			assert = ctxNoWordBoundary
		case 'C':
			return nil, p.fail(ErrSyntax, "invalid escape sequence", `\C`)
		case 'p', 'P':
			return nil, p.unicodeClass()
		default:
			if cls, negated := perlClass(c); cls != nil {
				p.pos += 2
				ranges, err := p.appendGroup(nil, cls, negated)
				if err != nil {
					return nil, err
				}
				return &node{op: nClass, ranges: clean(ranges)}, nil
			}
		}
		if assert != 0 {
			p.pos += 2
			return &node{op: nAssert, assert: assert}, nil
		}
	}
	r, err := p.escape()
	if err != nil {
		return nil, err
	}
	return p.literal(r)
}

func (p *parser) unicodeClass() error {
	return p.fail(ErrUnsupported, `Unicode classes (\p, \P) are not supported: use an explicit class such as [a-zA-Z] or \x{...} ranges`,
		p.src[p.pos:min(p.pos+2, len(p.src))])
}

// escape parses the one-character escape at p.pos: \n, \x41, \x{263a},
// \101, or a backslash before ASCII punctuation.
func (p *parser) escape() (rune, error) {
	start := p.pos
	p.pos++
	if p.pos == len(p.src) {
		return 0, p.fail(ErrSyntax, "trailing backslash at end of expression", "")
	}
	c, w := utf8.DecodeRuneInString(p.src[p.pos:])
	p.pos += w
	switch {
	case c < utf8.RuneSelf && !isAlnum(byte(c)):
		return c, nil
	case '0' <= c && c <= '7':
		// \0, or two or three octal digits; a lone \1-\7 would be a backreference.
		if c != '0' && !p.octal() {
			break
		}
		r := c - '0'
		for i := 1; i < 3 && p.octal(); i++ {
			r = r*8 + rune(p.src[p.pos]-'0')
			p.pos++
		}
		return r, nil
	case c == 'x':
		if p.pos < len(p.src) && p.src[p.pos] == '{' {
			p.pos++
			r, digits := rune(0), 0
			for p.pos < len(p.src) && p.src[p.pos] != '}' {
				v := unhex(p.src[p.pos])
				if v < 0 {
					break
				}
				r = r*16 + v
				if r > maxRune {
					break
				}
				digits++
				p.pos++
			}
			if p.pos < len(p.src) && p.src[p.pos] == '}' && digits > 0 && r <= maxRune {
				p.pos++
				return r, nil
			}
			break
		}
		if p.pos+1 < len(p.src) {
			if hi, lo := unhex(p.src[p.pos]), unhex(p.src[p.pos+1]); hi >= 0 && lo >= 0 {
				p.pos += 2
				return hi*16 + lo, nil
			}
		}
	case c == 'a':
		return '\a', nil
	case c == 'f':
		return '\f', nil
	case c == 'n':
		return '\n', nil
	case c == 'r':
		return '\r', nil
	case c == 't':
		return '\t', nil
	case c == 'v':
		return '\v', nil
	}
	return 0, p.fail(ErrSyntax, "invalid escape sequence", p.src[start:min(p.pos, len(p.src))])
}

func (p *parser) octal() bool {
	return p.pos < len(p.src) && '0' <= p.src[p.pos] && p.src[p.pos] <= '7'
}

func unhex(c byte) rune {
	switch {
	case '0' <= c && c <= '9':
		return rune(c - '0')
	case 'a' <= c && c <= 'f':
		return rune(c-'a') + 10
	case 'A' <= c && c <= 'F':
		return rune(c-'A') + 10
	}
	return -1
}

// class parses a bracketed class: [abc], [^a-z], [[:alpha:]\d_].
func (p *parser) class() (*node, error) {
	start := p.pos
	p.pos++
	negated := false
	if p.pos < len(p.src) && p.src[p.pos] == '^' {
		negated = true
		p.pos++
	}
	var ranges []rune
	var err error
	for first := true; p.pos == len(p.src) || p.src[p.pos] != ']' || first; first = false {
		if p.pos == len(p.src) {
			return nil, p.fail(ErrSyntax, "missing closing ]", p.src[start:])
		}
		t := p.src[p.pos:]
		if len(t) > 2 && t[0] == '[' && t[1] == ':' {
			if i := strings.Index(t[2:], ":]"); i >= 0 {
				name := t[:i+4]
				cls, neg := posixClass(name)
				if cls == nil {
					return nil, p.fail(ErrSyntax, "invalid character class range", name)
				}
				if ranges, err = p.appendGroup(ranges, cls, neg); err != nil {
					return nil, err
				}
				p.pos += len(name)
				continue
			}
		}
		if len(t) >= 2 && t[0] == '\\' {
			if t[1] == 'p' || t[1] == 'P' {
				return nil, p.unicodeClass()
			}
			if cls, neg := perlClass(t[1]); cls != nil {
				if ranges, err = p.appendGroup(ranges, cls, neg); err != nil {
					return nil, err
				}
				p.pos += 2
				continue
			}
		}
		from := p.pos
		lo, err := p.classChar(start)
		if err != nil {
			return nil, err
		}
		hi := lo
		if p.pos+1 < len(p.src) && p.src[p.pos] == '-' && p.src[p.pos+1] != ']' {
			p.pos++
			if hi, err = p.classChar(start); err != nil {
				return nil, err
			}
			if hi < lo {
				return nil, p.fail(ErrSyntax, "invalid character class range", p.src[from:p.pos])
			}
		}
		if ranges, err = p.appendRange(ranges, lo, hi); err != nil {
			return nil, err
		}
	}
	p.pos++
	ranges = clean(ranges)
	if negated {
		ranges = negate(ranges)
	}
	return &node{op: nClass, ranges: ranges}, nil
}

func (p *parser) classChar(start int) (rune, error) {
	if p.pos == len(p.src) {
		return 0, p.fail(ErrSyntax, "missing closing ]", p.src[start:])
	}
	if p.src[p.pos] == '\\' {
		return p.escape()
	}
	r, w := utf8.DecodeRuneInString(p.src[p.pos:])
	p.pos += w
	return r, nil
}

func (p *parser) literal(r rune) (*node, error) {
	ranges, err := p.appendRange(nil, r, r)
	if err != nil {
		return nil, err
	}
	return &node{op: nClass, ranges: clean(ranges)}, nil
}

// appendRange adds [lo, hi] to ranges and, under (?i), every rune that
// Unicode's simple case folding makes equal to one in it. Folding is known
// here for ASCII only (with the two runes outside ASCII that fold to ASCII
// letters, K KELVIN SIGN and ſ LONG S); a range that would need Unicode's
// tables is refused.
func (p *parser) appendRange(ranges []rune, lo, hi rune) ([]rune, error) {
	ranges = append(ranges, lo, hi)
	if p.flags&flagFold == 0 || hi < minFold || lo > maxFold || lo <= minFold && hi >= maxFold {
		return ranges, nil
	}
	if hi >= utf8.RuneSelf {
		return nil, p.fail(ErrUnsupported, "case-insensitive matching of letters outside ASCII is not supported",
			string(lo)+"-"+string(hi))
	}
	for c := max(lo, 'A'); c <= min(hi, 'z'); c++ {
		switch {
		case 'A' <= c && c <= 'Z':
			ranges = append(ranges, c+'a'-'A', c+'a'-'A')
		case 'a' <= c && c <= 'z':
			ranges = append(ranges, c-'a'+'A', c-'a'+'A')
		default:
			continue
		}
		switch c {
		case 'k', 'K':
			ranges = append(ranges, 0x212a, 0x212a)
		case 's', 'S':
			ranges = append(ranges, 0x17f, 0x17f)
		}
	}
	return ranges, nil
}

// appendGroup adds a Perl or POSIX class (ASCII, so folding it never fails),
// folded under (?i) before it is negated, as Go's parser does.
func (p *parser) appendGroup(ranges, cls []rune, negated bool) ([]rune, error) {
	var err error
	if p.flags&flagFold != 0 {
		var folded []rune
		for i := 0; i < len(cls); i += 2 {
			if folded, err = p.appendRange(folded, cls[i], cls[i+1]); err != nil {
				return nil, err
			}
		}
		cls = clean(folded)
	}
	if negated {
		cls = negate(cls)
	}
	return append(ranges, cls...), nil
}

var (
	digit = []rune{'0', '9'}
	space = []rune{'\t', '\n', '\f', '\r', ' ', ' '}
	word  = []rune{'0', '9', 'A', 'Z', '_', '_', 'a', 'z'}
)

// perlClass returns the class of \d, \s, \w and their negations \D, \S, \W.
func perlClass(c byte) (cls []rune, negated bool) {
	switch c {
	case 'd', 'D':
		cls = digit
	case 's', 'S':
		cls = space
	case 'w', 'W':
		cls = word
	default:
		return nil, false
	}
	return cls, c < 'a'
}

// posixClass returns the ASCII class named [:name:] or [:^name:].
func posixClass(name string) (cls []rune, negated bool) {
	name = name[2 : len(name)-2]
	if negated = strings.HasPrefix(name, "^"); negated {
		name = name[1:]
	}
	switch name {
	case "alnum":
		cls = []rune{'0', '9', 'A', 'Z', 'a', 'z'}
	case "alpha":
		cls = []rune{'A', 'Z', 'a', 'z'}
	case "ascii":
		cls = []rune{0, 0x7f}
	case "blank":
		cls = []rune{'\t', '\t', ' ', ' '}
	case "cntrl":
		cls = []rune{0, 0x1f, 0x7f, 0x7f}
	case "digit":
		cls = digit
	case "graph":
		cls = []rune{'!', '~'}
	case "lower":
		cls = []rune{'a', 'z'}
	case "print":
		cls = []rune{' ', '~'}
	case "punct":
		cls = []rune{'!', '/', ':', '@', '[', '`', '{', '~'}
	case "space":
		cls = []rune{'\t', '\r', ' ', ' '}
	case "upper":
		cls = []rune{'A', 'Z'}
	case "word":
		cls = word
	case "xdigit":
		cls = []rune{'0', '9', 'A', 'F', 'a', 'f'}
	}
	return cls, negated
}

// clean sorts ranges by their low end and merges those that overlap or touch.
func clean(r []rune) []rune {
	for i := 2; i < len(r); i += 2 { // insertion sort of pairs: classes are short
		for j := i; j > 0 && r[j] < r[j-2]; j -= 2 {
			r[j], r[j+1], r[j-2], r[j-1] = r[j-2], r[j-1], r[j], r[j+1]
		}
	}
	out := r[:0]
	for i := 0; i < len(r); i += 2 {
		lo, hi := r[i], r[i+1]
		if n := len(out); n > 0 && lo <= out[n-1]+1 {
			out[n-1] = max(out[n-1], hi)
			continue
		}
		out = append(out, lo, hi)
	}
	return out
}

// negate returns the complement of clean ranges in [0, maxRune].
func negate(r []rune) []rune {
	out := make([]rune, 0, len(r)+2)
	next := rune(0)
	for i := 0; i < len(r); i += 2 {
		if r[i] > next {
			out = append(out, next, r[i]-1)
		}
		next = r[i+1] + 1
	}
	if next <= maxRune {
		out = append(out, next, maxRune)
	}
	return out
}

// beginsWithText reports whether every match must start at the beginning of
// the text (the pattern opens with \A, or ^ outside (?m)).
func beginsWithText(n *node) bool {
	for {
		switch n.op {
		case nAssert:
			return n.assert == ctxBeginText
		case nConcat:
			n = n.subs[0]
		default:
			return false
		}
	}
}

// trimEndText takes a final \z (or $ outside (?m)) off the pattern and
// reports whether it did: the matchers then count a match at the end of the
// text only, and the assertion no longer stands in the DFA's way.
func trimEndText(n *node) (*node, bool) {
	switch {
	case n.op == nAssert && n.assert == ctxEndText:
		return &node{op: nEmpty}, true
	case n.op == nConcat:
		if last := n.subs[len(n.subs)-1]; last.op == nAssert && last.assert == ctxEndText {
			return &node{op: nConcat, subs: n.subs[:len(n.subs)-1]}, true
		}
	}
	return n, false
}
