package host_test

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/palisade-wasm/palisade/host"
)

// wait resolves a paused stream, bounded in time.
func wait(s *host.Stream, d time.Duration) host.Result {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	return s.Wait(ctx)
}

// TestConformanceStreams: a stream's outcomes (continued with changed
// headers, answered locally, paused then continued or answered from an
// http call's callback, reset), each phase's maps and buffers.
func TestConformanceStreams(t *testing.T) {
	vm, l := newConformanceVM(t, vmOptions{config: "conformance", clusters: map[string]host.Cluster{"echo": echo(t)}})
	stream := func(t *testing.T) *host.Stream {
		s, err := vm.NewStream(conn())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(s.Close)
		return s
	}

	t.Run("continue with changed headers", func(t *testing.T) {
		s := stream(t)
		if r := s.RequestHeaders(hdrs("continue"), false); r.Action != host.Continue {
			t.Fatalf("request headers: %v %v", r.Action, r.Err)
		}
		want := host.Headers{{":method", "POST"}, {":path", "/conformance?x=1"}, {":authority", "app"}, {":scheme", "https"},
			{"x-mode", "continue"}, {"x-replaced", "one"}, {"x-added", "one"}, {"x-added", "two"}, {"x-new", "one"}}
		if got := s.Request().Headers; !reflect.DeepEqual(got, want) {
			t.Errorf("request headers\n got %q\nwant %q", got, want)
		}
		if r := s.RequestBody([]byte("x"), false); r.Action != host.Continue || string(r.Body) != "x" {
			t.Errorf("request body: %v %q", r.Action, r.Body)
		}
		if r := s.RequestTrailers(host.Headers{{"x-trailer", "t"}}); r.Action != host.Continue {
			t.Errorf("request trailers: %v", r.Action)
		}
		if got, want := s.Request().Trailers, (host.Headers{{"x-trailer", "t"}, {"x-trailer-added", "yes"}}); !reflect.DeepEqual(got, want) {
			t.Errorf("request trailers %q, want %q", got, want)
		}
		if r := s.ResponseHeaders(host.Headers{{":status", "200"}}, false); r.Action != host.Continue {
			t.Fatalf("response headers: %v", r.Action)
		}
		if got, want := s.Response().Headers, (host.Headers{{":status", "200"}, {"x-conformance", "seen"}}); !reflect.DeepEqual(got, want) {
			t.Errorf("response headers %q, want %q", got, want)
		}
		if r := s.ResponseBody([]byte("hello"), false); r.Action != host.Continue || string(r.Body) != "HELLO" {
			t.Errorf("response body: %v %q", r.Action, r.Body)
		}
		if r := s.ResponseTrailers(host.Headers{{"x-response-trailer", "old"}}); r.Action != host.Continue {
			t.Errorf("response trailers: %v", r.Action)
		}
		if got, want := s.Response().Trailers, (host.Headers{{"x-response-trailer", "r"}}); !reflect.DeepEqual(got, want) {
			t.Errorf("response trailers %q, want %q", got, want)
		}
	})
	t.Run("local response", func(t *testing.T) {
		s := stream(t)
		r := s.RequestHeaders(hdrs("local"), true)
		want := &host.LocalResponse{Status: 403, Headers: host.Headers{{"x-reason", "test"}}, Body: []byte("no"),
			Details: "denied_by_conformance", GRPCStatus: -1}
		if r.Action != host.Respond || !reflect.DeepEqual(r.Local, want) {
			t.Fatalf("%v %+v, want respond %+v", r.Action, r.Local, want)
		}
		if r := s.RequestBody([]byte("x"), true); r.Action != host.Respond {
			t.Errorf("a phase after a local response: %v", r.Action)
		}
	})
	t.Run("paused by an http call, continued from its callback", func(t *testing.T) {
		s := stream(t)
		if r := s.RequestHeaders(hdrs("call"), true); r.Action != host.Pause {
			t.Fatalf("%v", r.Action)
		}
		if r := wait(s, 5*time.Second); r.Action != host.Continue {
			t.Fatalf("%v %v", r.Action, r.Err)
		}
		want := "200 POST /lookup?q=1 echo.internal yes question pong"
		if v, _ := s.Request().Headers.Get("x-called"); v != want {
			t.Errorf("x-called = %q, want %q", v, want)
		}
	})
	t.Run("paused by an http call, answered from its callback", func(t *testing.T) {
		s := stream(t)
		if r := s.RequestHeaders(hdrs("calldeny"), true); r.Action != host.Pause {
			t.Fatalf("%v", r.Action)
		}
		r := wait(s, 5*time.Second)
		want := &host.LocalResponse{Status: 401, Headers: host.Headers{{"www-authenticate", "Bearer"}}, Body: []byte("pong"),
			Details: "denied_after_call", GRPCStatus: -1}
		if r.Action != host.Respond || !reflect.DeepEqual(r.Local, want) {
			t.Fatalf("%v %+v, want respond %+v", r.Action, r.Local, want)
		}
	})
	t.Run("continuing the response leaves the request paused", func(t *testing.T) {
		s := stream(t)
		if r := s.RequestHeaders(hdrs("wrongdir"), true); r.Action != host.Pause {
			t.Fatalf("%v", r.Action)
		}
		if r := wait(s, 50*time.Millisecond); r.Action != host.Fail || !errors.Is(r.Err, host.ErrWaitTimeout) {
			t.Errorf("%v %v, want fail %v", r.Action, r.Err, host.ErrWaitTimeout)
		}
	})
	t.Run("body buffered and rewritten", func(t *testing.T) {
		s := stream(t)
		if r := s.RequestHeaders(hdrs("body"), false); r.Action != host.Continue {
			t.Fatalf("headers: %v", r.Action)
		}
		if r := s.RequestBody([]byte("ab"), false); r.Action != host.Pause {
			t.Fatalf("first chunk: %v", r.Action)
		}
		if r := s.RequestBody([]byte("cd"), true); r.Action != host.Continue || string(r.Body) != "[XYcd>" {
			t.Fatalf("last chunk: %v %q", r.Action, r.Body)
		}
	})
	t.Run("closed", func(t *testing.T) {
		s := stream(t)
		if r := s.RequestHeaders(hdrs("close"), true); r.Action != host.Reset {
			t.Fatalf("%v", r.Action)
		}
	})
	noFailures(t, vm, l)
	if vm.PendingCalls() != 0 {
		t.Errorf("%d http calls still pending", vm.PendingCalls())
	}
}

