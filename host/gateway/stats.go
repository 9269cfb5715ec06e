package gateway

import (
	"fmt"
	"io"
	"sync/atomic"
)

// stats are the gateway's own counters, exported next to the plugins'.
type stats struct {
	requests       atomic.Int64
	active         atomic.Int64
	localReplies   atomic.Int64
	failedClosed   atomic.Int64
	upstreamErrors atomic.Int64
	responses      [6]atomic.Int64 // by status class: 0 (none), 1xx..5xx
}

func (g *Gateway) writeStats(w io.Writer) {
	s := &g.stats
	fmt.Fprintf(w, "# TYPE palisade_gateway_requests_total counter\npalisade_gateway_requests_total %d\n", s.requests.Load())
	fmt.Fprintf(w, "# TYPE palisade_gateway_active_requests gauge\npalisade_gateway_active_requests %d\n", s.active.Load())
	fmt.Fprintf(w, "# TYPE palisade_gateway_local_replies_total counter\npalisade_gateway_local_replies_total %d\n", s.localReplies.Load())
	fmt.Fprintf(w, "# TYPE palisade_gateway_failed_closed_total counter\npalisade_gateway_failed_closed_total %d\n", s.failedClosed.Load())
	fmt.Fprintf(w, "# TYPE palisade_gateway_upstream_errors_total counter\npalisade_gateway_upstream_errors_total %d\n", s.upstreamErrors.Load())
	fmt.Fprintln(w, "# TYPE palisade_gateway_responses_total counter")
	for c := 1; c <= 5; c++ {
		fmt.Fprintf(w, "palisade_gateway_responses_total{class=\"%dxx\"} %d\n", c, s.responses[c].Load())
	}
	replaced := 0
	fmt.Fprintln(w, "# TYPE palisade_gateway_vm_memory_bytes gauge")
	for i, l := range g.listeners {
		if l.pool == nil {
			continue
		}
		replaced += l.pool.replacements()
		for j, m := range l.pool.memory() {
			fmt.Fprintf(w, "palisade_gateway_vm_memory_bytes{listener=\"%d\",vm=\"%d\"} %d\n", i, j, m)
		}
	}
	fmt.Fprintf(w, "# TYPE palisade_gateway_vm_replaced_total counter\npalisade_gateway_vm_replaced_total %d\n", replaced)
}

// VMMemory returns the linear memory of all plugin VMs together.
func (g *Gateway) VMMemory() uint64 {
	var n uint64
	for _, l := range g.listeners {
		if l.pool != nil {
			for _, m := range l.pool.memory() {
				n += m
			}
		}
	}
	return n
}
