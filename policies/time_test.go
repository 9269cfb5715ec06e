package policies

import (
	"testing"
	"time"
)

// TestTimeErrors: a literal that can never be a timestamp or duration is
// refused when the policy loads, placed for people; pinned verbatim.
func TestTimeErrors(t *testing.T) {
	tests := []struct{ when, want string }{
		{`now < timestamp("2026-01-01")`, `policy.rules[0].when (rule "r"): 1:17: timestamp(): invalid RFC 3339 timestamp
 | now < timestamp("2026-01-01")
 | ................^`},
		{`now - duration("1d") > timestamp(0)`, `policy.rules[0].when (rule "r"): 1:16: duration(): invalid duration
 | now - duration("1d") > timestamp(0)
 | ...............^`},
		{`now < timestamp(253402300800)`, `policy.rules[0].when (rule "r"): 1:17: timestamp(): timestamp overflow
 | now < timestamp(253402300800)
 | ................^`},
		{`now < 1700000000`, `policy.rules[0].when (rule "r"): 1:5: found no matching overload for _<_ applied to (timestamp, int)
 | now < 1700000000
 | ....^`},
		{`now + now > now`, `policy.rules[0].when (rule "r"): 1:5: found no matching overload for _+_ applied to (timestamp, timestamp)
 | now + now > now
 | ....^`},
		{`source.port + 1 > 2`, `policy.rules[0].when (rule "r"): 1:13: arithmetic (+) is only supported on timestamps and durations
 | source.port + 1 > 2
 | ............^`},
		{`timestamp(1.5) < now`, `policy.rules[0].when (rule "r"): 1:1: found no matching overload for timestamp applied to (double)
 | timestamp(1.5) < now
 | ^`},
	}
	for _, tc := range tests {
		doc := `{"rules":[{"name":"r","action":"allow","when":` + jsonString(tc.when) + `}]}`
		if _, err := Compile([]byte(doc), "policy"); err == nil || err.Error() != tc.want {
			t.Errorf("%s:\n%v\nwant:\n%s", tc.when, err, tc.want)
		}
	}
}

// TestNow: now is the request's time; unset, it is an error, so a rule
// with a deadline fails closed instead of seeing the year 1.
func TestNow(t *testing.T) {
	p, err := Compile([]byte(`{"default":"allow","rules":[{"name":"after-cutoff","action":"deny","when":"now >= timestamp(\"2026-01-01T00:00:00Z\")"}]}`), "policy")
	if err != nil {
		t.Fatal(err)
	}
	if !p.Uses("now") {
		t.Error(`Uses("now") = false`)
	}
	tests := []struct {
		now    time.Time
		action Action
		reason string
	}{
		{time.Date(2025, 12, 31, 23, 59, 59, 999999999, time.UTC), Allow, "default"},
		{time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), Deny, "rule"},
		{time.Date(2026, 1, 1, 1, 0, 0, 0, time.FixedZone("CET", 3600)), Deny, "rule"},
		{time.Date(2025, 12, 31, 22, 59, 59, 0, time.FixedZone("X", -3600)), Allow, "default"},
		{time.Date(2025, 12, 31, 23, 0, 0, 0, time.FixedZone("X", -3600)), Deny, "rule"},
		{time.Time{}, Deny, "condition_error"},
	}
	for _, tc := range tests {
		if d := p.Decide(&Request{Now: tc.now}); d.Action != tc.action || d.Reason != tc.reason {
			t.Errorf("now %v: %v %s, want %v %s", tc.now, d.Action, d.Reason, tc.action, tc.reason)
		}
	}
}

// TestTimeDoesNotAllocate: the literal is parsed when the policy loads;
// a comparison with now, and a token claim read as a timestamp, cost no
// allocation.
func TestTimeDoesNotAllocate(t *testing.T) {
	r := fixture()
	for _, src := range []string{
		`now < timestamp("2026-01-01T00:00:00Z")`,
		`timestamp(int(user.claims.exp)) - now > duration("1h")`,
	} {
		e, err := compileExpr(src)
		if err != nil {
			t.Fatal(err)
		}
		if v := e(r); v.k != kBool || !v.b {
			t.Fatalf("%s = %s", src, show(v))
		}
		if n := testing.AllocsPerRun(100, func() { e(r) }); n != 0 {
			t.Errorf("%s: %v allocations per evaluation", src, n)
		}
	}
}
