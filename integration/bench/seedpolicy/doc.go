// Package seedpolicy decides the seed policy of Palisade's design
// (policies/examples/seed.yaml) with the engines a user would embed in Go
// instead of Palisade: OPA (Rego, a prepared query), cedar-go (a policy
// set and entities) and cel-go (one program per rule), so that one
// benchmark run compares them with Palisade's Decide on the same requests.
//
// Every engine takes the same *policies.Request a filter hands Palisade,
// token payloads as JSON, and converts it to its own input on each call:
// that conversion is part of what a filter embedding the engine pays.
// Each is given only the attributes the seed policy reads.
//
// It lives in the bench module so that OPA's dependencies stay out of the
// product's module.
package seedpolicy
