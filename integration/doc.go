// Package integration holds Palisade's end-to-end tests: the built
// palisade.wasm behind real listeners with real TLS and mTLS, in front of
// a real upstream, all on 127.0.0.1. One table of cases runs against the
// local gateway always, and against a real Envoy with the same
// configuration whenever an envoy binary is on PATH.
package integration
