package policies

import (
	"math"
	"strconv"
	"time"
)

// Timestamps and durations with CEL's meaning (cel-spec "Timestamp and
// duration" and cel-go's conversions, the oracle in the tests):
// timestamp(string) takes RFC 3339 only, timestamp(int) Unix seconds;
// duration(string) Go's duration syntax ("1h30m", "-1.5h", "90s"), which
// cel-go uses; the range of a timestamp is years 1 to 9999 and of a
// duration an int64 of nanoseconds; leaving either is an error
// ("timestamp overflow", "integer overflow"), never a wrapped value.
// `now` is the request's time (Request.Now).

const (
	minUnix = -62135596800 // 0001-01-01T00:00:00Z
	maxUnix = 253402300799 // 9999-12-31T23:59:59Z
	second  = int64(time.Second)
)

var (
	errTimestampOverflow = errVal("timestamp overflow")
	errIntOverflow       = errVal("integer overflow")
	errNoTime            = errVal("no request time: Request.Now is not set")
)

// tsVal is the timestamp sec seconds and nsec nanoseconds (0 <= nsec <
// 1e9) after the Unix epoch, or an error out of CEL's range.
func tsVal(sec, nsec int64) value {
	if sec < minUnix || sec > maxUnix {
		return errTimestampOverflow
	}
	return value{k: kTimestamp, i: sec, u: uint64(nsec)}
}

func timeVal(t time.Time) value { return tsVal(t.Unix(), int64(t.Nanosecond())) }

func durVal(ns int64) value { return value{k: kDuration, i: ns} }

// Conversion errors never quote the input: it may come from a header or
// a token. A literal's error is placed under it in the policy instead.
var (
	errBadTimestamp = errVal("invalid RFC 3339 timestamp")
	errBadDuration  = errVal("invalid duration")
	errBadInt       = errVal("string is not an int")
)

// parseTimestamp reads an RFC 3339 date-time as time.Parse(time.RFC3339)
// does after isRFC3339 (time.Parse alone is laxer: a ',' before the
// fraction, offsets past 23:59; the grammar is checked first, as cel-go
// does). Of what isRFC3339 lets through, time.Parse refuses a lower-case
// t or z, second 60 and a day past the end of its month, and it drops
// fraction digits past the ninth; the rest is calendar arithmetic, done
// here because time.Parse's general layout parser is 50 KB of
// palisade.wasm. TestParseTimestampIsTimeParse holds the two together.
func parseTimestamp(s string) value {
	if !isRFC3339(s) || s[10] != 'T' {
		return errBadTimestamp
	}
	year, month, day := decimal(s[0:4]), decimal(s[5:7]), decimal(s[8:10])
	sec := decimal(s[17:19])
	if day > daysIn(year, month) || sec > 59 {
		return errBadTimestamp
	}
	unix := daysSinceEpoch(year, month, day)*86400 + int64(decimal(s[11:13])*3600+decimal(s[14:16])*60+sec)
	rest := s[19:]
	var nsec int64
	if rest[0] == '.' {
		n := 1
		for rest[n] >= '0' && rest[n] <= '9' {
			n++ // a zone follows the fraction, so rest[n] exists
		}
		for i := 1; i <= 9; i++ {
			nsec *= 10
			if i < n {
				nsec += int64(rest[i] - '0')
			}
		}
		rest = rest[n:]
	}
	switch rest[0] {
	case 'Z':
	case '+':
		unix -= int64(decimal(rest[1:3])*3600 + decimal(rest[4:6])*60)
	case '-':
		unix += int64(decimal(rest[1:3])*3600 + decimal(rest[4:6])*60)
	default: // 'z'
		return errBadTimestamp
	}
	return tsVal(unix, nsec)
}

// decimal is the value of s, decimal digits (checked by isRFC3339).
func decimal(s string) int {
	v := 0
	for i := 0; i < len(s); i++ {
		v = v*10 + int(s[i]-'0')
	}
	return v
}

