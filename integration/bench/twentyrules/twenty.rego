# The 20-rule policy of policies/examples/twenty.yaml in Rego, decided the
# way Palisade combines rules (deny-overrides): of the deny rules that
# hold, the first in document order decides; then the first allow rule;
# then the default, deny. Each rule is named as in twenty.yaml. Rego has no
# path templates: the path is split into segments, seg[1] being the first.
package palisade.twenty

seg := split(input.request.path, "/")

method := input.request.method

# role(r) is "the token's realm_access.roles hold r".
role(r) if r in input.user.claims.realm_access.roles

# The rules in document order, for the deciding rule.
order := [
	"suspended-accounts",
	"health-probes",
	"metrics-scraped-by-monitoring",
	"public-catalog-read",
	"catalog-write-by-merchandisers",
	"customer-reads-own-orders",
	"customer-places-orders",
	"support-reads-orders",
	"checkout-creates-payments",
	"payments-read-by-payments-service",
	"finance-issues-refunds",
	"warehouse-syncs-inventory",
	"admin-needs-admin-role",
	"admins-manage-the-shop",
	"patients-never-to-analytics",
	"records-for-clinicians-on-compliant-devices",
	"patients-read-own-records",
	"appointments-for-patient-or-staff",
	"lab-posts-results",
	"doctors-prescribe",
]

# under(p) is the template /p/** ; at(n) is "the path has n segments".
under(p) if seg[1] == p

at(n) if count(seg) == n + 1

deny contains "suspended-accounts" if input.user.claims.status == "suspended"

allow contains "health-probes" if {
	method == "GET"
	input.request.path in {"/healthz", "/readyz"}
}

allow contains "metrics-scraped-by-monitoring" if {
	method == "GET"
	input.request.path == "/metrics"
	input.service.namespace == "monitoring"
}

allow contains "public-catalog-read" if {
	method == "GET"
	under("catalog")
}

allow contains "catalog-write-by-merchandisers" if {
	method in {"PUT", "POST", "DELETE"}
	at(3)
	seg[1] == "catalog"
	seg[2] == "items"
	seg[3] != ""
	role("merchandiser")
	"catalog:write" in input.user.scope
}

customer_orders if {
	count(seg) >= 4
	seg[1] == "customers"
	seg[2] != ""
	seg[3] == "orders"
}

allow contains "customer-reads-own-orders" if {
	method == "GET"
	customer_orders
	input.user.sub == seg[2]
	"orders:read" in input.user.scope
}

allow contains "customer-places-orders" if {
	method == "POST"
	customer_orders
	at(3)
	input.user.sub == seg[2]
	"orders:write" in input.user.scope
}

allow contains "support-reads-orders" if {
	method == "GET"
	customer_orders
	role("support")
}

allow contains "checkout-creates-payments" if {
	method == "POST"
	input.request.path == "/payments"
	input.service.id == "spiffe://shop.example/ns/checkout/sa/checkout"
}

allow contains "payments-read-by-payments-service" if {
	method == "GET"
	count(seg) >= 3
	seg[1] == "payments"
	seg[2] != ""
	input.service.id == "spiffe://shop.example/ns/payments/sa/payments"
}

allow contains "finance-issues-refunds" if {
	method == "POST"
	at(3)
	seg[1] == "payments"
	seg[2] != ""
	seg[3] == "refunds"
	role("finance")
	input.user.claims.acr == "mfa"
}

allow contains "warehouse-syncs-inventory" if {
	method == "PUT"
	at(2)
	seg[1] == "inventory"
	seg[2] != ""
	input.service.trustDomain == "warehouse.example"
	input.service.namespace == "sync"
}

deny contains "admin-needs-admin-role" if {
	under("admin")
	not role("admin")
}

allow contains "admins-manage-the-shop" if {
	under("admin")
	role("admin")
}

deny contains "patients-never-to-analytics" if {
	under("patients")
	input.service.namespace == "analytics"
}

# patient(kind) is the template /patients/{patient}/<kind>/**.
patient(kind) if {
	count(seg) >= 4
	seg[1] == "patients"
	seg[2] != ""
	seg[3] == kind
}

allow contains "records-for-clinicians-on-compliant-devices" if {
	method == "GET"
	patient("records")
	role("clinician")
	input.thing.claims.compliant == true
}

allow contains "patients-read-own-records" if {
	method == "GET"
	patient("records")
	input.user.sub == seg[2]
	"records:read" in input.user.scope
}

allow contains "appointments-for-patient-or-staff" if {
	method in {"GET", "POST"}
	patient("appointments")
	input.user.sub == seg[2]
}

allow contains "appointments-for-patient-or-staff" if {
	method in {"GET", "POST"}
	patient("appointments")
	role("staff")
}

allow contains "lab-posts-results" if {
	method in {"POST", "PUT"}
	patient("labs")
	at(4)
	seg[4] != ""
	input.service.id == "spiffe://clinic.example/ns/lab/sa/lab-gateway"
}

allow contains "doctors-prescribe" if {
	method == "POST"
	patient("prescriptions")
	at(3)
	role("doctor")
	"prescriptions:write" in input.user.scope
}

decision := {"allow": false, "rule": [r | some r in order; r in deny][0]} if {
	count(deny) > 0
} else := {"allow": true, "rule": [r | some r in order; r in allow][0]} if {
	count(allow) > 0
} else := {"allow": false, "rule": ""}
