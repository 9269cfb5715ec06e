// Package filter is the Palisade HTTP filter: the proxy-wasm VM, plugin
// and HTTP contexts, written against the proxy-wasm-go-sdk's types
// interfaces and talking to the host only through plugin/internal/abi.
package filter
