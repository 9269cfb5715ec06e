package regex

import "unicode/utf8"

// An instruction of the compiled program. Characters are consumed by iClass,
// iAny and iAnyNotNL; the others are followed without reading anything.
type inst struct {
	op     instOp
	ctx    uint8  // iAssert: the ctx bit that must be set
	out    uint32 // the next instruction
	out1   uint32 // iSplit: the other next instruction
	lo, hi uint32 // iClass: its ranges are Regexp.ranges[lo:hi]
	ascii  [2]uint64
}

type instOp uint8

const (
	iMatch instOp = iota
	iSplit
	iAssert
	iClass
	iAny
	iAnyNotNL
)

// What is true between two characters, for the assertions.
const (
	ctxBeginLine uint8 = 1 << iota
	ctxEndLine
	ctxBeginText
	ctxEndText
	ctxWordBoundary
	ctxNoWordBoundary
)

type compiler struct {
	prog   []inst
	ranges []rune
	err    error
}

// compile emits the instructions of n, which go on to next when n has
// matched, and returns the first of them. Programs are built back to front,
// so that every instruction knows where it leads when it is emitted.
func (c *compiler) compile(n *node, next uint32) (uint32, error) {
	if c.err != nil {
		return 0, c.err
	}
	switch n.op {
	case nEmpty:
		return next, nil
	case nClass:
		in := inst{op: iClass, out: next, lo: uint32(len(c.ranges))}
		for i := 0; i < len(n.ranges); i += 2 {
			for r := n.ranges[i]; r <= min(n.ranges[i+1], utf8.RuneSelf-1); r++ {
				in.ascii[r>>6] |= 1 << (r & 63)
			}
			if n.ranges[i+1] >= utf8.RuneSelf {
				c.ranges = append(c.ranges, max(n.ranges[i], utf8.RuneSelf), n.ranges[i+1])
			}
		}
		in.hi = uint32(len(c.ranges))
		return c.emit(in), c.err
	case nAny:
		return c.emit(inst{op: iAny, out: next}), c.err
	case nAnyNotNL:
		return c.emit(inst{op: iAnyNotNL, out: next}), c.err
	case nAssert:
		return c.emit(inst{op: iAssert, ctx: n.assert, out: next}), c.err
	case nConcat:
		var err error
		for i := len(n.subs) - 1; i >= 0 && err == nil; i-- {
			next, err = c.compile(n.subs[i], next)
		}
		return next, err
	case nAlt:
		entry, err := c.compile(n.subs[len(n.subs)-1], next)
		for i := len(n.subs) - 2; i >= 0 && err == nil; i-- {
			var alt uint32
			alt, err = c.compile(n.subs[i], next)
			entry = c.emit(inst{op: iSplit, out: alt, out1: entry})
		}
		return entry, c.errOr(err)
	}
	return c.compileRepeat(n, next)
}

// compileRepeat emits x{min,max}: min copies of x, then either a loop (no
// max) or max-min nested optional copies, xx(x(x)?)? for x{2,4}.
func (c *compiler) compileRepeat(n *node, next uint32) (uint32, error) {
	x := n.subs[0]
	entry := next
	var err error
	if n.max < 0 {
		loop := c.emit(inst{op: iSplit, out1: next})
		if c.err != nil {
			return 0, c.err
		}
		var body uint32
		if body, err = c.compile(x, loop); err != nil {
			return 0, err
		}
		c.prog[loop].out = body
		entry = loop // x*: zero or more
		if n.min > 0 {
			entry = body // x+: once, then the loop
		}
		for i := 1; i < n.min && err == nil; i++ {
			entry, err = c.compile(x, entry)
		}
		return entry, err
	}
	for i := n.min; i < n.max && err == nil; i++ {
		var body uint32
		body, err = c.compile(x, entry)
		entry = c.emit(inst{op: iSplit, out: body, out1: next})
	}
	for i := 0; i < n.min && err == nil; i++ {
		entry, err = c.compile(x, entry)
	}
	return entry, c.errOr(err)
}

func (c *compiler) emit(in inst) uint32 {
	if len(c.prog) >= MaxInsts {
		if c.err == nil {
			c.err = &Error{Code: ErrTooLarge, Msg: "regular expression compiles to more than 5000 instructions"}
		}
		return 0
	}
	c.prog = append(c.prog, in)
	return uint32(len(c.prog) - 1)
}

func (c *compiler) errOr(err error) error {
	if err != nil {
		return err
	}
	return c.err
}

// machine holds the state of one match: the instructions that consume a
// character, at the current position and at the next, a mark per
// instruction saying it was reached at this position, and a stack to follow
// the instructions that consume nothing.
type machine struct {
	cur, next []uint32
	mark      []uint32 // mark[pc] == gen: pc was reached at this position
	gen       uint32
	stack     []uint32
	dfa       dfa // states met so far, when Regexp.dfa
}

