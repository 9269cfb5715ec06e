package policies

type nodeKind uint8

const (
	nLit nodeKind = iota
	nIdent
	nSelect // target.name
	nIndex  // args[0][args[1]]
	nCall   // name(args...) or target.name(args...)
	nUnary  // op args[0]
	nBinary // args[0] op args[1]
	nCond   // args[0] ? args[1] : args[2]
	nList   // [args...]
	nHas    // has(args[0]), args[0] a selection
	nMacro  // target.name(args[0], args[1]): exists, all, exists_one; args[0] is the variable (bind)
)

// node is a parsed expression.
type node struct {
	kind   nodeKind
	pos    int
	op     string
	name   string
	bind   string // the variable of a macro
	lit    value
	target *node
	args   []*node
	// deps is what the node reads (see compiler.deps), once known.
	deps      uint8
	depsKnown bool
}
