package gateway

import (
	"context"
	"errors"
	"sync"

	"github.com/palisade-wasm/palisade/host"
)

// pool keeps n VMs of one plugin and hands out the least busy. A failed VM
// is replaced in the background; the pool never hands one out.
type pool struct {
	mod *host.Module
	cfg host.VMConfig

	mu       sync.Mutex
	vms      []*slot
	closed   bool
	replaced int
	wg       sync.WaitGroup
}

type slot struct {
	vm     *host.VM
	active int // streams in flight on this VM
}

var errNoVM = errors.New("no plugin vm available")

func newPool(ctx context.Context, mod *host.Module, cfg host.VMConfig, n int) (*pool, error) {
	p := &pool{mod: mod, cfg: cfg}
	for i := 0; i < n; i++ {
		vm, err := mod.NewVM(ctx, cfg)
		if err != nil {
			p.close()
			return nil, err
		}
		p.vms = append(p.vms, &slot{vm: vm})
	}
	return p, nil
}

// acquire returns the VM with the fewest streams in flight.
func (p *pool) acquire() (*slot, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	var best *slot
	for _, s := range p.vms {
		if s.vm == nil {
			continue
		}
		if best == nil || s.active < best.active {
			best = s
		}
	}
	if best == nil {
		return nil, errNoVM
	}
	best.active++
	return best, nil
}

// release returns a VM; if it failed, it is replaced.
func (p *pool) release(s *slot) {
	p.mu.Lock()
	defer p.mu.Unlock()
	s.active--
	if s.vm == nil || s.vm.Err() == nil || p.closed {
		return
	}
	old := s.vm
	s.vm = nil
	p.replaced++
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		old.Close()
		vm, err := p.mod.NewVM(context.Background(), p.cfg)
		p.mu.Lock()
		defer p.mu.Unlock()
		if err != nil || p.closed {
			if vm != nil {
				vm.Close()
			}
			return
		}
		s.vm = vm
	}()
}

// ready reports whether every VM is up.
func (p *pool) ready() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, s := range p.vms {
		if s.vm == nil {
			return false
		}
	}
	return !p.closed
}

// memory returns the linear memory of every VM.
func (p *pool) memory() []uint64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make([]uint64, 0, len(p.vms))
	for _, s := range p.vms {
		if s.vm != nil {
			out = append(out, s.vm.MemoryBytes())
		}
	}
	return out
}

func (p *pool) replacements() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.replaced
}

func (p *pool) close() {
	p.mu.Lock()
	p.closed = true
	vms := p.vms
	p.mu.Unlock()
	p.wg.Wait()
	for _, s := range vms {
		if s.vm != nil {
			s.vm.Close()
		}
	}
}
