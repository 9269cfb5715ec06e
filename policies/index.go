package policies

import (
	"math/bits"
	"slices"
	"strings"
)

// The index picks, before any rule is evaluated, the rules whose match
// can apply to a request, so a decision over a thousand rules visits the
// few that concern it. It is built once when the policy compiles:
//
//   - paths: a trie of path template segments. Each node has literal
//     children (exact, and ignore_case ones compared with EqualFold), one
//     child for "*" and "{name}" (any non-empty segment), the rules whose
//     template ends at the node and those whose template ends there with
//     "**". Walking it with the request path reaches exactly the rules one
//     of whose templates matches; rules without paths are always in.
//   - methods and routes: for each value named by some rule, the set of
//     rules it satisfies (those naming it and those naming none).
//   - hosts: exact hosts, and the suffixes of "*.example.com" wildcards,
//     looked up with the request host lower-cased.
//
// The sets are bitsets over rule indexes, intersected on the stack, and
// read in ascending order: the rules are visited in document order, as
// first-applicable needs. The index only narrows: each rule it yields is
// still checked whole by applies, which also records the captures of its
// first matching template. Where a value cannot be looked up exactly (a
// host that is not ASCII, a very long one) the index yields every rule
// constrained on it and applies decides.

// maxIndexedRules bounds the rules an index covers, so the sets of one
// decision fit on the stack (two sets of 512 bytes). A document with more
// rules is evaluated rule by rule.
const maxIndexedRules = 4096

const maxSetWords = maxIndexedRules / 64

// maxIndexedHost bounds the host length looked up in the index; a longer
// host makes every host-constrained rule a candidate.
const maxIndexedHost = 255

// ruleSet has bit i set for rule i.
type ruleSet []uint64

func (s ruleSet) add(i int) { s[i>>6] |= 1 << (i & 63) }

func (s ruleSet) and(o ruleSet) {
	for i := range s {
		s[i] &= o[i]
	}
}

func (s ruleSet) or(o ruleSet) {
	for i := range s {
		s[i] |= o[i]
	}
}

// ruleList is the rules filed under a key: their indexes, and once there
// are more than a set has words, the set too (an OR of the words is then
// cheaper than setting each bit).
type ruleList struct {
	ids []int32
	set ruleSet
}

// add files rule i, once (a rule may name a host twice).
func (l *ruleList) add(i, words int) {
	if n := len(l.ids); n > 0 && l.ids[n-1] == int32(i) {
		return
	}
	l.ids = append(l.ids, int32(i))
	if l.set == nil && len(l.ids) > words {
		l.set = make(ruleSet, words)
		for _, id := range l.ids[:len(l.ids)-1] {
			l.set.add(int(id))
		}
	}
	if l.set != nil {
		l.set.add(i)
	}
}

func (s ruleSet) addAll(l *ruleList) {
	if l == nil {
		return
	}
	if l.set != nil {
		s.or(l.set)
		return
	}
	for _, i := range l.ids {
		s[i>>6] |= 1 << (i & 63)
	}
}

// next returns the first rule at or after i in s, or -1.
func (s ruleSet) next(i int) int {
	w := i >> 6
	if w >= len(s) {
		return -1
	}
	if m := s[w] >> (i & 63); m != 0 {
		return i + bits.TrailingZeros64(m)
	}
	for w++; w < len(s); w++ {
		if s[w] != 0 {
			return w<<6 + bits.TrailingZeros64(s[w])
		}
	}
	return -1
}

type index struct {
	words int
	paths *pathNode
	// noPath are the rules without paths: every path is theirs.
	noPath ruleSet

	methods []keyedSet // nil when no rule names a method
	// anyMethod are the rules that name no method.
	anyMethod ruleSet

	routes   map[string]ruleSet // nil when no rule names a route
	anyRoute ruleSet

	hosts      map[string]*ruleList // lower-case host -> rules naming it
	hostSuffix map[string]*ruleList // ".example.com" -> rules naming "*.example.com"
	hostsUsed  bool
	anyHost    ruleSet // rules naming no host, or one the index cannot look up
}

type keyedSet struct {
	key string
	set ruleSet
}

