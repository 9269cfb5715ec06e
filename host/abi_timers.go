package host

import (
	"time"

	"github.com/tetratelabs/wazero/api"
)

// ticker calls proxy_on_tick on the root context every period until
// stopped.
type ticker struct {
	period time.Duration
	stop   chan struct{}
}

// proxySetTickPeriodMilliseconds implements
// proxy_set_tick_period_milliseconds(tick_period): 0 stops the timer, any
// other value (re)starts it with that period. Result: OK.
func proxySetTickPeriodMilliseconds(vm *VM, _ api.Memory, p []uint64) status {
	vm.stopTicker()
	if ms := uint32(p[0]); ms > 0 {
		t := &ticker{period: time.Duration(ms) * time.Millisecond, stop: make(chan struct{})}
		vm.tick = t
		go vm.runTicker(t)
	}
	return statusOK
}

// stopTicker stops the timer without waiting for it: the timer goroutine
// may be blocked on vm.mu, which the caller holds.
func (vm *VM) stopTicker() {
	if vm.tick != nil {
		close(vm.tick.stop)
		vm.tick = nil
	}
}

func (vm *VM) runTicker(t *ticker) {
	tk := time.NewTicker(t.period)
	defer tk.Stop()
	for {
		select {
		case <-t.stop:
			return
		case <-tk.C:
		}
		vm.mu.Lock()
		if vm.tick != t || vm.err != nil {
			vm.mu.Unlock()
			return
		}
		vm.effective = vm.rootID
		vm.call(vm.fnTick, uint64(vm.rootID))
		vm.mu.Unlock()
	}
}
