package host

// Call runs an export of the guest that takes no argument and returns an
// i32, for tests that read a test guest's counters.
func (vm *VM) Call(name string) uint32 {
	vm.mu.Lock()
	defer vm.mu.Unlock()
	r, err := vm.call(vm.inst.ExportedFunction(name))
	if err != nil {
		return 0
	}
	return uint32(r)
}
