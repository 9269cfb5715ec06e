package host

// envoyWASI lists the wasi_snapshot_preview1 functions Envoy provides to
// plugins through proxy-wasm-cpp-host: the long-standing set (fd_write,
// fd_read, fd_seek, fd_close, fd_fdstat_get, environ_*, args_*,
// clock_time_get, random_get, proc_exit, path_open, fd_prestat_get,
// fd_prestat_dir_name) plus the three a module built by upstream Go needs
// to initialize (sched_yield, poll_oneoff, fd_fdstat_set_flags;
// proxy-wasm-cpp-host#427, shipped in Envoy 1.33). A module importing any
// other WASI function fails to load in Envoy, so it fails here too (see
// checkImports).
//
// The implementations are wazero's; a VM gets no arguments, no
// environment, no preopened directories (so path_open has nothing to
// open), the real clocks and a cryptographic random source, and its
// stdout/stderr go to the log at info/error level, as the spec says of
// fd_write.
var envoyWASI = map[string]bool{
	"args_get":            true,
	"args_sizes_get":      true,
	"clock_time_get":      true,
	"environ_get":         true,
	"environ_sizes_get":   true,
	"fd_close":            true,
	"fd_fdstat_get":       true,
	"fd_fdstat_set_flags": true,
	"fd_prestat_dir_name": true,
	"fd_prestat_get":      true,
	"fd_read":             true,
	"fd_seek":             true,
	"fd_write":            true,
	"path_open":           true,
	"poll_oneoff":         true,
	"proc_exit":           true,
	"random_get":          true,
	"sched_yield":         true,
}
