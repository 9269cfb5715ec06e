package host

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"strconv"
	"sync"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
)

// VMConfig is what Envoy hands a VM and its plugin.
type VMConfig struct {
	// PluginName, RootID and VMID are the plugin_name, plugin_root_id and
	// plugin_vm_id properties.
	PluginName string
	RootID     string
	VMID       string
	// VMConfiguration and PluginConfiguration are the buffers read in
	// proxy_on_vm_start and proxy_on_configure.
	VMConfiguration     []byte
	PluginConfiguration []byte
	// Clusters are the upstreams proxy_http_call may name.
	Clusters map[string]Cluster
	// SharedData and Metrics are host-wide: give every VM of a host the
	// same ones (nil: the VM gets its own).
	SharedData *SharedData
	Metrics    *Metrics
	// LogLevel is the host's level (proxy_get_log_level); messages below
	// it are dropped. Log receives the others (nil: discarded).
	LogLevel LogLevel
	Log      func(level LogLevel, msg string)
	// Properties are VM-wide attributes (node.*, xds.*, ...), read after a
	// stream's own.
	Properties Properties
	// MaxBufferBytes bounds a buffered body; past it the request is answered
	// with 413 (or the response with 500), as Envoy's buffer limits do.
	// 0 means 1 MiB.
	MaxBufferBytes int
	// MaxPendingCalls bounds the VM's outstanding proxy_http_call requests;
	// 0 means 256.
	MaxPendingCalls int
}

// VM is one instance of a module with its root (plugin) context. It runs
// one guest call at a time; its methods are safe for concurrent use.
type VM struct {
	cfg  VMConfig
	inst api.Module
	mem  api.Memory
	ctx  context.Context // carries the VM to host functions

	mu sync.Mutex // held for every guest call and every access to the fields below

	fnAlloc, fnContextCreate, fnVMStart, fnConfigure, fnTick, fnQueueReady api.Function
	fnReqHeaders, fnReqBody, fnReqTrailers                                 api.Function
	fnRespHeaders, fnRespBody, fnRespTrailers                              api.Function
	fnCallResponse, fnDone, fnLog, fnDelete                                api.Function

	stack      [8]uint64 // argument/result stack for guest calls
	allocStack [1]uint64 // separate: proxy_on_memory_allocate runs inside host calls

	rootID    uint32
	nextID    uint32
	effective uint32
	streams   map[uint32]*Stream
	phase     phase
	callResp  *callResponse

	calls      map[uint32]struct{}
	nextCallID uint32
	tick       *ticker

	scratch []byte // reused to serialize values handed to the guest

	err       error
	closed    bool
	hostCalls uint64
}

// phase says which callback the guest is in, for the buffers that are
// only readable inside one (VM configuration in proxy_on_vm_start, ...).
type phase uint8

const (
	phaseNone phase = iota
	phaseVMStart
	phaseConfigure
	phaseCallResponse
)

// ErrVMFailed wraps the cause when a guest trapped, exited or was closed.
var ErrVMFailed = errors.New("vm failed")

type vmKey struct{}

func vmFrom(ctx context.Context) *VM {
	vm, _ := ctx.Value(vmKey{}).(*VM)
	return vm
}

