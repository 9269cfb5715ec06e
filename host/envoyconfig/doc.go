// Package envoyconfig reads the subset of Envoy's v3 bootstrap
// configuration (envoy.yaml) that Palisade's local gateway honours: static
// listeners with an HTTP connection manager, downstream TLS and mTLS, the
// wasm HTTP filter that loads palisade.wasm, routes to static clusters, and
// the admin listener.
//
// Everything else is refused by name rather than ignored: a field the
// gateway would not honour makes [Parse] fail with its path, so the same
// file never means one thing in Envoy and another here.
//
// See https://www.envoyproxy.io/docs/envoy/latest/api-v3/config/bootstrap/v3/bootstrap.proto
package envoyconfig
