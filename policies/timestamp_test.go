package policies

import (
	"math/rand/v2"
	"strconv"
	"testing"
	"time"
)

// parseTimestampByTime is what parseTimestamp computes, by time.Parse
// (which cel-go uses): the definition parseTimestamp is held to.
func parseTimestampByTime(s string) value {
	if !isRFC3339(s) {
		return errBadTimestamp
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return errBadTimestamp
	}
	return timeVal(t)
}

func sameTimestamp(t *testing.T, s string) {
	t.Helper()
	got, want := parseTimestamp(s), parseTimestampByTime(s)
	if got.k != want.k || got.i != want.i || got.u != want.u || got.s != want.s {
		t.Errorf("parseTimestamp(%q) = %v %d %d %q, time.Parse gives %v %d %d %q",
			s, got.k, got.i, got.u, got.s, want.k, want.i, want.u, want.s)
	}
}

// TestParseTimestampIsTimeParse: parseTimestamp, which does its own
// calendar arithmetic, accepts and refuses what time.Parse does after the
// grammar check, with the same instant: the edges of the calendar and of
// the range, then every day of years around leap years and random
// date-times with fractions and offsets.
func TestParseTimestampIsTimeParse(t *testing.T) {
	for _, s := range []string{
		"2026-01-01T00:00:00Z", "2026-01-01t00:00:00Z", "2026-01-01T00:00:00z", "2026-01-01t00:00:00z",
		"2026-01-01T00:00:60Z", "2016-12-31T23:59:60Z", "2026-01-01T23:59:59+23:59", "2026-01-01T00:00:00-23:59",
		"2026-01-01T00:00:00+00:00", "2026-01-01T00:00:00-00:00", "2026-01-01T01:00:00+01:00",
		"2024-02-29T12:00:00Z", "2023-02-29T12:00:00Z", "2000-02-29T00:00:00Z", "1900-02-29T00:00:00Z",
		"2026-04-31T00:00:00Z", "2026-06-30T00:00:00Z", "2026-12-31T23:59:59.999999999Z",
		"0000-01-01T00:00:00Z", "0000-02-29T00:00:00Z", "0000-12-31T23:59:59Z", "0001-01-01T00:00:00Z",
		"0001-01-01T00:00:00+00:01", "0001-01-01T00:00:00-00:01", "9999-12-31T23:59:59Z", "9999-12-31T23:59:59-00:01",
		"9999-12-31T23:59:59.999999999Z", "1969-12-31T23:59:59.5Z", "1970-01-01T00:00:01.9Z", "1970-01-01T00:00:00Z",
		"2026-01-01T00:00:00.1Z", "2026-01-01T00:00:00.123456789Z", "2026-01-01T00:00:00.1234567891Z",
		"2026-01-01T00:00:00.99999999999999999999+05:30", "2026-01-01T00:00:00.000000000001Z",
		"2026-01-01T00:00:00.Z", "2026-01-01T00:00:00,5Z", "2026-01-01T00:00:00", "2026-01-01", "",
		"2026-13-01T00:00:00Z", "2026-00-01T00:00:00Z", "2026-01-00T00:00:00Z", "2026-01-32T00:00:00Z",
		"2026-01-01T24:00:00Z", "2026-01-01T00:60:00Z", "2026-01-01T00:00:00+24:00", "2026-01-01T00:00:00+01:60",
		"2026-01-01T00:00:00+0100", "2026-01-01 00:00:00Z", "+2026-01-01T00:00:00Z", "2026-01-01T00:00:00ZZ",
	} {
		sameTimestamp(t, s)
	}
	for _, year := range []int{0, 1, 4, 100, 200, 400, 1582, 1600, 1899, 1900, 1969, 1970, 1971, 1999, 2000, 2001, 2024, 2100, 9996, 9999} {
		for month := 1; month <= 12; month++ {
			for day := 1; day <= 32; day++ {
				sameTimestamp(t, pad(year, 4)+"-"+pad(month, 2)+"-"+pad(day, 2)+"T12:34:56Z")
			}
		}
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		s := pad(r.IntN(10000), 4) + "-" + pad(1+r.IntN(12), 2) + "-" + pad(1+r.IntN(31), 2) +
			"T" + pad(r.IntN(24), 2) + ":" + pad(r.IntN(60), 2) + ":" + pad(r.IntN(61), 2)
		if r.IntN(2) == 0 {
			s += "." + pad(r.IntN(1e12), 12)[:1+r.IntN(12)]
		}
		switch r.IntN(3) {
		case 0:
			s += "Z"
		case 1:
			s += "+" + pad(r.IntN(24), 2) + ":" + pad(r.IntN(60), 2)
		default:
			s += "-" + pad(r.IntN(24), 2) + ":" + pad(r.IntN(60), 2)
		}
		sameTimestamp(t, s)
	}
}

func pad(n, width int) string {
	s := strconv.Itoa(n)
	for len(s) < width {
		s = "0" + s
	}
	return s
}

func FuzzParseTimestamp(f *testing.F) {
	for _, s := range []string{"2026-01-01T00:00:00Z", "2024-02-29T23:59:59.123456789+05:30", "2016-12-31T23:59:60Z", "0000-01-01t00:00:00z"} {
		f.Add(s)
	}
	f.Fuzz(sameTimestamp)
}
