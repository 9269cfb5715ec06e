package regex

import (
	"errors"
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"
)

// Go's regexp is the oracle: the policy language promises RE2, and cel-go
// evaluates matches() with Go's regexp.

// agree checks pattern against Go's regexp on every input: compiled by both
// or refused by both (or refused here only as unsupported or too large), and
// then the same answer for every input.
func agree(t *testing.T, pattern string, inputs ...string) (compiled bool) {
	t.Helper()
	want, goErr := regexp.Compile(pattern)
	got, err := Compile(pattern)
	switch {
	case goErr != nil && err == nil:
		t.Fatalf("Compile(%q) accepted a pattern Go's regexp refuses: %v", pattern, goErr)
	case goErr != nil:
		return false
	case err != nil:
		var e *Error
		if !errors.As(err, &e) || e.Code == ErrSyntax {
			t.Fatalf("Compile(%q) refused a pattern Go's regexp accepts, as a syntax error: %v", pattern, err)
		}
		return false
	}
	sameAnswers(t, got, want, inputs)
	if got.dfa { // the NFA must give the same answers: it takes over when the DFA's cache is full
		got.dfa = false
		defer func() { got.dfa = true }()
		sameAnswers(t, got, want, inputs)
	}
	return true
}

func sameAnswers(t *testing.T, got *Regexp, want *regexp.Regexp, inputs []string) {
	t.Helper()
	for _, s := range inputs {
		if g, w := got.MatchString(s), want.MatchString(s); g != w {
			t.Fatalf("%q.MatchString(%q) = %v (DFA: %v), Go's regexp says %v", want, s, g, got.dfa, w)
		}
	}
}

// TestDFACacheFull runs a pattern whose DFA has 2^13 states over texts that
// meet far more than maxStates of them: the match must go on with the NFA
// and agree with Go's regexp.
func TestDFACacheFull(t *testing.T) {
	const pattern = `^(a|b)*a(a|b){12}$`
	re, err := Compile(pattern)
	if err != nil || !re.dfa {
		t.Fatalf("Compile(%q) = %v, dfa %v", pattern, err, re != nil && re.dfa)
	}
	r := rand.New(rand.NewPCG(3, 4))
	var texts []string
	for range 200 {
		b := make([]byte, 100+r.IntN(100))
		for i := range b {
			b[i] = "ab"[r.IntN(2)]
		}
		texts = append(texts, string(b))
	}
	sameAnswers(t, re, regexp.MustCompile(pattern), texts)
	m := re.idle.Load()
	if m == nil || len(m.dfa.states) != maxStates {
		t.Fatalf("the DFA cache did not fill up: the test no longer reaches the NFA fallback")
	}
}

var texts = []string{
	"", "a", "A", "ab", "abc", "aab", "ba", "abab", "xyz", "k", "K", "\u212a", "s", "S", "\u017f", "_", "-", "0", "09", "123",
	"a1", "a b", " ", "\t", "\n", "a\n", "\na", "a\nb", "\n\n", "é", "aé", "€", "\xff", "a\xffb", "\xe2\x82", "\xef\xbf\xbd",
	"hello world", "Hello_World-2", "/api/v1/users/42", "alice@example.com", "Bob@Example.COM", "x-123", "{}", "a{2}", "[a]",
	"\x00", "\x7f", "\U0010ffff", "ab\ncd\n", "AbC", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaab",
}

