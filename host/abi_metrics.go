package host

import (
	"fmt"
	"io"
	"math"
	"sort"
	"strings"
	"sync"

	"github.com/tetratelabs/wazero/api"
)

// MetricType is a proxy_metric_type_t.
type MetricType uint32

// The metric types of the ABI.
const (
	Counter MetricType = iota
	Gauge
	Histogram
)

// Metrics is the registry behind proxy_define_metric and friends. Give
// every VM of a host the same one and their counters add up, as Envoy's
// stats do across workers. It is safe for concurrent use.
type Metrics struct {
	mu     sync.Mutex
	byName map[string]uint32
	list   []*metric
}

type metric struct {
	name  string
	typ   MetricType
	value int64 // counter or gauge
	// histogram
	count   uint64
	sum     uint64
	buckets [len(histogramBounds)]uint64
}

// histogramBounds are the upper bounds of the histogram buckets, Envoy's
// default bucket set.
var histogramBounds = [...]float64{0.5, 1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000, 300000, 600000, 1800000, 3600000}

// NewMetrics returns an empty registry.
func NewMetrics() *Metrics { return &Metrics{byName: make(map[string]uint32)} }

func (r *Metrics) define(typ MetricType, name string) (uint32, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if id, ok := r.byName[name]; ok {
		return id, r.list[id-1].typ == typ
	}
	r.list = append(r.list, &metric{name: name, typ: typ})
	id := uint32(len(r.list))
	r.byName[name] = id
	return id, true
}

func (r *Metrics) get(id uint32) *metric {
	if id == 0 || int(id) > len(r.list) {
		return nil
	}
	return r.list[id-1]
}

// Value returns the value of a counter or gauge by name.
func (r *Metrics) Value(name string) (int64, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	id, ok := r.byName[name]
	if !ok {
		return 0, false
	}
	return r.list[id-1].value, true
}

// HistogramCount returns how many values a histogram recorded.
func (r *Metrics) HistogramCount(name string) (uint64, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	id, ok := r.byName[name]
	if !ok {
		return 0, false
	}
	return r.list[id-1].count, true
}

// WritePrometheus writes every metric in the Prometheus text exposition
// format, named as Envoy's /stats/prometheus names custom wasm metrics:
// Envoy keeps them under the "wasmcustom." namespace internally and strips
// it on export, with no "envoy_" prefix, every character outside
// [a-zA-Z0-9_] turned into '_'; a name that is empty or starts with a
// digit is not exported.
//
// Tags are taken out of the name as Envoy's tag extractors take them out
// with the regexes Istio configures for its own metrics and for each name
// in extraStatTags, "(NAME=\.=(.*?);\.;)": a metric defined as
// "decision=.=deny;.;reason=.=expired;.;palisade_decisions_total" is
// written as palisade_decisions_total{decision="deny",reason="expired"}.
func (r *Metrics) WritePrometheus(w io.Writer) error {
	r.mu.Lock()
	ms := make([]metric, len(r.list))
	for i, m := range r.list {
		ms[i] = *m
	}
	r.mu.Unlock()
	type series struct {
		name, labels string
		m            metric
	}
	ss := make([]series, 0, len(ms))
	for _, m := range ms {
		base, tags := splitTags(m.name)
		n := promName(base)
		if n == "" || n[0] >= '0' && n[0] <= '9' {
			continue
		}
		ss = append(ss, series{n, promLabels(tags), m})
	}
	// One family's series together, under one TYPE line.
	sort.Slice(ss, func(i, j int) bool {
		if ss[i].name != ss[j].name {
			return ss[i].name < ss[j].name
		}
		return ss[i].labels < ss[j].labels
	})
	var b strings.Builder
	for i, s := range ss {
		n, m := s.name, s.m
		if i == 0 || ss[i-1].name != n {
			fmt.Fprintf(&b, "# TYPE %s %s\n", n, map[MetricType]string{Counter: "counter", Gauge: "gauge", Histogram: "histogram"}[m.typ])
		}
		switch m.typ {
		case Counter, Gauge:
			fmt.Fprintf(&b, "%s%s %d\n", n, braces(s.labels), m.value)
		case Histogram:
			sep := ""
			if s.labels != "" {
				sep = ","
			}
			cum := uint64(0)
			for i, ub := range histogramBounds {
				cum += m.buckets[i]
				fmt.Fprintf(&b, "%s_bucket{%s%sle=\"%g\"} %d\n", n, s.labels, sep, ub, cum)
			}
			fmt.Fprintf(&b, "%s_bucket{%s%sle=\"+Inf\"} %d\n%s_sum%s %d\n%s_count%s %d\n", n, s.labels, sep, m.count,
				n, braces(s.labels), m.sum, n, braces(s.labels), m.count)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// splitTags takes "NAME=.=VALUE;.;" segments out of a metric name,
// wherever they are, and returns what is left and the tags in order. A
// tag name must be a Prometheus label name; anything else stays in the
// name.
func splitTags(s string) (string, [][2]string) {
	var tags [][2]string
	var rest strings.Builder
	for len(s) > 0 {
		i := strings.Index(s, "=.=")
		if i < 0 {
			break
		}
		// The tag name is the longest run of label characters before "=.=".
		j := i
		for j > 0 && isLabelChar(s[j-1]) {
			j--
		}
		end := strings.Index(s[i+3:], ";.;")
		if j == i || end < 0 || s[j] >= '0' && s[j] <= '9' {
			rest.WriteString(s[:i+3])
			s = s[i+3:]
			continue
		}
		rest.WriteString(s[:j])
		tags = append(tags, [2]string{s[j:i], s[i+3 : i+3+end]})
		s = s[i+3+end+3:]
	}
	rest.WriteString(s)
	return rest.String(), tags
}

func isLabelChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_'
}

// promLabels renders tags as Prometheus labels, values escaped.
func promLabels(tags [][2]string) string {
	var b strings.Builder
	for i, t := range tags {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(t[0])
		b.WriteString(`="`)
		b.WriteString(strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(t[1]))
		b.WriteByte('"')
	}
	return b.String()
}

func braces(labels string) string {
	if labels == "" {
		return ""
	}
	return "{" + labels + "}"
}

func promName(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' {
			return r
		}
		return '_'
	}, s)
}

