package regex

import (
	"slices"
	"unicode/utf8"
)

// The DFA is built lazily, one state per set of NFA threads met while
// matching, each with its transitions on ASCII characters filled in as they
// are taken. It serves patterns whose only assertion is \A (a final \z is
// taken off when compiling): for them the threads after a character depend
// on the threads before it and the character alone. A state is a few
// machine words per thread plus a pointer per class of ASCII characters, and
// a machine keeps at most maxStates of them per pattern; past that, a match
// goes on with the NFA from where the DFA stopped.
const maxStates = 128

type dstate struct {
	pcs   []uint32 // the threads: instructions that consume a character, sorted
	match bool     // the match was reached on the way here
	next  []*dstate
}

type dfa struct {
	states map[string]*dstate
	start  *dstate
	key    []byte
}

func (m *machine) matchDFA(re *Regexp, s string) bool {
	d := &m.dfa
	if d.start == nil {
		d.states = make(map[string]*dstate)
		m.advance()
		cur := m.cur[:0]
		match := m.follow(re, &cur, re.start, -1, -1)
		d.start = d.intern(re, cur, match)
	}
	st := d.start
	for pos := 0; ; {
		if st.match && (!re.endAnchored || pos == len(s)) {
			return true
		}
		if pos == len(s) || re.anchored && len(st.pcs) == 0 {
			return false
		}
		var next *dstate
		if c := s[pos]; c < utf8.RuneSelf {
			class := re.classOf[c]
			if next = st.next[class]; next == nil {
				if next = m.step(re, st, rune(c)); next == nil {
					return m.run(re, s, pos, append(m.cur[:0], st.pcs...))
				}
				st.next[class] = next
			}
			pos++
		} else {
			r, w := utf8.DecodeRuneInString(s[pos:])
			if next = m.step(re, st, r); next == nil {
				return m.run(re, s, pos, append(m.cur[:0], st.pcs...))
			}
			pos += w
		}
		st = next
	}
}

// step returns the state after st reads r, or nil if it is new and the
// cache is full.
func (m *machine) step(re *Regexp, st *dstate, r rune) *dstate {
	m.advance()
	next := m.next[:0]
	match := false
	// Past the first position no \A holds, whatever the characters are.
	for _, pc := range st.pcs {
		if in := &re.prog[pc]; re.consumes(in, r) {
			match = m.follow(re, &next, in.out, 0, 0) || match
		}
	}
	if !re.anchored {
		match = m.follow(re, &next, re.start, 0, 0) || match
	}
	return m.dfa.intern(re, next, match)
}

// intern returns the state of these threads, made if it is new and there
// is room for it.
func (d *dfa) intern(re *Regexp, pcs []uint32, match bool) *dstate {
	slices.Sort(pcs)
	key := d.key[:0]
	for _, pc := range pcs {
		key = append(key, byte(pc), byte(pc>>8), byte(pc>>16))
	}
	if match {
		key = append(key, 1)
	}
	d.key = key
	if st, ok := d.states[string(key)]; ok {
		return st
	}
	if len(d.states) >= maxStates {
		return nil
	}
	st := &dstate{pcs: slices.Clone(pcs), match: match, next: make([]*dstate, re.classes)}
	d.states[string(key)] = st
	return st
}

// byteClasses groups the ASCII characters that every instruction consuming
// a character accepts or refuses alike, so that a state needs a transition
// per group rather than per character.
func (re *Regexp) byteClasses() {
	seen := make(map[string]uint8)
	sig := make([]byte, 0, len(re.prog))
	for c := rune(0); c < utf8.RuneSelf; c++ {
		sig = sig[:0]
		for i := range re.prog {
			if in := &re.prog[i]; in.op >= iClass {
				sig = append(sig, b2u(re.consumes(in, c)))
			}
		}
		class, ok := seen[string(sig)]
		if !ok {
			class = uint8(len(seen))
			seen[string(sig)] = class
		}
		re.classOf[c] = class
	}
	re.classes = len(seen)
}

func b2u(b bool) byte {
	if b {
		return 1
	}
	return 0
}
