// Package provider is the user-identity stage of the plugin: token
// providers configured the way Envoy's jwt_authn providers (and Istio's
// RequestAuthentication) are, where to find a request's token, which
// provider verifies it, and a bounded cache of verified tokens.
//
// It holds no ABI code: the filter hands it headers and the current time,
// and fetches remote key sets for it (see [Remote]).
package provider