// proxyDefineMetric implements proxy_define_metric(metric_type, name_data,
// name_size, return_metric_id). Defining a name again returns the same id.
// Result: OK; BAD_ARGUMENT for an unknown type or a name already defined
// with another type; INVALID_MEMORY_ACCESS.
func proxyDefineMetric(vm *VM, mem api.Memory, p []uint64) status {
	typ := MetricType(uint32(p[0]))
	if typ > Histogram {
		return statusBadArgument
	}
	name, ok := readString(mem, uint32(p[1]), uint32(p[2]))
	if !ok || !writable(mem, uint32(p[3]), 4) {
		return statusInvalidMemoryAccess
	}
	id, ok := vm.cfg.Metrics.define(typ, name)
	if !ok {
		return statusBadArgument
	}
	writeUint32(mem, uint32(p[3]), id)
	return statusOK
}

// proxyIncrementMetric implements proxy_increment_metric(metric_id, delta).
// Result: NOT_FOUND for an unknown id; BAD_ARGUMENT for a delta that is not
// positive on a counter (Envoy refuses 0 too), or any increment of a
// histogram.
func proxyIncrementMetric(vm *VM, _ api.Memory, p []uint64) status {
	r := vm.cfg.Metrics
	r.mu.Lock()
	defer r.mu.Unlock()
	m := r.get(uint32(p[0]))
	if m == nil {
		return statusNotFound
	}
	delta := int64(p[1])
	switch {
	case m.typ == Histogram, m.typ == Counter && delta <= 0:
		return statusBadArgument
	}
	if m.typ == Counter && m.value > math.MaxInt64-delta {
		m.value = math.MaxInt64 // saturate: a counter never wraps negative
		return statusOK
	}
	m.value += delta
	return statusOK
}

// proxyRecordMetric implements proxy_record_metric(metric_id, value): sets
// a gauge, adds a sample to a histogram and, as Envoy does (a counter only
// goes up), adds value to a counter.
func proxyRecordMetric(vm *VM, _ api.Memory, p []uint64) status {
	r := vm.cfg.Metrics
	r.mu.Lock()
	defer r.mu.Unlock()
	m := r.get(uint32(p[0]))
	if m == nil {
		return statusNotFound
	}
	v := p[1]
	switch m.typ {
	case Counter:
		m.value = int64(min(uint64(m.value)+min(v, math.MaxInt64), math.MaxInt64))
		return statusOK
	case Gauge:
		m.value = int64(min(v, math.MaxInt64))
		return statusOK
	}
	m.count++
	m.sum += v
	for i, ub := range histogramBounds {
		if float64(v) <= ub {
			m.buckets[i]++
			break
		}
	}
	return statusOK
}

// proxyGetMetric implements proxy_get_metric(metric_id, return_value).
// Result: NOT_FOUND for an unknown id; BAD_ARGUMENT for a histogram, which
// has no single value (as in Envoy).
func proxyGetMetric(vm *VM, mem api.Memory, p []uint64) status {
	r := vm.cfg.Metrics
	r.mu.Lock()
	m := r.get(uint32(p[0]))
	var v int64
	var typ MetricType
	if m != nil {
		v, typ = m.value, m.typ
	}
	r.mu.Unlock()
	switch {
	case m == nil:
		return statusNotFound
	case typ == Histogram:
		return statusBadArgument
	}
	if !writeUint64(mem, uint32(p[1]), uint64(v)) {
		return statusInvalidMemoryAccess
	}
	return statusOK
}