func newMachine(n int) *machine {
	return &machine{
		cur:   make([]uint32, 0, n),
		next:  make([]uint32, 0, n),
		mark:  make([]uint32, n),
		stack: make([]uint32, 0, 2*n+1),
	}
}

// advance starts a new position: every mark becomes stale.
func (m *machine) advance() {
	if m.gen++; m.gen == 0 {
		clear(m.mark)
		m.gen = 1
	}
}

// match reports whether s contains a match, with the DFA when the program
// allows it, else by running every thread of the NFA one character at a time.
func (m *machine) match(re *Regexp, s string) bool {
	if re.dfa {
		return m.matchDFA(re, s)
	}
	m.advance()
	cur := m.cur[:0]
	r, _ := decode(s, 0)
	if m.follow(re, &cur, re.start, -1, r) && (!re.endAnchored || s == "") {
		return true
	}
	return m.run(re, s, 0, cur)
}

// run goes on from pos, where cur holds the threads waiting for the
// character there: it steps them all over each character, starts a new one
// at each position (unless the pattern is anchored at the start), and stops
// at the first match that counts (one at the end of the text only, if the
// pattern ends with \z).
func (m *machine) run(re *Regexp, s string, pos int, cur []uint32) bool {
	next := m.next[:0]
	r, w := decode(s, pos)
	for pos < len(s) {
		if re.anchored && len(cur) == 0 {
			return false
		}
		prev := r
		pos += w
		r, w = decode(s, pos)
		m.advance()
		next = next[:0]
		counts := !re.endAnchored || pos == len(s)
		for _, pc := range cur {
			if in := &re.prog[pc]; re.consumes(in, prev) && m.follow(re, &next, in.out, prev, r) && counts {
				return true
			}
		}
		if !re.anchored && m.follow(re, &next, re.start, prev, r) && counts {
			return true
		}
		cur, next = next, cur
	}
	return false
}

// follow adds to run the instructions that consume a character reachable
// from pc without consuming one, between characters r1 and r2 (-1 at the
// ends of the text), and reports whether it reached the match (the first
// time at this position only).
func (m *machine) follow(re *Regexp, run *[]uint32, pc uint32, r1, r2 rune) bool {
	if in := &re.prog[pc]; in.op >= iClass { // the common case: no stack needed
		if m.mark[pc] != m.gen {
			m.mark[pc] = m.gen
			*run = append(*run, pc)
		}
		return false
	}
	var ctx uint8 // what is true here, worked out at the first assertion
	matched := false
	stack := append(m.stack[:0], pc)
	for len(stack) > 0 {
		pc = stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if m.mark[pc] == m.gen {
			continue
		}
		m.mark[pc] = m.gen
		switch in := &re.prog[pc]; in.op {
		case iMatch:
			matched = true
		case iSplit:
			stack = append(stack, in.out1, in.out)
		case iAssert:
			if ctx == 0 {
				ctx = context(r1, r2)
			}
			if ctx&in.ctx != 0 {
				stack = append(stack, in.out)
			}
		default:
			*run = append(*run, pc)
		}
	}
	return matched
}

// consumes reports whether in accepts r.
func (re *Regexp) consumes(in *inst, r rune) bool {
	switch in.op {
	case iClass:
		if r < utf8.RuneSelf {
			return in.ascii[r>>6]&(1<<(r&63)) != 0
		}
		ranges := re.ranges[in.lo:in.hi]
		for len(ranges) > 0 { // binary search of the pairs
			i := len(ranges) / 4 * 2
			switch {
			case r < ranges[i]:
				ranges = ranges[:i]
			case r > ranges[i+1]:
				ranges = ranges[i+2:]
			default:
				return true
			}
		}
	case iAny:
		return true
	case iAnyNotNL:
		return r != '\n'
	}
	return false
}

// decode returns the character at s[i:] and its width, as Go's regexp
// reads text: an invalid byte is utf8.RuneError, one byte wide; past the
// end it is -1.
func decode(s string, i int) (rune, int) {
	if i >= len(s) {
		return -1, 0
	}
	if c := s[i]; c < utf8.RuneSelf {
		return rune(c), 1
	}
	return utf8.DecodeRuneInString(s[i:])
}

// context says which assertions hold between characters r1 and r2 (-1 at
// the ends of the text).
func context(r1, r2 rune) uint8 {
	var ctx uint8
	if r1 < 0 {
		ctx |= ctxBeginText | ctxBeginLine
	} else if r1 == '\n' {
		ctx |= ctxBeginLine
	}
	if r2 < 0 {
		ctx |= ctxEndText | ctxEndLine
	} else if r2 == '\n' {
		ctx |= ctxEndLine
	}
	if isWord(r1) != isWord(r2) {
		ctx |= ctxWordBoundary
	} else {
		ctx |= ctxNoWordBoundary
	}
	return ctx
}

func isWord(r rune) bool {
	return r >= 0 && r < utf8.RuneSelf && (isAlnum(byte(r)) || r == '_')
}
