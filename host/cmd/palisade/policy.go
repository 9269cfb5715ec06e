package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/palisade-wasm/palisade/policies"
	"github.com/palisade-wasm/palisade/policies/policytest"
)

func init() {
	commands["policy"] = command{
		summary: "check a policy, run its test cases, or explain a decision (policy check|test|explain)",
		run:     runPolicy,
	}
}

func runPolicy(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprintln(stderr, "usage: palisade policy check FILE | test CASES.yaml... | explain POLICY CASES.yaml [CASE NAME]")
		return 2
	}
	switch args[0] {
	case "check":
		return policyCheck(args[1:], stdout, stderr)
	case "test":
		return policyTest(args[1:], stdout, stderr)
	case "explain":
		return policyExplain(args[1:], stdout, stderr)
	}
	fmt.Fprintf(stderr, "palisade policy: unknown subcommand %q (check, test, explain)\n", args[0])
	return 2
}

// policyCheck compiles a policy (YAML or JSON) and prints its warnings;
// exit 1 if it does not compile.
func policyCheck(args []string, stdout, stderr io.Writer) int {
	if len(args) != 1 {
		fmt.Fprintln(stderr, "usage: palisade policy check FILE")
		return 2
	}
	p, err := policytest.LoadPolicy(args[0])
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	for _, w := range p.Warnings() {
		fmt.Fprintf(stdout, "%s: warning: %s\n", args[0], w)
	}
	var audit []string
	for _, r := range p.Rules {
		if r.Mode == policies.ModeAudit {
			audit = append(audit, r.Name)
		}
	}
	inAudit := ""
	if len(audit) > 0 {
		inAudit = fmt.Sprintf(" (%d in audit mode: %s)", len(audit), strings.Join(audit, ", "))
	}
	fmt.Fprintf(stdout, "%s: ok: %d rules%s, %s, default %s\n", args[0], len(p.Rules), inAudit, combining(p.Combining), p.Default)
	return 0
}

func combining(c policies.Combining) string {
	return [...]string{"deny-overrides", "first-applicable", "permit-overrides"}[c]
}

// policyTest runs case files like go test: a line per failure, PASS or
// FAIL per file, exit 1 on any failure.
func policyTest(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprintln(stderr, "usage: palisade policy test CASES.yaml...")
		return 2
	}
	failed := false
	for _, path := range args {
		p, f, err := policytest.LoadCases(path)
		if err != nil {
			fmt.Fprintln(stderr, err)
			failed = true
			continue
		}
		fails := 0
		for _, c := range f.Cases {
			r, err := c.Build()
			if err != nil {
				fmt.Fprintf(stdout, "--- FAIL: %s: %v\n", c.Name, err)
				fails++
				continue
			}
			d := p.Decide(r)
			got, rule := d.Action.String(), p.RuleName(d)
			if got != c.Expect.Decision || rule != c.Expect.Rule {
				fmt.Fprintf(stdout, "--- FAIL: %s\n    got %s by %s, want %s by %s\n", c.Name, got, ruleDesc(rule, d.Reason), c.Expect.Decision, ruleDesc(c.Expect.Rule, ""))
				fails++
			}
		}
		if fails > 0 {
			fmt.Fprintf(stdout, "FAIL\t%s\t%d of %d cases failed\n", path, fails, len(f.Cases))
			failed = true
		} else {
			fmt.Fprintf(stdout, "ok\t%s\t%d cases\n", path, len(f.Cases))
		}
	}
	if failed {
		return 1
	}
	return 0
}

func ruleDesc(rule, reason string) string {
	if rule == "" {
		return "the default"
	}
	s := "rule " + rule
	if reason == "condition_error" {
		s += " (its condition failed to evaluate)"
	}
	return s
}

// policyExplain shows, for the cases of a file (or the one named), every
// rule: matched or not, and the value of each part of its condition.
func policyExplain(args []string, stdout, stderr io.Writer) int {
	if len(args) < 1 || len(args) > 2 {
		fmt.Fprintln(stderr, "usage: palisade policy explain CASES.yaml [CASE NAME]")
		return 2
	}
	p, f, err := policytest.LoadCases(args[0])
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	shown := 0
	for _, c := range f.Cases {
		if len(args) == 2 && c.Name != args[1] {
			continue
		}
		shown++
		r, err := c.Build()
		if err != nil {
			fmt.Fprintf(stderr, "%s: %v\n", c.Name, err)
			return 1
		}
		traces, d := p.Explain(r)
		fmt.Fprintf(stdout, "%s: %s %s\n", c.Name, r.Method, r.Path)
		for _, t := range traces {
			mark := "-"
			switch {
			case !t.Matched:
				mark = "  no match"
			case t.Condition == "":
				mark = "  applies"
			default:
				mark = "  condition " + t.Condition
			}
			if t.Mode == policies.ModeAudit {
				mark += " (audit mode: decides nothing)"
			}
			fmt.Fprintf(stdout, "  %-6s %-45s %s\n", t.Action, t.Name, strings.TrimSpace(mark))
			for _, cl := range t.Clauses {
				fmt.Fprintf(stdout, "           %-50s = %s\n", cl.Src, cl.Value)
			}
		}
		fmt.Fprintf(stdout, "  decision: %s by %s\n", d.Action, ruleDesc(p.RuleName(d), d.Reason))
		if d.ShadowRule >= 0 {
			fmt.Fprintf(stdout, "  audit mode: %s would %s\n", ruleDesc(p.ShadowRuleName(d), d.ShadowReason), d.ShadowAction)
		}
	}
	if shown == 0 {
		fmt.Fprintf(stderr, "no case named %q\n", args[1])
		return 1
	}
	return 0
}
