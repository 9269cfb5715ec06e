package policies

import "testing"

// TestNetworkErrors: a literal that is not an IP or CIDR is refused when
// the policy loads, under its place; pinned verbatim.
func TestNetworkErrors(t *testing.T) {
	tests := []struct{ when, want string }{
		{`cidr("10.0.0.0/33").containsIP(source.ip)`, `policy.rules[0].when (rule "r"): 1:6: cidr(): invalid CIDR
 | cidr("10.0.0.0/33").containsIP(source.ip)
 | .....^`},
		{`ip("::ffff:10.0.0.1") == ip(source.ip)`, `policy.rules[0].when (rule "r"): 1:4: ip(): invalid IP address
 | ip("::ffff:10.0.0.1") == ip(source.ip)
 | ...^`},
		{`cidr("10.0.0.0/8").containsIP(source.port)`, `policy.rules[0].when (rule "r"): 1:20: found no matching overload for containsIP applied to (net.CIDR, int)
 | cidr("10.0.0.0/8").containsIP(source.port)
 | ...................^`},
	}
	for _, tc := range tests {
		doc := `{"rules":[{"name":"r","action":"allow","when":` + jsonString(tc.when) + `}]}`
		if _, err := Compile([]byte(doc), "policy"); err == nil || err.Error() != tc.want {
			t.Errorf("%s:\n%v\nwant:\n%s", tc.when, err, tc.want)
		}
	}
}

// TestSourceIP: the peer address against ranges, IPv4 and IPv6; an
// address the host did not give (or gave badly) is an error, so a deny
// rule on ranges fails closed.
func TestSourceIP(t *testing.T) {
	e, err := compileExpr(`cidr("10.0.0.0/8").containsIP(source.ip) || cidr("2001:db8::/32").containsIP(source.ip)`)
	if err != nil {
		t.Fatal(err)
	}
	for ip, want := range map[string]string{
		"10.255.0.1": "true", "11.0.0.1": "false", "2001:db8::7": "true", "2001:db9::7": "false",
		"::ffff:10.0.0.1": "error: invalid IP address", "": "error: invalid IP address", "10.0.0.1%eth0": "error: invalid IP address",
	} {
		if got := show(e(&Request{SourceIP: ip})); got != want {
			t.Errorf("source.ip %q: %s, want %s", ip, got, want)
		}
	}
}

// TestNetworkDoesNotAllocate: the range is parsed when the policy loads,
// source.ip per evaluation, without allocating.
func TestNetworkDoesNotAllocate(t *testing.T) {
	for _, src := range []string{
		`cidr("10.0.0.0/8").containsIP(source.ip)`,
		`!cidr("2001:db8::/32").containsIP(source.ip) && ip(source.ip).family() == 4 && !ip(source.ip).isLoopback()`,
	} {
		e, err := compileExpr(src)
		if err != nil {
			t.Fatal(err)
		}
		for _, ip := range []string{"10.1.2.3", "2001:db9::1"} {
			r := &Request{SourceIP: ip}
			e(r)
			if n := testing.AllocsPerRun(100, func() { e(r) }); n != 0 {
				t.Errorf("%s on %s: %v allocations per evaluation", src, ip, n)
			}
		}
	}
}
