// Package config reads and validates Palisade's plugin configuration: one
// JSON document, handed over by the proxy (Envoy's `configuration`,
// Istio's `pluginConfig`).
//
// Parsing is all or nothing: [Parse] returns a complete, validated
// [Config] or an error naming the offending field by its JSON path
// ("log_level", "providers[1].issuer"); a configuration is never applied
// in part. Unknown fields are errors, so a misspelt setting cannot be
// silently ignored.
package config