// daysIn is the number of days of month (1 to 12) in year.
func daysIn(year, month int) int {
	switch month {
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// daysSinceEpoch is the number of days from 1970-01-01 to the date, in
// the proleptic Gregorian calendar, for years from 0 on. Years are
// counted from March, so that a leap day ends its year, and shifted by
// 400 (146,097 days) so that they stay positive; 719,468 is the number of
// days from 0000-03-01 to 1970-01-01.
func daysSinceEpoch(year, month, day int) int64 {
	y := year + 400
	m := month
	if m < 3 {
		y--
		m += 12
	}
	days := 365*y + y/4 - y/100 + y/400 + (153*(m-3)+2)/5 + day - 1
	return int64(days) - 146097 - 719468
}

// isRFC3339 reports whether s has the form of an RFC 3339 date-time:
// date "T" time, fraction optional, "Z" or a numeric offset; T and Z in
// either case, fields within their ranges (the calendar is time.Parse's
// to check).
func isRFC3339(s string) bool {
	if len(s) < 20 {
		return false
	}
	if !digits(s[0:4], 0, 9999) || s[4] != '-' || !digits(s[5:7], 1, 12) || s[7] != '-' || !digits(s[8:10], 1, 31) ||
		s[10] != 'T' && s[10] != 't' ||
		!digits(s[11:13], 0, 23) || s[13] != ':' || !digits(s[14:16], 0, 59) || s[16] != ':' || !digits(s[17:19], 0, 60) {
		return false
	}
	rest := s[19:]
	if rest[0] == '.' {
		n := 1
		for n < len(rest) && rest[n] >= '0' && rest[n] <= '9' {
			n++
		}
		if n == 1 {
			return false
		}
		rest = rest[n:]
	}
	switch {
	case rest == "Z" || rest == "z":
		return true
	case len(rest) == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':':
		return digits(rest[1:3], 0, 23) && digits(rest[4:6], 0, 59)
	}
	return false
}

// digits reports whether s is all decimal digits, its value from lo to hi.
func digits(s string, lo, hi int) bool {
	v := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
		v = v*10 + int(s[i]-'0')
	}
	return v >= lo && v <= hi
}

func parseDuration(s string) value {
	d, err := time.ParseDuration(s)
	if err != nil {
		return errBadDuration
	}
	return durVal(int64(d))
}

// toTimestamp is timestamp(v).
func toTimestamp(v value) value {
	switch v.k {
	case kString:
		return parseTimestamp(v.s)
	case kInt:
		return tsVal(v.i, 0)
	case kTimestamp, kError:
		return v
	}
	return errNoSuchOverload
}

// toDuration is duration(v).
func toDuration(v value) value {
	switch v.k {
	case kString:
		return parseDuration(v.s)
	case kDuration, kError:
		return v
	}
	return errNoSuchOverload
}

// toInt is int(v): doubles truncate toward zero, a timestamp is its Unix
// seconds, a duration its nanoseconds; out of range is an error.
func toInt(v value) value {
	switch v.k {
	case kInt, kError:
		return v
	case kUint:
		if v.u > math.MaxInt64 {
			return errIntOverflow
		}
		return value{k: kInt, i: int64(v.u)}
	case kDouble:
		if math.IsNaN(v.d) || v.d <= math.MinInt64 || v.d >= math.MaxInt64 {
			return errIntOverflow
		}
		return value{k: kInt, i: int64(v.d)}
	case kString:
		n, err := strconv.ParseInt(v.s, 10, 64)
		if err != nil {
			return errBadInt
		}
		return value{k: kInt, i: n}
	case kTimestamp, kDuration:
		return value{k: kInt, i: v.i}
	}
	return errNoSuchOverload
}

// cmpTime orders two timestamps or two durations.
func cmpTime(a, b value) int {
	if a.i != b.i {
		return cmp3(a.i < b.i, a.i > b.i)
	}
	return cmp3(a.u < b.u, a.u > b.u)
}

// add is a + b on timestamps and durations.
func add(a, b value) value {
	switch {
	case a.k == kError:
		return a
	case b.k == kError:
		return b
	case a.k == kTimestamp && b.k == kDuration:
		return addTime(a, b.i)
	case a.k == kDuration && b.k == kTimestamp:
		return addTime(b, a.i)
	case a.k == kDuration && b.k == kDuration:
		if s, ok := addInt(a.i, b.i); ok {
			return durVal(s)
		}
		return errIntOverflow
	}
	return errNoSuchOverload
}

// sub is a - b on timestamps and durations.
func sub(a, b value) value {
	switch {
	case a.k == kError:
		return a
	case b.k == kError:
		return b
	case a.k == kTimestamp && b.k == kDuration:
		if b.i == math.MinInt64 {
			return errIntOverflow
		}
		return addTime(a, -b.i)
	case a.k == kTimestamp && b.k == kTimestamp:
		// Seconds apart cannot overflow within the range; in nanoseconds
		// they may (about 292 years fit in an int64).
		sec, nsec := a.i-b.i, int64(a.u)-int64(b.u)
		if sec > math.MaxInt64/second || sec < math.MinInt64/second {
			return errIntOverflow
		}
		if d, ok := addInt(sec*second, nsec); ok {
			return durVal(d)
		}
		return errIntOverflow
	case a.k == kDuration && b.k == kDuration:
		if b.i == math.MinInt64 {
			return errIntOverflow
		}
		if d, ok := addInt(a.i, -b.i); ok {
			return durVal(d)
		}
		return errIntOverflow
	}
	return errNoSuchOverload
}

// addTime is timestamp t plus d nanoseconds.
func addTime(t value, d int64) value {
	sec, nsec := t.i+d/second, int64(t.u)+d%second
	switch {
	case nsec < 0:
		sec, nsec = sec-1, nsec+second
	case nsec >= second:
		sec, nsec = sec+1, nsec-second
	}
	return tsVal(sec, nsec)
}

// addInt is a + b, ok false when it overflows an int64.
func addInt(a, b int64) (int64, bool) {
	if b > 0 && a > math.MaxInt64-b || b < 0 && a < math.MinInt64-b {
		return 0, false
	}
	return a + b, true
}

// compileConversion compiles timestamp(x), duration(x) and int(x). A
// literal argument is converted when the policy loads: one that cannot
// be is a compile error (cel-go only fails when evaluating it), so a
// rule never carries a condition that can only fail.
func (c *compiler) compileConversion(n *node, recv eval, args []eval) (eval, error) {
	if recv != nil || len(args) != 1 {
		return nil, &Error{Pos: n.pos, Msg: n.name + "() takes one argument: " + n.name + "(x)"}
	}
	conv := map[string]func(value) value{"timestamp": toTimestamp, "duration": toDuration, "int": toInt}[n.name]
	if lit := n.args[0]; lit.kind == nLit {
		v := conv(lit.lit)
		if v.k == kError {
			return nil, &Error{Pos: lit.pos, Msg: n.name + "(): " + v.s}
		}
		return func(*Request) value { return v }, nil
	}
	x := args[0]
	return func(r *Request) value { return conv(x(r)) }, nil
}

// compileAccessor compiles the accessors of a timestamp (in UTC: the
// forms with a time zone argument are not supported) and of a duration
// (whole hours, minutes, seconds or milliseconds, as cel-go has them).
func compileAccessor(n *node, recv eval, args []eval) (eval, error) {
	if recv == nil || len(args) != 0 {
		return nil, &Error{Pos: n.pos, Msg: n.name + "() is a method without arguments (UTC only): t." + n.name + "()"}
	}
	var ts func(time.Time) int
	var dur func(time.Duration) int64
	switch n.name {
	case "getHours":
		ts, dur = time.Time.Hour, func(d time.Duration) int64 { return int64(d.Hours()) }
	case "getMinutes":
		ts, dur = time.Time.Minute, func(d time.Duration) int64 { return int64(d.Minutes()) }
	case "getSeconds":
		ts, dur = time.Time.Second, func(d time.Duration) int64 { return int64(d.Seconds()) }
	case "getMilliseconds":
		ts, dur = func(t time.Time) int { return t.Nanosecond() / 1e6 }, time.Duration.Milliseconds
	case "getFullYear":
		ts = time.Time.Year
	case "getMonth":
		ts = func(t time.Time) int { return int(t.Month()) - 1 }
	case "getDayOfYear":
		ts = func(t time.Time) int { return t.YearDay() - 1 }
	case "getDate":
		ts = time.Time.Day
	case "getDayOfMonth":
		ts = func(t time.Time) int { return t.Day() - 1 }
	case "getDayOfWeek":
		ts = func(t time.Time) int { return int(t.Weekday()) }
	}
	return func(r *Request) value {
		v := recv(r)
		switch {
		case v.k == kTimestamp:
			return value{k: kInt, i: int64(ts(time.Unix(v.i, int64(v.u)).UTC()))}
		case v.k == kDuration && dur != nil:
			return value{k: kInt, i: dur(time.Duration(v.i))}
		case v.k == kError:
			return v
		}
		return errNoSuchOverload
	}, nil
}
