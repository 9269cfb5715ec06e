package provider

import (
	"encoding/binary"
	"errors"
	"time"

	"github.com/palisade-wasm/palisade/plugin/jwks"
)

// Remote is the key-fetching state of one provider with remote_jwks in
// one VM. The filter drives it: it asks Due at every tick and when a
// request needs keys, fetches through the provider's cluster
// (dispatch_http_call), and reports the answer with Fetched or Failed.
// Keys fetched by another VM arrive through shared data with Adopt, so
// one VM fetches for all.
//
// Rules: keys are refreshed every CacheDuration; a failure backs off
// exponentially (1 s, 2 s, ... up to the cache duration) and keeps the
// last good keys until MaxStaleness, then there are no keys (requests get
// 401 jwks_unavailable: there is never a fallback key); a garbage or empty
// key set is a failure and also keeps the old keys; an unknown kid may
// trigger one early fetch per RefetchInterval.
//
// With discovery, the discovery document follows the same rules on its own
// schedule (DiscoveryDue, DiscoveryStarted, Discovered, DiscoveryFailed,
// AdoptDiscovery): its last good jwks_uri is used until MaxStaleness; the
// key set is fetched only from a discovered location, never while a
// discovery fetch is under way (it may move the key set), and at once when
// a new document moves it. An unknown kid refreshes both.
type Remote struct {
	cfg  *RemoteConfig
	keys *jwks.Set
	jwks schedule

	target Target // where the key set is: configured, or discovered
	disc   schedule

	lastEarly time.Time
}

// schedule is when one document (a key set, a discovery document) is
// fetched: every cache duration, sooner when asked, backing off
// exponentially after failures.
type schedule struct {
	fetchedAt   time.Time
	inflight    bool
	failures    int
	nextAttempt time.Time
	wantEarly   bool
}

func (s *schedule) due(now time.Time, have bool, every time.Duration) bool {
	if s.inflight || now.Before(s.nextAttempt) {
		return false
	}
	return !have || s.wantEarly || now.Sub(s.fetchedAt) >= every
}

func (s *schedule) succeeded(now time.Time) {
	s.inflight = false
	s.fetchedAt = now
	s.failures, s.wantEarly = 0, false
	s.nextAttempt = time.Time{}
}

func (s *schedule) failed(now time.Time, ceiling time.Duration) {
	s.inflight = false
	s.failures++
	backoff := time.Second << min(s.failures-1, 16)
	if backoff > ceiling {
		backoff = ceiling
	}
	s.nextAttempt = now.Add(backoff)
}

// adopted records a document another VM fetched. It answers an early
// fetch asked for at earlyAt only when fetched after it: an older one may
// not hold what the early fetch was for (the kid a token named).
func (s *schedule) adopted(fetchedAt, earlyAt time.Time) {
	s.fetchedAt = fetchedAt
	s.failures = 0
	if fetchedAt.After(earlyAt) {
		s.wantEarly = false
	}
}

func (s *schedule) early() { s.earlyAt(time.Time{}) }

// earlyAt asks for a fetch at or after at.
func (s *schedule) earlyAt(at time.Time) {
	s.wantEarly = true
	s.nextAttempt = at
}

// NewRemote returns the state of a provider that has no keys yet.
func NewRemote(cfg *RemoteConfig) *Remote {
	r := &Remote{cfg: cfg}
	if cfg.Discovery == nil {
		r.target = Target{Cluster: cfg.Cluster, Path: cfg.Path, Authority: cfg.Authority}
	}
	return r
}

// Config returns the provider's remote_jwks configuration.
func (r *Remote) Config() *RemoteConfig { return r.cfg }

// Keys returns the keys in use, or nil when there are none or they are
// older than MaxStaleness.
func (r *Remote) Keys(now time.Time) *jwks.Set {
	if r.keys == nil || now.Sub(r.jwks.fetchedAt) > r.cfg.MaxStaleness {
		return nil
	}
	return r.keys
}

// Target returns where the key set is fetched; ok is false with
// discovery when no document was accepted within MaxStaleness.
func (r *Remote) Target(now time.Time) (t Target, ok bool) {
	if r.cfg.Discovery == nil {
		return r.target, true
	}
	if r.target.Cluster == "" || now.Sub(r.disc.fetchedAt) > r.cfg.MaxStaleness {
		return Target{}, false
	}
	return r.target, true
}

// Due reports whether a key set fetch should start now.
func (r *Remote) Due(now time.Time) bool {
	if r.cfg.Discovery != nil {
		if _, ok := r.Target(now); !ok || r.disc.inflight {
			return false
		}
	}
	return r.jwks.due(now, r.keys != nil, r.cfg.CacheDuration)
}

// Started records that a fetch is under way.
func (r *Remote) Started() { r.jwks.inflight = true }

// Fetched records a fetch's answer body. A body that is not a usable key
// set counts as a failure; the previous keys stay.
func (r *Remote) Fetched(doc []byte, now time.Time) error {
	set, err := jwks.Parse(doc)
	if err != nil {
		r.Failed(now)
		return err
	}
	r.keys = set
	r.jwks.succeeded(now)
	return nil
}

// Failed records a failed fetch and schedules the next attempt.
func (r *Remote) Failed(now time.Time) { r.jwks.failed(now, r.cfg.CacheDuration) }