func TestAgreesWithGo(t *testing.T) {
	accepted := []string{
		``, `a`, `abc`, `^abc$`, `a|b`, `a|`, `|b`, `(a|b)*c`, `a*`, `a+`, `a?`, `a*?`, `a+?`, `a??`, `a{2}`, `a{2,}`, `a{2,3}`,
		`a{0}`, `a{0,0}`, `(a{2}){3}`, `a{1000}`, `x{,3}`, `a{`, `a{1`, `a{1,`, `a{01}`, `{`, `}`, `]`, `a]`, `.`, `.*`, `(?s).`,
		`^`, `$`, `^$`, `(?m)^a$`, `(?m)^$`, `(?m:^b)`, `\A`, `\z`, `\Aa`, `a\z`, `\b`, `\B`, `\ba\b`, `\Bb`, `^*`, `$+`, `\b?`,
		`(^)*a`, `()`, `()*`, `(?:)`, `(?:)*`, `(a*)*`, `(a*)+b`, `(a|b|)+`, `(?:a|ab)(c|bcd)`, `[a]`, `[^a]`, `[]a]`, `[^]a]`,
		`[a-c]`, `[a-]`, `[-a]`, `[a-c-e]`, `[\d]`, `[^\d\s]`, `[\W]`, `[[:alpha:]]`, `[[:^alpha:]_]`, `[[:word:][:punct:]]`,
		`[[:digit:]-z]`, `\d`, `\D`, `\s`, `\S`, `\w`, `\W`, `\.`, `\-`, `\_`, `\ `, `\n`, `\t`, `\a\f\v\r`, `\x41`, `\x{41}`,
		`\x{212a}`, `\x{10ffff}`, `\0`, `\012`, `\0123`, `\101`, `[\x00-\x{10ffff}]`, `[^\x00-\x{10ffff}]`, `\Qa.b\E`, `\Qa.b`,
		`\Q\E`, `a\Q\E*`, `\Qab\E+`, `(?i)a`, `(?i)k`, `(?i)s`, `(?i)K`, `(?i)S`, `(?i)[k]`, `(?i)[a-z]`, `(?i)[^k]`, `(?i)\w`,
		`(?i)\W`, `(?i)[\W]`, `(?i)[^\W]`, `(?i)[[:upper:]]`, `(?i)[[:^lower:]]`, `(?i)\d`, `(?i)[0-9_]`, `(?i)[\x00-\x{10ffff}]`,
		`(?i)[\x{1e944}-\x{10ffff}]`, `(?i)\x{1f600}`, `(?i)€?`, `(?-i)a`, `(?i-i)a`, `(?m-m)^a`, `(?im)^A$`, `(?i)a(?-i)b`,
		`(a(?i)b|c)d`, `a(?i)*`, `(?)`, `(?U)a+`, `(?P<name>a)`, `(?<n_1>a)b`, `(?P<x>a)(?P<x>b)`, `a(?i)B|C`, `é`, `[é-ü]`,
		`\x{ffff}`, `[^a]+`, `[^\n]`, `(?s:.)+`, `^[a-z]+@example\.com$`, `^/api/v[0-9]+/users/[a-z0-9-]+$`, `^x-\d{3}$`,
		`(?i)^bob@example\.com$`, `[a-c]{2,4}b`, `(a|ab)(c|bcd)(d*)`, `(?:a{2}){500}`, `(a{10}){100}`, `\pN`, `\p{Greek}`,
		`[\pL]`, `\PL`, `(?i)é`, `(?i)[a-é]`, `(?i)\x{212a}`,
	}
	for _, p := range accepted {
		agree(t, p, texts...)
	}
}

