package abi

import "github.com/tetratelabs/proxy-wasm-go-sdk/proxywasm/types"

// status is a proxy_status_t.
type status uint32

// statusError maps a host status to the SDK's sentinel errors, so callers
// branch with errors.Is whichever twin is built. Out of line (it follows a
// host call): inlined at its 18 calls it cost palisade.wasm 3.9 KB.
//
//go:noinline
func statusError(s status) error {
	switch s {
	case 0:
		return nil
	case 1:
		return types.ErrorStatusNotFound
	case 2, 6: // BAD_ARGUMENT, INVALID_MEMORY_ACCESS
		return types.ErrorStatusBadArgument
	case 7:
		return types.ErrorStatusEmpty
	case 8:
		return types.ErrorStatusCasMismatch
	case 12:
		return types.ErrorUnimplemented
	}
	return types.ErrorInternalFailure
}