// NewVM starts a VM the way Envoy does: instantiate, _initialize, create
// the root context, proxy_on_vm_start with the VM configuration, then
// proxy_on_configure with the plugin configuration. A false answer from
// either is an error carrying the guest's last error log line.
func (m *Module) NewVM(ctx context.Context, cfg VMConfig) (*VM, error) {
	if cfg.SharedData == nil {
		cfg.SharedData = NewSharedData()
	}
	if cfg.Metrics == nil {
		cfg.Metrics = NewMetrics()
	}
	if cfg.MaxBufferBytes == 0 {
		cfg.MaxBufferBytes = 1 << 20
	}
	if cfg.MaxPendingCalls == 0 {
		cfg.MaxPendingCalls = 256
	}
	// VM-wide properties may be set by the plugin: each VM gets its own map.
	props := Properties{m: make(map[string][]byte, len(cfg.Properties.m))}
	for k, v := range cfg.Properties.m {
		props.m[k] = v
	}
	cfg.Properties = props
	vm := &VM{cfg: cfg, rootID: 1, nextID: 2, streams: make(map[uint32]*Stream), calls: make(map[uint32]struct{})}
	vm.ctx = context.WithValue(context.Background(), vmKey{}, vm)
	logw := func(level LogLevel) io.Writer { return logWriter{vm: vm, level: level} }
	mc := wazero.NewModuleConfig().
		WithName("vm-" + strconv.FormatUint(m.vmSeq.Add(1), 10)).
		WithStartFunctions(). // _initialize is called below, under our error handling
		WithStdout(logw(LogInfo)).
		WithStderr(logw(LogError)).
		WithSysWalltime().
		WithSysNanotime().
		WithSysNanosleep().
		WithRandSource(rand.Reader)
	inst, err := m.r.rt.InstantiateModule(vm.ctx, m.cm, mc)
	if err != nil {
		return nil, fmt.Errorf("instantiate: %w", err)
	}
	vm.inst = inst
	vm.mem = inst.Memory()
	vm.lookupExports()
	vm.mu.Lock()
	defer vm.mu.Unlock()
	if err := vm.start(); err != nil {
		vm.closeLocked()
		return nil, err
	}
	return vm, nil
}

func (vm *VM) lookupExports() {
	f := vm.inst.ExportedFunction
	vm.fnAlloc = f("proxy_on_memory_allocate")
	if vm.fnAlloc == nil {
		vm.fnAlloc = f("malloc")
	}
	vm.fnContextCreate = f("proxy_on_context_create")
	vm.fnVMStart = f("proxy_on_vm_start")
	vm.fnConfigure = f("proxy_on_configure")
	vm.fnTick = f("proxy_on_tick")
	vm.fnQueueReady = f("proxy_on_queue_ready")
	vm.fnReqHeaders = f("proxy_on_request_headers")
	vm.fnReqBody = f("proxy_on_request_body")
	vm.fnReqTrailers = f("proxy_on_request_trailers")
	vm.fnRespHeaders = f("proxy_on_response_headers")
	vm.fnRespBody = f("proxy_on_response_body")
	vm.fnRespTrailers = f("proxy_on_response_trailers")
	vm.fnCallResponse = f("proxy_on_http_call_response")
	vm.fnDone = f("proxy_on_done")
	vm.fnLog = f("proxy_on_log")
	vm.fnDelete = f("proxy_on_delete")
}

func (vm *VM) start() error {
	if init := vm.inst.ExportedFunction("_initialize"); init != nil {
		if _, err := vm.call(init); err != nil {
			return fmt.Errorf("_initialize: %w", err)
		}
	} else if start := vm.inst.ExportedFunction("_start"); start != nil {
		if _, err := vm.call(start); err != nil {
			return fmt.Errorf("_start: %w", err)
		}
	}
	vm.effective = vm.rootID
	if _, err := vm.call(vm.fnContextCreate, uint64(vm.rootID), 0); err != nil {
		return fmt.Errorf("proxy_on_context_create: %w", err)
	}
	vm.phase = phaseVMStart
	ok, err := vm.call(vm.fnVMStart, uint64(vm.rootID), uint64(len(vm.cfg.VMConfiguration)))
	vm.phase = phaseNone
	if err != nil {
		return fmt.Errorf("proxy_on_vm_start: %w", err)
	}
	if vm.fnVMStart != nil && uint32(ok) == 0 {
		return errors.New("proxy_on_vm_start: plugin refused the vm configuration")
	}
	return vm.configureLocked(vm.cfg.PluginConfiguration)
}

// Configure hands the plugin a new configuration with proxy_on_configure,
// as Envoy does when a listener's filter configuration changes. The plugin
// answers whether it accepted it; a refused configuration leaves the
// plugin's previous one in force (it is the plugin's to keep).
func (vm *VM) Configure(pluginConfiguration []byte) error {
	vm.mu.Lock()
	defer vm.mu.Unlock()
	if vm.err != nil {
		return vm.err
	}
	return vm.configureLocked(pluginConfiguration)
}

