# The seed policy of policies/examples/seed.yaml in Rego, decided the way
# Palisade combines rules (deny-overrides): a deny rule that holds decides,
# then an allow rule, then the default, deny. Each rule is named as in
# seed.yaml. The audit rule only records, so it has no counterpart here.
package palisade.seed

segments := split(input.request.path, "/")

# Only the payment service reads payment data.
allow contains "payments-read-by-payments-service" if {
	input.request.method == "GET"
	segments[1] == "payments"
	input.service.id == "spiffe://shop.example/ns/payments/sa/payments"
}

# A customer reads only their own orders.
allow contains "customer-reads-own-orders" if {
	input.request.method == "GET"
	segments[1] == "customers"
	segments[3] == "orders"
	input.user.authenticated
	input.user.sub == segments[2]
}

# Viewing history is open to its user and the recommendation service...
allow contains "history-for-its-user-and-recommendations" if {
	history
	input.user.sub == segments[2]
}

allow contains "history-for-its-user-and-recommendations" if {
	history
	input.service.id == "spiffe://video.example/ns/reco/sa/recommendation"
}

# ...and never to the video delivery service, whoever the user is.
deny contains "history-never-to-video-delivery" if {
	history
	input.service.id == "spiffe://video.example/ns/delivery/sa/delivery"
}

# In the hospital app, records only for clinicians on compliant devices.
allow contains "records-for-clinicians-on-compliant-devices" if {
	segments[1] == "records"
	"clinician" in input.user.claims.roles
	input.thing.claims.compliant == true
}

history if {
	segments[1] == "users"
	segments[3] == "history"
}

decision := {"allow": false, "rule": min(deny)} if {
	count(deny) > 0
} else := {"allow": true, "rule": min(allow)} if {
	count(allow) > 0
} else := {"allow": false, "rule": ""}