// A trap or proc_exit in the guest fails the stream and the VM, for good;
// a new VM from the same module serves on.
func TestConformanceGuestFailure(t *testing.T) {
	for _, c := range []struct {
		mode     string
		exitCode int // -1: a trap, not proc_exit
	}{
		{"trap", -1},
		{"exit", 3},
	} {
		t.Run(c.mode, func(t *testing.T) {
			vm, _ := newConformanceVM(t, vmOptions{config: "conformance"})
			s, err := vm.NewStream(conn())
			if err != nil {
				t.Fatal(err)
			}
			r := s.RequestHeaders(hdrs(c.mode), true)
			if r.Action != host.Fail || !errors.Is(r.Err, host.ErrVMFailed) {
				t.Fatalf("%v %v, want fail %v", r.Action, r.Err, host.ErrVMFailed)
			}
			if err := vm.Err(); !errors.Is(err, host.ErrVMFailed) || exitCode(err) != c.exitCode {
				t.Errorf("Err() = %v (exit code %d), want %v, exit code %d", err, exitCode(err), host.ErrVMFailed, c.exitCode)
			}
			if r := s.ResponseHeaders(host.Headers{{":status", "200"}}, true); r.Action != host.Fail {
				t.Errorf("a later phase: %v", r.Action)
			}
			s.Close()
			if _, err := vm.NewStream(conn()); !errors.Is(err, host.ErrVMFailed) {
				t.Errorf("a failed VM started a stream: %v", err)
			}
			vm2, l2 := newConformanceVM(t, vmOptions{config: "conformance"})
			s2, err := vm2.NewStream(conn())
			if err != nil {
				t.Fatal(err)
			}
			defer s2.Close()
			if r := s2.RequestHeaders(hdrs("continue"), true); r.Action != host.Continue {
				t.Fatalf("fresh VM: %v %v", r.Action, r.Err)
			}
			noFailures(t, vm2, l2)
		})
	}
}
