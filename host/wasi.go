package host

// envoyWASI lists the wasi_snapshot_preview1 functions Envoy (through
// proxy-wasm-cpp-host) provides to plugins; Envoy 1.33 added sched_yield and
// poll_oneoff, which modules built by upstream Go import. A module importing
// any other WASI function fails to load in Envoy, so it fails here too
// (see checkImports). The implementations are wazero's; a VM gets no
// arguments, no environment, no preopened directories, the real clocks and
// a cryptographic random source, and its stdout/stderr go to the log at
// info/error level, as the spec says of fd_write.
var envoyWASI = map[string]bool{
	"args_get":          true,
	"args_sizes_get":    true,
	"clock_time_get":    true,
	"environ_get":       true,
	"environ_sizes_get": true,
	"fd_close":          true,
	"fd_fdstat_get":     true,
	"fd_read":           true,
	"fd_seek":           true,
	"fd_write":          true,
	"poll_oneoff":       true,
	"proc_exit":         true,
	"random_get":        true,
	"sched_yield":       true,
}
