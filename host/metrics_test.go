package host

import (
	"math"
	"strings"
	"testing"
)

// call runs a metric host function the way a guest would, with the
// arguments as the ABI passes them.
func callMetric(vm *VM, f abiFunc, args ...uint64) status { return f(vm, nil, args) }

func TestMetrics(t *testing.T) {
	vm := &VM{cfg: VMConfig{Metrics: NewMetrics()}}
	m := vm.cfg.Metrics
	c, _ := m.define(Counter, "requests")
	g, _ := m.define(Gauge, "in_flight")
	h, _ := m.define(Histogram, "latency_ms")
	neg := func(v int64) uint64 { return uint64(v) }
	for _, s := range []struct {
		name string
		f    abiFunc
		args []uint64
		want status
	}{
		{"increment counter", proxyIncrementMetric, []uint64{uint64(c), 2}, statusOK},
		{"decrement counter", proxyIncrementMetric, []uint64{uint64(c), neg(-1)}, statusBadArgument},
		{"increment counter by 0", proxyIncrementMetric, []uint64{uint64(c), 0}, statusBadArgument},
		{"record on a counter adds", proxyRecordMetric, []uint64{uint64(c), 3}, statusOK},
		{"record gauge", proxyRecordMetric, []uint64{uint64(g), 10}, statusOK},
		{"gauge down", proxyIncrementMetric, []uint64{uint64(g), neg(-12)}, statusOK},
		{"record histogram", proxyRecordMetric, []uint64{uint64(h), 30}, statusOK},
		{"record histogram again", proxyRecordMetric, []uint64{uint64(h), 1}, statusOK},
		{"increment histogram", proxyIncrementMetric, []uint64{uint64(h), 1}, statusBadArgument},
		{"unknown id", proxyIncrementMetric, []uint64{0, 1}, statusNotFound},
		{"unknown id record", proxyRecordMetric, []uint64{99, 1}, statusNotFound},
	} {
		if got := callMetric(vm, s.f, s.args...); got != s.want {
			t.Errorf("%s: status %d, want %d", s.name, got, s.want)
		}
	}
	if v, _ := m.Value("requests"); v != 5 {
		t.Errorf("requests = %d, want 5", v)
	}
	if v, _ := m.Value("in_flight"); v != -2 {
		t.Errorf("in_flight = %d, want -2", v)
	}
	if n, _ := m.HistogramCount("latency_ms"); n != 2 {
		t.Errorf("latency_ms count = %d, want 2", n)
	}
	if id, ok := m.define(Counter, "requests"); id != c || !ok {
		t.Errorf("defining again: %d %v, want %d true", id, ok, c)
	}
	if _, ok := m.define(Gauge, "requests"); ok {
		t.Error("a name defined again with another type")
	}
	// Counters saturate rather than wrap.
	callMetric(vm, proxyRecordMetric, uint64(c), math.MaxUint64)
	callMetric(vm, proxyIncrementMetric, uint64(c), math.MaxInt64)
	if v, _ := m.Value("requests"); v != math.MaxInt64 {
		t.Errorf("saturated counter = %d", v)
	}
}

func TestWritePrometheus(t *testing.T) {
	m := NewMetrics()
	for _, d := range []struct {
		typ   MetricType
		name  string
		value int64
	}{
		{Counter, "palisade_requests_total", 3},
		{Gauge, "a.b-c:d", -2},
		{Counter, "9lives", 1}, // starts with a digit: Envoy does not export it
		{Counter, "", 1},
	} {
		id, _ := m.define(d.typ, d.name)
		m.get(id).value = d.value
	}
	var b strings.Builder
	if err := m.WritePrometheus(&b); err != nil {
		t.Fatal(err)
	}
	want := "# TYPE a_b_c_d gauge\na_b_c_d -2\n# TYPE palisade_requests_total counter\npalisade_requests_total 3\n"
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
}

// TestWritePrometheusTags: tags written into metric names the way Istio's
// stats tag regexes extract them become labels, one TYPE line per family,
// series sorted; a malformed tag stays part of the name.
func TestWritePrometheusTags(t *testing.T) {
	m := NewMetrics()
	for _, d := range []struct {
		typ   MetricType
		name  string
		value int64
	}{
		{Counter, "decision=.=deny;.;reason=.=expired;.;palisade_decisions_total", 2},
		{Counter, "decision=.=allow;.;reason=.=none;.;palisade_decisions_total", 5},
		{Counter, "palisade_decisions_total", 1},
		{Counter, `reason=.=say "hi"\;.;palisade_odd_total`, 1},
		{Counter, "=.=x;.;palisade_noname_total", 1}, // no tag name: left in the name
		{Counter, "9=.=x;.;palisade_digit_total", 1}, // a label cannot start with a digit
		{Counter, "a=.=unterminated_total", 1},       // no ";.;": not a tag
		{Histogram, "provider=.=idp;.;palisade_fetch_ms", 0},
	} {
		id, _ := m.define(d.typ, d.name)
		m.get(id).value = d.value
	}
	var b strings.Builder
	if err := m.WritePrometheus(&b); err != nil {
		t.Fatal(err)
	}
	got := b.String()
	for _, want := range []string{
		"# TYPE palisade_decisions_total counter\npalisade_decisions_total 1\n" +
			`palisade_decisions_total{decision="allow",reason="none"} 5` + "\n" +
			`palisade_decisions_total{decision="deny",reason="expired"} 2` + "\n",
		`palisade_odd_total{reason="say \"hi\"\\"} 1`,
		"___x___palisade_noname_total 1",
		"a___unterminated_total 1",
		`palisade_fetch_ms_bucket{provider="idp",le="+Inf"} 0`,
		`palisade_fetch_ms_count{provider="idp"} 0`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks\n%s\ngot\n%s", want, got)
		}
	}
	if strings.Contains(got, "digit") {
		t.Error("a name left starting with a digit was exported")
	}
	if n := strings.Count(got, "# TYPE palisade_decisions_total "); n != 1 {
		t.Errorf("%d TYPE lines for one family", n)
	}
}
