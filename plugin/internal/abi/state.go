package abi

import "github.com/tetratelabs/proxy-wasm-go-sdk/proxywasm/types"

// state routes the host's callbacks to the plugin's contexts: the VM
// context, one plugin (root) context per root id, one HTTP context per
// stream, and the callbacks of pending http calls. It holds no unsafe code
// and is driven by the exports in exports_wasip1.go.
type state struct {
	vm       types.VMContext
	plugins  map[uint32]types.PluginContext
	streams  streamTable
	callouts map[uint32]callout
}

type stream struct {
	root uint32
	ctx  types.HttpContext
}

type callout struct {
	context uint32 // the context that dispatched the call
	fn      func(numHeaders, bodySize, numTrailers int)
}

func newState(vm types.VMContext) *state {
	return &state{vm: vm, plugins: map[uint32]types.PluginContext{}, callouts: map[uint32]callout{}}
}

func (s *state) contextCreate(id, parent uint32) {
	if s.vm == nil {
		return
	}
	if parent == 0 {
		s.plugins[id] = s.vm.NewPluginContext(id)
		return
	}
	p, ok := s.plugins[parent]
	if !ok {
		return
	}
	if h := p.NewHttpContext(id); h != nil {
		s.streams.put(id, stream{root: parent, ctx: h})
	}
}

func (s *state) vmStart(size int) bool {
	if s.vm == nil {
		return false
	}
	return bool(s.vm.OnVMStart(size))
}

func (s *state) configure(id uint32, size int) bool {
	p, ok := s.plugins[id]
	return ok && bool(p.OnPluginStart(size))
}

func (s *state) tick(id uint32) {
	if p, ok := s.plugins[id]; ok {
		p.OnTick()
	}
}

func (s *state) queueReady(id, queue uint32) {
	if p, ok := s.plugins[id]; ok {
		p.OnQueueReady(queue)
	}
}

// http returns the stream's context; an unknown stream gets nil and the
// export answers Pause: for a security filter, a stream it cannot place
// must not continue (the host then times the stream out and fails it).
func (s *state) http(id uint32) types.HttpContext {
	st, _ := s.streams.get(id)
	return st.ctx
}

func (s *state) done(id uint32) bool {
	if p, ok := s.plugins[id]; ok {
		return p.OnPluginDone()
	}
	return true
}

func (s *state) log(id uint32) {
	if st, ok := s.streams.get(id); ok {
		st.ctx.OnHttpStreamDone()
	}
}

// Deleter is implemented by an HTTP context that wants to know when the
// host deletes it (proxy_on_delete). It is told after the calls it was
// waiting for are forgotten: nothing reaches it any more, so the plugin
// may reuse it for a later stream. The SDK has no such callback: natively
// it is never called.
type Deleter interface {
	OnHttpContextDelete()
}

// delete forgets a context and the calls it still waits for. A stream is
// the common case, once per request: it costs no map operation unless
// calls are pending.
func (s *state) delete(id uint32) {
	st, isStream := s.streams.remove(id)
	if !isStream {
		delete(s.plugins, id)
	}
	if len(s.callouts) > 0 {
		for cid, c := range s.callouts {
			if c.context == id {
				delete(s.callouts, cid)
			}
		}
	}
	if d, ok := st.ctx.(Deleter); ok {
		d.OnHttpContextDelete()
	}
}

func (s *state) registerCallout(id, context uint32, fn func(int, int, int)) {
	s.callouts[id] = callout{context: context, fn: fn}
}

// takeCallout returns and forgets the callback of call id.
func (s *state) takeCallout(id uint32) (callout, bool) {
	c, ok := s.callouts[id]
	delete(s.callouts, id)
	return c, ok
}