// pathNode is a node of the template trie; the root stands for the
// leading "/".
type pathNode struct {
	// The exact literal children are in lit while the trie is built; a
	// node with up to maxEdges of them then has them in edges instead,
	// compared one by one (length and first byte before the call that
	// compares the rest): inside wasm a string-keyed map lookup costs
	// about a microsecond, several calls.
	lit   map[string]*pathNode
	edges []edge
	fold  []edge
	wild  *pathNode
	leaf  bool     // no children: the walk stops here
	end   ruleList // rules with a template ending here
	rest  ruleList // rules with a template ending here with "**"
}

// maxEdges is the most literal children a node compares one by one (a
// variable for the tests, which try both forms).
var maxEdges = 16

type edge struct {
	lit  string
	node *pathNode
}

// newIndex indexes rules; nil when there are too many.
func newIndex(rules []Rule) *index {
	if len(rules) > maxIndexedRules {
		return nil
	}
	ix := &index{words: (len(rules) + 63) / 64, paths: &pathNode{}}
	set := func() ruleSet { return make(ruleSet, ix.words) }
	ix.noPath, ix.anyMethod, ix.anyRoute, ix.anyHost = set(), set(), set(), set()
	for i := range rules {
		r := &rules[i]
		if len(r.paths) == 0 {
			ix.noPath.add(i)
		}
		for t := range r.paths {
			ix.paths.insert(&r.paths[t], i, ix.words)
		}
		if len(r.methods) == 0 {
			ix.anyMethod.add(i)
		}
		if len(r.routes) == 0 {
			ix.anyRoute.add(i)
		}
		ix.indexHosts(r.hosts, i)
	}
	ix.paths.seal()
	for i := range rules {
		for _, m := range rules[i].methods {
			k := ix.method(m)
			if k == nil {
				ix.methods = append(ix.methods, keyedSet{key: m, set: set()})
				k = ix.methods[len(ix.methods)-1].set
				k.or(ix.anyMethod)
			}
			k.add(i)
		}
		for _, rt := range rules[i].routes {
			if ix.routes == nil {
				ix.routes = map[string]ruleSet{}
			}
			k, ok := ix.routes[rt]
			if !ok {
				k = set()
				k.or(ix.anyRoute)
				ix.routes[rt] = k
			}
			k.add(i)
		}
	}
	return ix
}

func (ix *index) method(m string) ruleSet {
	for _, k := range ix.methods {
		if k.key == m {
			return k.set
		}
	}
	return nil
}

