package filter

import (
	"strconv"
	"time"

	"github.com/palisade-wasm/palisade/plugin/internal/abi"
	"github.com/palisade-wasm/palisade/plugin/provider"
)

// Remote key sets: each VM keeps a provider.Remote per provider with
// remote_jwks; fetched key sets are shared through shared data, so one VM
// fetches for all (a lease taken with compare-and-swap decides which).

const (
	tickPeriod   = 1000 // ms
	sharedPrefix = "palisade/jwks/"
	// waitTick is the tick while streams wait for keys: another VM's
	// fetch reaches this one through shared data, read at each tick, so a
	// one-second tick would hold each waiting stream up to a second (a key
	// rotation under load would stall every client that sent a new kid).
	waitTick = 25 // ms
)

// setTick asks for the tick period that fits: fast while streams wait for
// keys, slow otherwise. It calls the host only on a change.
func (p *pluginContext) setTick() {
	want := uint32(tickPeriod)
	if len(p.waiting) > 0 {
		want = waitTick
	}
	if want == p.tick {
		return
	}
	if err := abi.SetTickPeriodMilliSeconds(want); err != nil {
		p.log.error("set tick period: " + err.Error())
		return
	}
	p.tick = want
}

// remote is kept out of line: inlined at its 5 calls it cost palisade.wasm
// 4 KB.
//
//go:noinline
func (p *pluginContext) remote(pr *provider.Provider) *provider.Remote {
	r, ok := p.remotes[pr]
	if !ok {
		r = provider.NewRemote(pr.Remote)
		p.remotes[pr] = r
	}
	return r
}

// startRemotes starts fetching every remote key set and the tick that
// keeps them fresh and times waiting streams out.
func (p *pluginContext) startRemotes() {
	any := false
	for _, pr := range p.cfg.Providers {
		if pr.Remote != nil {
			any = true
			p.refresh(pr, time.Now())
		}
	}
	if any {
		p.setTick()
	}
}

// OnTick adopts key sets other VMs fetched, starts due fetches, and fails
// streams that waited too long for keys.
func (p *pluginContext) OnTick() {
	if p.cfg == nil {
		return
	}
	now := time.Now()
	for _, pr := range p.cfg.Providers {
		if pr.Remote != nil {
			p.refresh(pr, now)
		}
	}
	kept := p.waiting[:0]
	for _, h := range p.waiting {
		if now.After(h.waitUntil) {
			if abi.SetEffectiveContext(h.id) == nil {
				h.resume(true)
			}
			continue
		}
		kept = append(kept, h)
	}
	clear(p.waiting[len(kept):])
	p.waiting = kept
	p.setTick()
}

// refresh adopts a newer shared key set, or fetches one when due and
// this VM wins the lease. With discovery, the discovery document is
// refreshed first (see discovery.go): it says where the key set is.
func (p *pluginContext) refresh(pr *provider.Provider, now time.Time) {
	r := p.remote(pr)
	if pr.Remote.Discovery != nil {
		p.refreshDiscovery(pr, r, now)
	}
	key := sharedPrefix + pr.Name
	if b, _, err := abi.GetSharedData(key); err == nil {
		// Keys older than an early fetch this VM asked for cannot satisfy
		// the streams waiting for it: they wait for the fetch.
		if doc, at, err := provider.DecodeShared(b); err == nil && r.Adopt(doc, at) && !r.WantsEarly() {
			p.keysArrived(pr)
		}
	}
	if !r.Due(now) {
		return
	}
	if !takeLease(key, now, pr.Remote.Timeout) {
		return
	}
	p.fetch(pr, r)
}

func (p *pluginContext) fetch(pr *provider.Provider, r *provider.Remote) {
	rc := pr.Remote
	t, _ := r.Target(time.Now()) // Due said there is one
	headers := [][2]string{{":method", "GET"}, {":path", t.Path}, {":authority", t.Authority}, {"accept", "application/json"}}
	_, err := abi.DispatchHttpCall(t.Cluster, headers, nil, nil, uint32(rc.Timeout/time.Millisecond), func(numHeaders, bodySize, _ int) {
		p.fetched(pr, r, numHeaders, bodySize)
	})
	if err != nil {
		releaseLease(sharedPrefix+pr.Name, time.Now())
		p.log.error("fetch jwks of provider " + pr.Name + ": dispatch to cluster " + t.Cluster + ": " + err.Error())
		r.Failed(time.Now())
		p.metrics.jwksFailures.Increment(1)
		p.keysArrived(pr)
		return
	}
	r.Started()
}

