// Package twentyrules decides the 20-rule policy of issue #5
// (policies/examples/twenty.yaml: a shop and a clinic behind one mesh)
// with the engines a user would embed in Go instead of Palisade: OPA
// (twenty.rego, a prepared query), cedar-go (twenty.cedar, a policy set
// and entities) and cel-go (cel.go, one program per rule), behind
// seedpolicy's Decider, so that one benchmark run compares them with
// Palisade's Decide on the same requests.
//
// As in seedpolicy, every engine takes the *policies.Request a filter
// hands Palisade, token payloads as JSON, and converts it to its own
// input on each call, that conversion included in its time; each is given
// only the attributes the policy reads. user.scope is the verifier's
// split of the token's scope claim, handed to every engine as a list.
package twentyrules
