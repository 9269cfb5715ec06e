package abi

import (
	"reflect"
	"testing"

	"github.com/tetratelabs/proxy-wasm-go-sdk/proxywasm/types"
)

// recorder is a VM, plugin and HTTP context that records every call.
type recorder struct {
	calls *[]string
	types.DefaultPluginContext
	types.DefaultHttpContext
}

func (r *recorder) add(s string) { *r.calls = append(*r.calls, s) }

func (r *recorder) OnVMStart(int) types.OnVMStartStatus { r.add("vm start"); return true }
func (r *recorder) NewPluginContext(id uint32) types.PluginContext {
	r.add("new plugin")
	return r
}
func (r *recorder) OnPluginStart(int) types.OnPluginStartStatus { r.add("plugin start"); return true }
func (r *recorder) OnTick()                                     { r.add("tick") }
func (r *recorder) OnPluginDone() bool                          { r.add("plugin done"); return true }
func (r *recorder) NewHttpContext(id uint32) types.HttpContext  { r.add("new http"); return r }
func (r *recorder) OnHttpRequestHeaders(int, bool) types.Action {
	r.add("request headers")
	return types.ActionContinue
}
func (r *recorder) OnHttpStreamDone() { r.add("stream done") }

func TestStateRouting(t *testing.T) {
	var calls []string
	rec := &recorder{calls: &calls}
	s := newState(rec)
	s.contextCreate(1, 0)
	if !s.vmStart(0) || !s.configure(1, 0) {
		t.Fatal("start refused")
	}
	s.contextCreate(2, 1)
	if h := s.http(2); h == nil || h.OnHttpRequestHeaders(0, true) != types.ActionContinue {
		t.Fatal("stream 2 not routed")
	}
	s.tick(1)
	s.log(2)
	s.delete(2)
	if s.http(2) != nil {
		t.Error("deleted stream still routed")
	}
	if !s.done(1) {
		t.Error("plugin done")
	}
	want := []string{"new plugin", "vm start", "plugin start", "new http", "request headers", "tick", "stream done", "plugin done"}
	if !reflect.DeepEqual(calls, want) {
		t.Errorf("calls %q\nwant  %q", calls, want)
	}
}

func TestStateUnknownContexts(t *testing.T) {
	var calls []string
	s := newState(&recorder{calls: &calls})
	s.contextCreate(5, 99) // parent never created
	if s.http(5) != nil {
		t.Error("stream of an unknown plugin context was created")
	}
	if s.configure(42, 0) {
		t.Error("configure of an unknown root context succeeded")
	}
	s.tick(42)
	s.log(42)
	s.delete(42)
	if len(calls) != 0 {
		t.Errorf("calls on unknown contexts: %q", calls)
	}
}

func TestCallouts(t *testing.T) {
	s := newState(nil)
	got := 0
	s.registerCallout(7, 3, func(h, b, tr int) { got = h + b + tr })
	c, ok := s.takeCallout(7)
	if !ok || c.context != 3 {
		t.Fatalf("callout = %+v, %v", c, ok)
	}
	c.fn(1, 2, 3)
	if got != 6 {
		t.Errorf("callback got %d", got)
	}
	if _, ok := s.takeCallout(7); ok {
		t.Error("a callout ran twice")
	}
	s.registerCallout(8, 4, func(int, int, int) {})
	s.delete(4)
	if _, ok := s.takeCallout(8); ok {
		t.Error("a deleted context's callout survived")
	}
}

// deleting is an HTTP context that wants to be told of its deletion.
type deleting struct {
	types.DefaultHttpContext
	s       *state
	id      uint32
	deleted int
	pending int // the stream's calls still registered when it was told
}

func (d *deleting) OnHttpContextDelete() {
	d.deleted++
	for _, c := range d.s.callouts {
		if c.context == d.id {
			d.pending++
		}
	}
}

// TestStateDeleteTellsStream: a stream that implements Deleter hears of
// its deletion once, after its pending calls are forgotten (so it may be
// reused), and the calls of other contexts stay.
func TestStateDeleteTellsStream(t *testing.T) {
	s := newState(nil)
	d := &deleting{s: s, id: 2}
	s.streams.put(2, stream{root: 1, ctx: d})
	s.registerCallout(7, 2, func(int, int, int) {})
	s.registerCallout(8, 3, func(int, int, int) {})
	s.delete(2)
	if d.deleted != 1 || d.pending != 0 {
		t.Fatalf("told %d times with %d calls pending, want once with none", d.deleted, d.pending)
	}
	if _, ok := s.takeCallout(8); !ok {
		t.Error("another context's call was forgotten")
	}
	s.delete(2)
	if d.deleted != 1 {
		t.Error("told again for a stream already deleted")
	}
}