func TestRefusesWhatGoRefuses(t *testing.T) {
	for _, p := range []string{
		`(`, `)`, `a)`, `(a`, `((a)`, `[`, `[a`, `[]`, `[^]`, `[z-a]`, `[a-\d]`, `*`, `+a`, `?`, `a**`, `a*+`, `a+*`, `a*??`,
		`a{2}{3}`, `a{2}*`, `{2}`, `a|*`, `(*)`, `(?i)*`, `a{1001}`, `a{2,1}`, `a{99999999999}`, `(a{2}){501}`, `(a{1000}){2}`,
		`\`, `a\`, `\8`, `\1`, `\18`, `\x`, `\x4`, `\xg1`, `\x{}`, `\x{110000}`, `\x{41`, `\q`, `\Z`, `\C`, `[\b]`, `[\A]`,
		`(?`, `(?i`, `(?x)`, `(?-)`, `(?i-)`, `(?--i)`, `(?P=n)`, `(?P<>a)`, `(?P<n!>a)`, `(?<n`, `(?P<n`, `[[:foo:]]`,
		`[[:alpha:]`, "a\xffb", `(?<=a)b`, `(?!a)`, `\p`, `\p{Foo}`,
	} {
		if _, err := regexp.Compile(p); err == nil {
			t.Fatalf("Go's regexp accepts %q: the test is wrong", p)
		}
		if _, err := Compile(p); err == nil {
			t.Errorf("Compile(%q) succeeded", p)
		}
	}
}

func TestUnsupported(t *testing.T) {
	for p, msg := range map[string]string{
		`\pL`:          `Unicode classes (\p, \P) are not supported`,
		`[\P{Greek}]`:  `Unicode classes`,
		`(?i)é`:        `case-insensitive matching of letters outside ASCII is not supported`,
		`(?i)[a-\xff]`: `outside ASCII`,
		"(?i)\u212a":   `outside ASCII`,
	} {
		_, err := Compile(p)
		var e *Error
		if !errors.As(err, &e) || e.Code != ErrUnsupported || !strings.Contains(err.Error(), msg) {
			t.Errorf("Compile(%q) = %v, want an ErrUnsupported saying %q", p, err, msg)
		}
	}
	long := strings.Repeat("a", MaxPattern+1)
	if _, err := Compile(long); err == nil || err.(*Error).Code != ErrTooLarge {
		t.Errorf("a pattern of %d bytes: %v", len(long), err)
	}
	// Go accepts these; they compile to more instructions than a policy may run per character.
	for _, p := range []string{`[a-z]{1000}[a-z]{1000}[a-z]{1000}[a-z]{1000}[a-z]{1000}[a-z]`, `((ab|cd){10}){100}`} {
		if _, err := Compile(p); err == nil || err.(*Error).Code != ErrTooLarge {
			t.Errorf("Compile(%q) = %v, want ErrTooLarge", p, err)
		}
		agree(t, p) // still refused only for its size
	}
}

// gen writes random patterns from RE2's syntax, valid and not, over a small
// alphabet chosen to meet the edge cases: case folding's odd runes, newlines,
// word boundaries, runes outside ASCII and invalid UTF-8.
type gen struct{ r *rand.Rand }

var (
	genChars = []string{"a", "b", "k", "K", "s", "S", "_", "0", "9", " ", "\n", "-", "é", "\u212a", "\u017f", "€", "x"}
	genAtoms = []string{".", `\d`, `\D`, `\w`, `\W`, `\s`, `\S`, `\b`, `\B`, "^", "$", `\A`, `\z`, `\x41`, `\x{212a}`, `\.`,
		`\n`, `\012`, `\Qa.\E`, `\Q`, `\E`, "(?i)", "(?m)", "(?s)", "(?-i)", "(?i-m)", "(", ")", "[", "]", "{", "}", `\`, "*",
		"|", `\pL`, "(?P<n>", "(?:", `\x{1e944}`}
	genClassItems = []string{"a", "b", "k", "S", "z", "-", "]", "^", `\d`, `\W`, `\s`, "[:alpha:]", "[:^word:]", "[:upper:]",
		`\x{212a}`, "é", `\n`, "a-z", "A-Z", "0-9", "a-k", "\u017f", `\x00-\x{10ffff}`, "[", `\-`}
	genRepeats = []string{"*", "+", "?", "*?", "+?", "??", "{2}", "{0}", "{1,}", "{0,2}", "{1,3}", "{3,2}", "{,2}", "**"}
)

func (g gen) pattern(depth int) string {
	var b strings.Builder
	for n := g.r.IntN(5); n >= 0; n-- {
		switch k := g.r.IntN(12); {
		case k < 4:
			b.WriteString(genChars[g.r.IntN(len(genChars))])
		case k < 6:
			b.WriteString(genAtoms[g.r.IntN(len(genAtoms))])
		case k < 8:
			b.WriteString("[")
			if g.r.IntN(3) == 0 {
				b.WriteString("^")
			}
			for m := g.r.IntN(3); m >= 0; m-- {
				b.WriteString(genClassItems[g.r.IntN(len(genClassItems))])
			}
			b.WriteString("]")
		case k < 10 && depth < 3:
			open := []string{"(", "(?:", "(?i:", "(?s:", "(?m:", "(?P<g>", "(?-i:"}[g.r.IntN(7)]
			b.WriteString(open + g.pattern(depth+1))
			if g.r.IntN(3) == 0 {
				b.WriteString("|" + g.pattern(depth+1))
			}
			b.WriteString(")")
		case k == 10:
			b.WriteString("|")
		default:
			b.WriteString(genRepeats[g.r.IntN(len(genRepeats))])
		}
		if g.r.IntN(4) == 0 {
			b.WriteString(genRepeats[g.r.IntN(len(genRepeats))])
		}
	}
	return b.String()
}

func (g gen) text() string {
	var b strings.Builder
	for n := g.r.IntN(8); n > 0; n-- {
		if g.r.IntN(10) == 0 {
			b.WriteString([]string{"\xff", "\xe2\x84", "\x00", "é"}[g.r.IntN(4)])
			continue
		}
		b.WriteString(genChars[g.r.IntN(len(genChars))])
	}
	return b.String()
}

func TestRandomAgainstGo(t *testing.T) {
	n := 30000
	if testing.Short() {
		n = 3000
	}
	g := gen{rand.New(rand.NewPCG(1, 2))}
	var compiled int
	for range n {
		p := g.pattern(0)
		inputs := make([]string, 0, len(texts)+20)
		inputs = append(inputs, texts...)
		for range 20 {
			inputs = append(inputs, g.text())
		}
		if agree(t, p, inputs...) {
			compiled++
		}
	}
	// The generator must reach both sides; a change that made every pattern
	// invalid would otherwise pass.
	if compiled < n/5 || compiled > n*9/10 {
		t.Fatalf("%d of %d random patterns compiled: the generator has drifted", compiled, n)
	}
	t.Logf("%d of %d random patterns compiled and agreed with Go's regexp", compiled, n)
}

func FuzzMatch(f *testing.F) {
	for _, p := range []string{`^[a-z]+@example\.com$`, `(?i)k+s`, `(a|ab)(c|bcd)`, `\b\w+\b`, `(?m)^$`, `[^\n]{2,3}`, `\Qa\E*`} {
		f.Add(p, "Alice@example.com\nks\u212a\u017f")
	}
	f.Fuzz(func(t *testing.T, pattern, text string) {
		if len(pattern) > 200 {
			return // keep each run short; size limits have their own test
		}
		agree(t, pattern, text, "", text+"\n", "\n"+text)
	})
}

func TestMatchDoesNotAllocate(t *testing.T) {
	re, err := Compile(`(?i)^/api/v[0-9]+/users/[a-z0-9-]+$|\bbob\b`)
	if err != nil {
		t.Fatal(err)
	}
	s := "/API/v12/users/alice-42"
	if n := testing.AllocsPerRun(100, func() { re.MatchString(s) }); n != 0 {
		t.Fatalf("MatchString allocates %v times per call", n)
	}
}

func TestConcurrentMatch(t *testing.T) {
	re, err := Compile(`^(a|b)*c$`)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan bool)
	for i := range 4 {
		go func() {
			ok := true
			for j := range 1000 {
				s := strings.Repeat("ab", (i+j)%7) + "c"
				ok = ok && re.MatchString(s) && !re.MatchString(s+"d")
			}
			done <- ok
		}()
	}
	for range 4 {
		if !<-done {
			t.Fatal("a concurrent match gave a wrong answer")
		}
	}
}

func BenchmarkMatch(b *testing.B) {
	for _, c := range []struct{ name, pattern, text string }{
		{"email", `^[a-z0-9._-]+@example\.com$`, "alice.smith@example.com"},
		{"path", `^/api/v[0-9]+/users/[a-z0-9-]+$`, "/api/v2/users/alice-42"},
		{"search", `\bclinician\b`, "role=staff clinician ward=3"},
	} {
		ours, err := Compile(c.pattern)
		if err != nil {
			b.Fatal(err)
		}
		theirs := regexp.MustCompile(c.pattern)
		b.Run(c.name+"/palisade", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				ours.MatchString(c.text)
			}
		})
		b.Run(c.name+"/regexp", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				theirs.MatchString(c.text)
			}
		})
	}
}