func (vm *VM) configureLocked(cfg []byte) error {
	vm.cfg.PluginConfiguration = cfg
	vm.phase = phaseConfigure
	vm.effective = vm.rootID
	ok, err := vm.call(vm.fnConfigure, uint64(vm.rootID), uint64(len(cfg)))
	vm.phase = phaseNone
	if err != nil {
		return fmt.Errorf("proxy_on_configure: %w", err)
	}
	if vm.fnConfigure != nil && uint32(ok) == 0 {
		return errors.New("proxy_on_configure: plugin refused the configuration")
	}
	return nil
}

// call runs a guest export with vm.mu held. A nil f (an optional callback
// the module does not export) returns 0. An error fails the VM for good.
func (vm *VM) call(f api.Function, args ...uint64) (uint64, error) {
	if vm.err != nil {
		return 0, vm.err
	}
	if f == nil {
		return 0, nil
	}
	copy(vm.stack[:], args)
	if err := f.CallWithStack(vm.ctx, vm.stack[:]); err != nil {
		vm.fail(err)
		return 0, vm.err
	}
	return vm.stack[0], nil
}

// fail marks the VM unusable, stops its timer and wakes every paused
// stream so that each fails closed.
func (vm *VM) fail(cause error) {
	if vm.err != nil {
		return
	}
	vm.err = fmt.Errorf("%w: %w", ErrVMFailed, cause)
	vm.stopTicker()
	for _, s := range vm.streams {
		s.wake()
	}
}

// allocate asks the guest for size bytes of its memory. It runs inside a
// host call (the guest is already on the stack), hence its own stack.
func (vm *VM) allocate(size uint32) (uint32, bool) {
	if vm.fnAlloc == nil {
		return 0, false
	}
	vm.allocStack[0] = uint64(size)
	if err := vm.fnAlloc.CallWithStack(vm.ctx, vm.allocStack[:]); err != nil {
		vm.fail(err)
		return 0, false
	}
	p := uint32(vm.allocStack[0])
	if p == 0 || !writable(vm.mem, p, size) {
		return 0, false
	}
	return p, true
}

// Err returns nil while the VM is usable, and afterwards why it is not
// (wrapping [ErrVMFailed]). A failed VM must be replaced.
func (vm *VM) Err() error {
	vm.mu.Lock()
	defer vm.mu.Unlock()
	return vm.err
}

// HostCalls returns how many host functions the guest has called so far.
func (vm *VM) HostCalls() uint64 {
	vm.mu.Lock()
	defer vm.mu.Unlock()
	return vm.hostCalls
}

// MemoryBytes returns the size of the guest's linear memory.
func (vm *VM) MemoryBytes() uint64 {
	vm.mu.Lock()
	defer vm.mu.Unlock()
	if vm.closed {
		return 0
	}
	return uint64(vm.mem.Size())
}

// Metrics returns the registry the VM's metrics live in.
func (vm *VM) Metrics() *Metrics { return vm.cfg.Metrics }

// Close ends the root context (proxy_on_done, proxy_on_log,
// proxy_on_delete) and releases the instance. Paused streams fail.
func (vm *VM) Close() {
	vm.mu.Lock()
	defer vm.mu.Unlock()
	if vm.closed {
		return
	}
	if vm.err == nil {
		vm.effective = vm.rootID
		vm.call(vm.fnDone, uint64(vm.rootID))
		vm.call(vm.fnLog, uint64(vm.rootID))
		vm.call(vm.fnDelete, uint64(vm.rootID))
	}
	vm.closeLocked()
}

func (vm *VM) closeLocked() {
	vm.closed = true
	vm.fail(errors.New("vm closed"))
	vm.inst.Close(context.Background())
}

func (vm *VM) log(level LogLevel, msg string) {
	if level < vm.cfg.LogLevel || vm.cfg.Log == nil {
		return
	}
	vm.cfg.Log(level, msg)
}

// logWriter turns the guest's stdout/stderr into log lines.
type logWriter struct {
	vm    *VM
	level LogLevel
}

func (w logWriter) Write(p []byte) (int, error) {
	msg := string(p)
	for len(msg) > 0 && (msg[len(msg)-1] == '\n' || msg[len(msg)-1] == '\r') {
		msg = msg[:len(msg)-1]
	}
	w.vm.log(w.level, msg)
	return len(p), nil
}
