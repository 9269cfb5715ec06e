package host

import (
	"context"
	"errors"
	"time"

	"github.com/tetratelabs/wazero/api"
)

// Action is what a stream phase leads to.
type Action int

const (
	// Continue: forward the (possibly changed) message.
	Continue Action = iota
	// Pause: the plugin holds the stream; call [Stream.Wait].
	Pause
	// Respond: the plugin answered locally; see [Result.Local].
	Respond
	// Reset: the plugin closed the stream (proxy_close_stream); drop it.
	Reset
	// Fail: the VM failed (trap, proc_exit, closed) or the wait timed out;
	// answer 500 and, if [VM.Err] says so, replace the VM.
	Fail
)

var actionNames = [...]string{"continue", "pause", "respond", "reset", "fail"}

func (a Action) String() string { return actionNames[a] }

// Result is the outcome of a stream phase.
type Result struct {
	Action Action
	// Local is the plugin's local response when Action is Respond.
	Local *LocalResponse
	// Body holds the body bytes to forward after a Continue of a body phase.
	Body []byte
	// Err says why, when Action is Fail.
	Err error
}

// LocalResponse is an answer sent by the plugin with proxy_send_local_response.
type LocalResponse struct {
	Status     int
	Headers    Headers
	Body       []byte
	Details    string // Envoy's response code details
	GRPCStatus int32  // -1 when not a gRPC answer
}

// Message is one direction of a stream as the plugin left it.
type Message struct {
	Headers  Headers
	Body     []byte // bytes buffered by a paused body phase
	Trailers Headers
}

// ErrWaitTimeout is the cause of a Fail result when a paused stream was
// neither continued nor answered in time.
var ErrWaitTimeout = errors.New("paused stream not resumed in time")

// Stream is one HTTP request/response pair through a VM: a stream context
// of the plugin. Its phases run in order; a Pause must be resolved with
// Wait before the next phase. Close ends it.
type Stream struct {
	vm    *VM
	id    uint32
	props Properties
	// ownProps: props.m is the stream's own copy (made on the first
	// proxy_set_property), not the caller's map.
	ownProps bool
	started  time.Time

	req, resp Message

	dir       uint32 // stream type of the current (or paused) phase: streamHTTPRequest or streamHTTPResponse
	paused    bool   // the plugin returned Pause and has not continued
	continued bool   // proxy_continue_stream(dir) was called during the current phase
	local     *LocalResponse
	reset     bool
	closed    bool
	wakeCh    chan struct{}
}

// NewStream creates a stream context (proxy_on_context_create with the
// root context as parent). props are its connection attributes (see
// [Connection.Properties]); request.* attributes come from the headers.
func (vm *VM) NewStream(props Properties) (*Stream, error) {
	vm.mu.Lock()
	defer vm.mu.Unlock()
	if vm.err != nil {
		return nil, vm.err
	}
	s := &Stream{vm: vm, id: vm.nextID, props: props, started: time.Now(), wakeCh: make(chan struct{}, 1)}
	vm.nextID++
	vm.streams[s.id] = s
	vm.effective = s.id
	if _, err := vm.call(vm.fnContextCreate, uint64(s.id), uint64(vm.rootID)); err != nil {
		delete(vm.streams, s.id)
		return nil, err
	}
	return s, nil
}

// ID returns the stream's context id.
func (s *Stream) ID() uint32 { return s.id }

// Request returns the request as the plugin left it. Read it only between
// phases.
func (s *Stream) Request() *Message { return &s.req }

// Response returns the response as the plugin left it.
func (s *Stream) Response() *Message { return &s.resp }

func (s *Stream) wake() {
	select {
	case s.wakeCh <- struct{}{}:
	default:
	}
}

// RequestHeaders runs proxy_on_request_headers with h (names are
// lower-cased, as Envoy stores them).
func (s *Stream) RequestHeaders(h Headers, endOfStream bool) Result {
	s.req.Headers = lowerNames(h)
	return s.headers(streamHTTPRequest, s.vm.fnReqHeaders, len(h), true, endOfStream)
}

// ResponseHeaders runs proxy_on_response_headers.
func (s *Stream) ResponseHeaders(h Headers, endOfStream bool) Result {
	s.resp.Headers = lowerNames(h)
	return s.headers(streamHTTPResponse, s.vm.fnRespHeaders, len(h), true, endOfStream)
}

// RequestTrailers runs proxy_on_request_trailers.
func (s *Stream) RequestTrailers(h Headers) Result {
	s.req.Trailers = lowerNames(h)
	return s.headers(streamHTTPRequest, s.vm.fnReqTrailers, len(h), false, false)
}