// fetched handles a fetch's answer: keys for everyone (shared data), or a
// failure that keeps the old keys and backs off.
func (p *pluginContext) fetched(pr *provider.Provider, r *provider.Remote, numHeaders, bodySize int) {
	now := time.Now()
	releaseLease(sharedPrefix+pr.Name, now)
	status := callStatus(numHeaders)
	if status != "200" {
		p.log.warn("fetch jwks of provider " + pr.Name + ": status " + strconv.Quote(status))
		r.Failed(now)
		p.metrics.jwksFailures.Increment(1)
		p.keysArrived(pr)
		return
	}
	body, err := abi.GetHttpCallResponseBody(0, bodySize)
	if err == nil {
		err = r.Fetched(body, now)
	}
	if err != nil {
		p.log.warn("fetch jwks of provider " + pr.Name + ": " + err.Error())
		p.metrics.jwksFailures.Increment(1)
		p.keysArrived(pr)
		return
	}
	p.metrics.jwksFetches.Increment(1)
	if err := setShared(sharedPrefix+pr.Name, provider.EncodeShared(body, now)); err != nil {
		p.log.warn("share jwks of provider " + pr.Name + ": " + err.Error())
	}
	p.keysArrived(pr)
}

// callStatus returns the :status of the http call whose answer is being
// handled ("" when it has no headers: the call failed or timed out).
func callStatus(numHeaders int) string {
	status := ""
	if numHeaders > 0 {
		if hs, err := abi.GetHttpCallResponseHeaders(); err == nil {
			for _, kv := range hs {
				if kv[0] == ":status" {
					status = kv[1]
				}
			}
		}
	}
	return status
}

// takeLease takes the fetch lease of key for timeout, with a
// compare-and-swap, so that one VM fetches for all. It reports false when
// another VM holds the lease or won the race for it.
func takeLease(key string, now time.Time, timeout time.Duration) bool {
	lease, cas, err := abi.GetSharedData(key + "/lease")
	if err == nil && !provider.LeaseFree(lease, now) {
		return false // another VM is fetching
	}
	return abi.SetSharedData(key+"/lease", provider.Lease(now.Add(timeout)), cas) == nil
}

// releaseLease frees the fetch lease of key once this VM's fetch ended,
// so that the next fetch (an early one for an unknown kid) need not wait
// for the lease to expire. On failure the lease expires on its own.
func releaseLease(key string, now time.Time) {
	_ = setShared(key+"/lease", provider.Lease(now))
}

// setShared overwrites a shared-data value. It passes the value's current
// CAS rather than 0: Envoy takes 0 as "unconditionally", but proxytest
// refuses 0 once the key exists, and an explicit CAS means the same in both.
func setShared(key string, value []byte) error {
	_, cas, err := abi.GetSharedData(key)
	if err != nil {
		cas = 0
	}
	return abi.SetSharedData(key, value, cas)
}

// keysArrived resumes the streams waiting for pr's keys, whatever the
// outcome: with keys they are verified; without, refused.
func (p *pluginContext) keysArrived(pr *provider.Provider) {
	kept := p.waiting[:0]
	var ready []*httpContext
	for _, h := range p.waiting {
		if h.provider == pr {
			ready = append(ready, h)
		} else {
			kept = append(kept, h)
		}
	}
	clear(p.waiting[len(kept):])
	p.waiting = kept
	p.setTick()
	for _, h := range ready {
		if abi.SetEffectiveContext(h.id) == nil {
			h.resume(false)
		}
	}
}

func (p *pluginContext) wait(h *httpContext) {
	p.waiting = append(p.waiting, h)
	p.setTick()
	now := time.Now()
	if r := p.remote(h.provider); r.Due(now) || r.DiscoveryDue(now) {
		p.refresh(h.provider, now)
	}
}

func (p *pluginContext) forget(h *httpContext) {
	for i, w := range p.waiting {
		if w == h {
			p.waiting = append(p.waiting[:i], p.waiting[i+1:]...)
			return
		}
	}
}
