// Package gateway is Palisade's local gateway: a reverse proxy that runs
// palisade.wasm (or any proxy-wasm HTTP filter) on every request, configured
// by the same envoy.yaml a real Envoy sidecar uses (see host/envoyconfig).
//
// Like Envoy, it keeps a few plugin VMs (one per core, as Envoy keeps one
// per worker thread); a VM runs one callback at a time while many streams
// interleave on it. Request and response headers, bodies and trailers all
// go through the plugin; a paused stream waits, bounded in time, for the
// plugin to continue or answer it. The downstream connection (TLS version,
// SNI, the mTLS peer certificate's URI SAN, subject and digest) feeds the
// plugin's connection properties, so service identity works as in a mesh.
//
// It fails closed: a plugin that traps, or leaves a stream paused past the
// bound, answers 500 and never lets the request through; the trapped VM is
// replaced and the others keep serving.
package gateway