// Adopt takes keys another VM fetched, when they are newer than ours.
func (r *Remote) Adopt(doc []byte, fetchedAt time.Time) bool {
	if !fetchedAt.After(r.jwks.fetchedAt) {
		return false
	}
	set, err := jwks.Parse(doc)
	if err != nil {
		return false
	}
	r.keys = set
	r.jwks.adopted(fetchedAt, r.lastEarly)
	return true
}

// WantsEarly reports whether an early key set fetch was asked for and no
// key set fetched since has answered it: streams waiting for it keep
// waiting.
func (r *Remote) WantsEarly() bool { return r.jwks.wantEarly }

// FetchedAt returns when the keys in use were fetched.
func (r *Remote) FetchedAt() time.Time { return r.jwks.fetchedAt }

// RequestEarly asks for a fetch before the cache expires, because a token
// named a kid the keys lack, and reports whether the caller should wait
// for it (always, today: the fetch is only ever delayed, never refused).
// Early fetches are at least RefetchInterval apart: one asked for sooner
// is scheduled for when the interval has passed (Due says when), and
// every caller until it is answered waits for the same fetch. So a key
// rotation under load costs one fetch and no 401, even when tokens with
// unknown kids (forged, or from another issuer's keys) keep asking: they
// wait for the next scheduled fetch, then fail, and never raise the fetch
// rate. The caller's own wait timeout bounds the wait. With discovery,
// the document is fetched again first: a rotation may have moved the key
// set.
func (r *Remote) RequestEarly(now time.Time) bool {
	if r.jwks.wantEarly {
		return true
	}
	at := now
	if !r.lastEarly.IsZero() && at.Before(r.lastEarly.Add(r.cfg.RefetchInterval)) {
		at = r.lastEarly.Add(r.cfg.RefetchInterval)
	}
	r.lastEarly = at
	r.jwks.earlyAt(at)
	if r.cfg.Discovery != nil {
		r.disc.earlyAt(at)
	}
	return true
}

// DiscoveryDue reports whether a discovery fetch should start now.
func (r *Remote) DiscoveryDue(now time.Time) bool {
	if r.cfg.Discovery == nil {
		return false
	}
	_, have := r.Target(now)
	return r.disc.due(now, have, r.cfg.CacheDuration)
}

// DiscoveryStarted records that a discovery fetch is under way.
func (r *Remote) DiscoveryStarted() { r.disc.inflight = true }

// Discovered records a discovery fetch's answer body. A refused document
// counts as a failure and the last good location stays; a new location
// makes the key set due at once.
func (r *Remote) Discovered(doc []byte, now time.Time) error {
	t, err := r.cfg.Discovery.JWKSTarget(doc)
	if err != nil {
		r.DiscoveryFailed(now)
		return err
	}
	r.disc.succeeded(now)
	r.locate(t)
	return nil
}

// DiscoveryFailed records a failed discovery fetch and schedules the next
// attempt.
func (r *Remote) DiscoveryFailed(now time.Time) { r.disc.failed(now, r.cfg.CacheDuration) }

// AdoptDiscovery takes a discovery document another VM fetched, when it
// is newer than ours; it is checked as if fetched here.
func (r *Remote) AdoptDiscovery(doc []byte, fetchedAt time.Time) bool {
	if r.cfg.Discovery == nil || !fetchedAt.After(r.disc.fetchedAt) {
		return false
	}
	t, err := r.cfg.Discovery.JWKSTarget(doc)
	if err != nil {
		return false
	}
	r.disc.adopted(fetchedAt, r.lastEarly)
	r.locate(t)
	return true
}

func (r *Remote) locate(t Target) {
	if t == r.target {
		return
	}
	r.target = t
	r.jwks.failures = 0 // a new place deserves a fresh start
	r.jwks.early()
}

// EncodeShared packs a fetched key set for shared data: the fetch time
// (8 bytes, Unix nanoseconds, little endian) then the document.
func EncodeShared(doc []byte, fetchedAt time.Time) []byte {
	b := binary.LittleEndian.AppendUint64(make([]byte, 0, 8+len(doc)), uint64(fetchedAt.UnixNano()))
	return append(b, doc...)
}

// DecodeShared unpacks what EncodeShared packed.
func DecodeShared(b []byte) (doc []byte, fetchedAt time.Time, err error) {
	if len(b) < 8 {
		return nil, time.Time{}, errors.New("shared key set: too short")
	}
	return b[8:], time.Unix(0, int64(binary.LittleEndian.Uint64(b))), nil
}

// LeaseFree reports whether a fetch lease (shared data: 8 bytes, the
// Unix nanoseconds it expires at) may be taken at now. A VM takes the
// lease with a compare-and-swap before fetching, so one VM fetches for
// all and a crashed one holds it only until it expires.
func LeaseFree(lease []byte, now time.Time) bool {
	if len(lease) != 8 {
		return true
	}
	return now.UnixNano() >= int64(binary.LittleEndian.Uint64(lease))
}

// Lease returns a lease value expiring at t.
func Lease(t time.Time) []byte {
	return binary.LittleEndian.AppendUint64(nil, uint64(t.UnixNano()))
}