// indexHosts files rule i under its hosts (lower-cased when compiled).
// Hosts that are not ASCII are compared by applies only: EqualFold
// matches some of them with ASCII hosts ("ſ" and "s").
func (ix *index) indexHosts(hosts []string, i int) {
	if len(hosts) == 0 {
		ix.anyHost.add(i)
		return
	}
	ix.hostsUsed = true
	for _, h := range hosts {
		if !isASCII(h) || len(h) > maxIndexedHost {
			ix.anyHost.add(i)
			return
		}
	}
	if ix.hosts == nil {
		ix.hosts, ix.hostSuffix = map[string]*ruleList{}, map[string]*ruleList{}
	}
	file := func(m map[string]*ruleList, k string) {
		l := m[k]
		if l == nil {
			l = &ruleList{}
			m[k] = l
		}
		l.add(i, ix.words)
	}
	for _, h := range hosts {
		file(ix.hosts, h)
		if strings.HasPrefix(h, "*.") {
			file(ix.hostSuffix, h[1:])
		}
	}
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

func (n *pathNode) insert(tp *template, rule, words int) {
	for _, s := range tp.segs {
		switch {
		case s.any || s.capture != "":
			if n.wild == nil {
				n.wild = &pathNode{}
			}
			n = n.wild
		case tp.fold:
			var next *pathNode
			for _, e := range n.fold {
				if e.lit == s.lit {
					next = e.node
				}
			}
			if next == nil {
				next = &pathNode{}
				n.fold = append(n.fold, edge{lit: s.lit, node: next})
			}
			n = next
		default:
			next := n.lit[s.lit]
			if next == nil {
				if n.lit == nil {
					n.lit = map[string]*pathNode{}
				}
				next = &pathNode{}
				n.lit[s.lit] = next
			}
			n = next
		}
	}
	if tp.rest {
		n.rest.add(rule, words)
	} else {
		n.end.add(rule, words)
	}
}

// seal moves the literal children of small nodes from lit to edges,
// and marks the leaves, once the trie is built.
func (n *pathNode) seal() {
	if len(n.lit) <= maxEdges {
		for lit, next := range n.lit {
			n.edges = append(n.edges, edge{lit: lit, node: next})
		}
		slices.SortFunc(n.edges, func(a, b edge) int { return strings.Compare(a.lit, b.lit) }) // the same order every time
		n.lit = nil
	}
	n.leaf = len(n.lit) == 0 && len(n.edges) == 0 && len(n.fold) == 0 && n.wild == nil
	for _, e := range n.edges {
		e.node.seal()
	}
	for _, next := range n.lit {
		next.seal()
	}
	for _, e := range n.fold {
		e.node.seal()
	}
	if n.wild != nil {
		n.wild.seal()
	}
}

// walk adds to set the rules of every template matching the rest of the
// path below n, as template.match reads it: rest is what follows the
// last '/' consumed, done that the path has no segment left.
func (n *pathNode) walk(rest string, done bool, set ruleSet) {
	set.addAll(&n.rest)
	if done {
		set.addAll(&n.end)
		return
	}
	if n.leaf {
		return // no template goes deeper
	}
	if n.lit == nil && n.fold == nil && n.wild == nil {
		// Only exact literals: each compared with the start of rest,
		// without looking for the next '/' first (inside wasm, a call).
		for _, e := range n.edges {
			if after, last, ok := cutLiteral(rest, e.lit); ok {
				e.node.walk(after, last, set)
				break
			}
		}
		return
	}
	var seg string
	if i := strings.IndexByte(rest, '/'); i >= 0 {
		seg, rest = rest[:i], rest[i+1:]
	} else {
		seg, rest, done = rest, "", true
	}
	if n.lit != nil {
		if next := n.lit[seg]; next != nil {
			next.walk(rest, done, set)
		}
	} else {
		for _, e := range n.edges {
			if len(e.lit) == len(seg) && (seg == "" || e.lit[0] == seg[0]) && e.lit == seg {
				e.node.walk(rest, done, set)
				break
			}
		}
	}
	for _, e := range n.fold {
		if strings.EqualFold(seg, e.lit) {
			e.node.walk(rest, done, set)
		}
	}
	if n.wild != nil && seg != "" {
		n.wild.walk(rest, done, set)
	}
}

// candidates writes into set (ix.words long) the rules whose match may
// apply to r: a superset of those that do, in which a rule is absent
// only if it cannot apply. host is a scratch set of the same length.
func (ix *index) candidates(r *Request, set, host ruleSet) {
	copy(set, ix.noPath)
	if p := r.Path; p != "" && p[0] == '/' {
		ix.paths.walk(p[1:], p == "/", set)
	}
	if ix.methods != nil {
		m := ix.method(r.Method)
		if m == nil {
			m = ix.anyMethod
		}
		set.and(m)
	}
	if ix.routes != nil {
		rt, ok := ix.routes[r.Route]
		if !ok {
			rt = ix.anyRoute
		}
		set.and(rt)
	}
	if ix.hostsUsed && ix.hostSet(r.Host, host) {
		set.and(host)
	}
}

// hostSet writes into set the rules whose hosts may match h, as hostMatch
// compares them, and reports false when h cannot be looked up (then
// every rule may match).
func (ix *index) hostSet(h string, set ruleSet) bool {
	if i := strings.LastIndexByte(h, ':'); i >= 0 && !strings.Contains(h[i:], "]") {
		h = h[:i]
	}
	if len(h) > maxIndexedHost {
		return false
	}
	var buf [maxIndexedHost]byte
	for i := 0; i < len(h); i++ {
		c := h[i]
		if c >= 0x80 {
			return false
		}
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf[i] = c
	}
	lower := buf[:len(h)]
	copy(set, ix.anyHost)
	set.addAll(ix.hosts[string(lower)])
	for i := 1; i < len(lower); i++ {
		if lower[i] == '.' {
			set.addAll(ix.hostSuffix[string(lower[i:])])
		}
	}
	return true
}