// ResponseTrailers runs proxy_on_response_trailers.
func (s *Stream) ResponseTrailers(h Headers) Result {
	s.resp.Trailers = lowerNames(h)
	return s.headers(streamHTTPResponse, s.vm.fnRespTrailers, len(h), false, false)
}

func (s *Stream) headers(dir uint32, f api.Function, n int, hasEOS, eos bool) Result {
	vm := s.vm
	vm.mu.Lock()
	defer vm.mu.Unlock()
	if r, done := s.settled(); done {
		return r
	}
	if hasEOS {
		return s.phase(dir, f, uint64(s.id), uint64(n), boolArg(eos))
	}
	return s.phase(dir, f, uint64(s.id), uint64(n))
}

// RequestBody buffers chunk and runs proxy_on_request_body with the size
// of everything buffered. On Continue, Result.Body is what to forward.
func (s *Stream) RequestBody(chunk []byte, endOfStream bool) Result {
	return s.body(streamHTTPRequest, &s.req, s.vm.fnReqBody, chunk, endOfStream, 413)
}

// ResponseBody is RequestBody for the response.
func (s *Stream) ResponseBody(chunk []byte, endOfStream bool) Result {
	return s.body(streamHTTPResponse, &s.resp, s.vm.fnRespBody, chunk, endOfStream, 500)
}

func (s *Stream) body(dir uint32, m *Message, f api.Function, chunk []byte, eos bool, tooLarge int) Result {
	vm := s.vm
	vm.mu.Lock()
	defer vm.mu.Unlock()
	if r, done := s.settled(); done {
		return r
	}
	if len(m.Body)+len(chunk) > vm.cfg.MaxBufferBytes {
		s.local = &LocalResponse{Status: tooLarge, Details: "buffer_limit_exceeded", GRPCStatus: -1}
		return Result{Action: Respond, Local: s.local}
	}
	m.Body = append(m.Body, chunk...)
	r := s.phase(dir, f, uint64(s.id), uint64(len(m.Body)), boolArg(eos))
	if r.Action == Continue {
		r.Body = m.Body
		m.Body = nil
	}
	return r
}

// settled reports a result already decided for every later phase: a local
// answer, a reset or a failed VM.
func (s *Stream) settled() (Result, bool) {
	switch {
	case s.closed:
		return Result{Action: Fail, Err: errors.New("stream closed")}, true
	case s.vm.err != nil:
		return Result{Action: Fail, Err: s.vm.err}, true
	case s.local != nil:
		return Result{Action: Respond, Local: s.local}, true
	case s.reset:
		return Result{Action: Reset}, true
	}
	return Result{}, false
}

// phase runs one stream callback of direction dir (streamHTTPRequest or
// streamHTTPResponse) with vm.mu held and classifies its result.
func (s *Stream) phase(dir uint32, f api.Function, args ...uint64) Result {
	vm := s.vm
	s.dir = dir
	s.continued = false
	vm.effective = s.id
	action, err := vm.call(f, args...)
	if err != nil {
		return Result{Action: Fail, Err: err}
	}
	if r, done := s.settled(); done {
		return r
	}
	if f == nil || uint32(action) == actionContinue || s.continued {
		s.paused = false
		return Result{Action: Continue}
	}
	s.paused = true
	return Result{Action: Pause}
}

// Wait blocks until a paused stream is continued, answered or reset by the
// plugin (typically from an http call callback), or its VM fails, or ctx
// ends (then Fail with [ErrWaitTimeout]: fail closed).
func (s *Stream) Wait(ctx context.Context) Result {
	for {
		s.vm.mu.Lock()
		if r, done := s.settled(); done {
			s.vm.mu.Unlock()
			return r
		}
		if !s.paused {
			s.vm.mu.Unlock()
			return Result{Action: Continue}
		}
		s.vm.mu.Unlock()
		select {
		case <-s.wakeCh:
		case <-ctx.Done():
			return Result{Action: Fail, Err: ErrWaitTimeout}
		}
	}
}

// Close ends the stream as Envoy does: proxy_on_done, proxy_on_log, then
// proxy_on_delete. It is safe to call more than once.
func (s *Stream) Close() {
	vm := s.vm
	vm.mu.Lock()
	defer vm.mu.Unlock()
	if s.closed {
		return
	}
	s.closed = true
	if vm.err == nil {
		vm.effective = s.id
		vm.call(vm.fnDone, uint64(s.id))
		vm.call(vm.fnLog, uint64(s.id))
		vm.call(vm.fnDelete, uint64(s.id))
	}
	delete(vm.streams, s.id)
	vm.effective = vm.rootID
}

func boolArg(b bool) uint64 {
	if b {
		return 1
	}
	return 0
}
