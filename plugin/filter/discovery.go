package filter

import (
	"errors"
	"strconv"
	"time"

	"github.com/palisade-wasm/palisade/plugin/internal/abi"
	"github.com/palisade-wasm/palisade/plugin/provider"
)

// OIDC discovery: for a provider with remote_jwks.discovery, the issuer's
// discovery document is fetched through the remote_jwks cluster on the key
// set's schedule, shared through shared data like the key set (one VM
// fetches for all, a compare-and-swap lease deciding which), and says
// where the key set is fetched (provider.Remote.Target).

const discoveryPrefix = "palisade/oidc/"

// discoveryMetrics count discovery fetches; a refused document (another
// issuer, a jwks_uri on an unmapped origin) is a failure.
type discoveryMetrics struct {
	fetches  abi.MetricCounter
	failures abi.MetricCounter
}

func defineDiscoveryMetrics() discoveryMetrics {
	return discoveryMetrics{
		fetches:  abi.DefineCounterMetric("palisade_oidc_discovery_fetches_total"),
		failures: abi.DefineCounterMetric("palisade_oidc_discovery_failures_total"),
	}
}

// refreshDiscovery adopts a newer shared discovery document, or fetches
// one when due and this VM wins the lease.
func (p *pluginContext) refreshDiscovery(pr *provider.Provider, r *provider.Remote, now time.Time) {
	key := discoveryPrefix + pr.Name
	if b, _, err := abi.GetSharedData(key); err == nil {
		if doc, at, err := provider.DecodeShared(b); err == nil {
			r.AdoptDiscovery(doc, at)
		}
	}
	if !r.DiscoveryDue(now) {
		return
	}
	if !takeLease(key, now, pr.Remote.Timeout) {
		return
	}
	d := pr.Remote.Discovery
	headers := [][2]string{{":method", "GET"}, {":path", d.Path}, {":authority", d.Authority}, {"accept", "application/json"}}
	_, err := abi.DispatchHttpCall(pr.Remote.Cluster, headers, nil, nil, uint32(pr.Remote.Timeout/time.Millisecond), func(numHeaders, bodySize, _ int) {
		p.discovered(pr, r, numHeaders, bodySize)
	})
	if err != nil {
		releaseLease(key, now)
		p.discoveryFailed(pr, r, "dispatch to cluster "+pr.Remote.Cluster+": "+err.Error(), false)
		return
	}
	r.DiscoveryStarted()
}

// discovered handles a discovery fetch's answer: a location for everyone
// (shared data), or a failure that keeps the last good one and backs off.
// Then the key set is fetched if due, or, when there is nowhere to fetch
// it from, the streams waiting for keys are refused.
func (p *pluginContext) discovered(pr *provider.Provider, r *provider.Remote, numHeaders, bodySize int) {
	now := time.Now()
	releaseLease(discoveryPrefix+pr.Name, now)
	status := callStatus(numHeaders)
	if status != "200" {
		p.discoveryFailed(pr, r, "status "+strconv.Quote(status), false)
		return
	}
	if bodySize > provider.MaxDiscoveryBytes {
		// Refused unread: the limit holds whatever the host buffered.
		p.discoveryFailed(pr, r, "document of "+strconv.Itoa(bodySize)+" bytes, over 64 KiB", false)
		return
	}
	body, err := abi.GetHttpCallResponseBody(0, bodySize)
	if err != nil {
		p.discoveryFailed(pr, r, "read body: "+err.Error(), false)
		return
	}
	if err := r.Discovered(body, now); err != nil {
		// Another issuer's document or a jwks_uri off the map is no network
		// hiccup: it needs the operator (or is an attack), so it is an error.
		refused := errors.Is(err, provider.ErrDiscoveryIssuer) || errors.Is(err, provider.ErrDiscoveryOrigin) || errors.Is(err, provider.ErrDiscoveryJWKSURI)
		p.discoveryFailedCounted(pr, r, err.Error(), refused)
		return
	}
	p.discoveryMetrics.fetches.Increment(1)
	if err := setShared(discoveryPrefix+pr.Name, provider.EncodeShared(body, now)); err != nil {
		p.log.warn("share discovery document of provider " + pr.Name + ": " + err.Error())
	}
	p.refresh(pr, now)
}

// discoveryFailed records a failed discovery fetch, then counts and logs
// it (discoveryFailedCounted).
func (p *pluginContext) discoveryFailed(pr *provider.Provider, r *provider.Remote, why string, refused bool) {
	r.DiscoveryFailed(time.Now())
	p.discoveryFailedCounted(pr, r, why, refused)
}

// discoveryFailedCounted counts and logs a failure already recorded in r;
// with the last good location the key set may still be fetched, without
// one the waiting streams are refused now rather than at their timeout.
func (p *pluginContext) discoveryFailedCounted(pr *provider.Provider, r *provider.Remote, why string, refused bool) {
	p.discoveryMetrics.failures.Increment(1)
	msg := "discover jwks of provider " + pr.Name + " (cluster " + pr.Remote.Cluster + ", " + pr.Remote.Discovery.Path + "): " + why
	if refused {
		p.log.error(msg + "; document refused")
	} else {
		p.log.warn(msg)
	}
	now := time.Now()
	if _, ok := r.Target(now); ok {
		p.refresh(pr, now)
		return
	}
	p.keysArrived(pr)
}
