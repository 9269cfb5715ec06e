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
type Remote struct {
	cfg       *RemoteConfig
	keys      *jwks.Set
	fetchedAt time.Time

	inflight    bool
	failures    int
	nextAttempt time.Time
	lastEarly   time.Time
	wantEarly   bool
}

// NewRemote returns the state of a provider that has no keys yet.
func NewRemote(cfg *RemoteConfig) *Remote { return &Remote{cfg: cfg} }

// Config returns the provider's remote_jwks configuration.
func (r *Remote) Config() *RemoteConfig { return r.cfg }

// Keys returns the keys in use, or nil when there are none or they are
// older than MaxStaleness.
func (r *Remote) Keys(now time.Time) *jwks.Set {
	if r.keys == nil || now.Sub(r.fetchedAt) > r.cfg.MaxStaleness {
		return nil
	}
	return r.keys
}

// Due reports whether a fetch should start now.
func (r *Remote) Due(now time.Time) bool {
	if r.inflight || now.Before(r.nextAttempt) {
		return false
	}
	return r.keys == nil || r.wantEarly || now.Sub(r.fetchedAt) >= r.cfg.CacheDuration
}

// Started records that a fetch is under way.
func (r *Remote) Started() { r.inflight = true }

// Fetched records a fetch's answer body. A body that is not a usable key
// set counts as a failure; the previous keys stay.
func (r *Remote) Fetched(doc []byte, now time.Time) error {
	r.inflight = false
	set, err := jwks.Parse(doc)
	if err != nil {
		r.Failed(now)
		return err
	}
	r.keys, r.fetchedAt = set, now
	r.failures, r.wantEarly = 0, false
	r.nextAttempt = time.Time{}
	return nil
}

// Failed records a failed fetch and schedules the next attempt.
func (r *Remote) Failed(now time.Time) {
	r.inflight = false
	r.failures++
	backoff := time.Second << min(r.failures-1, 16)
	if backoff > r.cfg.CacheDuration {
		backoff = r.cfg.CacheDuration
	}
	r.nextAttempt = now.Add(backoff)
}

// Adopt takes keys another VM fetched, when they are newer than ours.
// They answer an early fetch this VM asked for only when fetched after
// the time it was scheduled for: older keys may not hold the kid that
// triggered it (see WantsEarly).
func (r *Remote) Adopt(doc []byte, fetchedAt time.Time) bool {
	if !fetchedAt.After(r.fetchedAt) {
		return false
	}
	set, err := jwks.Parse(doc)
	if err != nil {
		return false
	}
	r.keys, r.fetchedAt = set, fetchedAt
	r.failures = 0
	if fetchedAt.After(r.lastEarly) {
		r.wantEarly = false
	}
	return true
}

// WantsEarly reports whether an early fetch was asked for and no key set
// fetched since has answered it: streams waiting for it keep waiting.
func (r *Remote) WantsEarly() bool { return r.wantEarly }

// FetchedAt returns when the keys in use were fetched.
func (r *Remote) FetchedAt() time.Time { return r.fetchedAt }

// RequestEarly asks for a fetch before the cache expires, because a token
// named a kid the keys lack, and reports whether the caller should wait
// for it (always, today: the fetch is only ever delayed, never refused).
// Early fetches are at least RefetchInterval apart: one asked for sooner
// is scheduled for when the interval has passed (Due says when), and
// every caller until it is answered waits for the same fetch. So a key
// rotation under load costs one fetch and no 401, even when tokens with
// unknown kids (forged, or from another issuer's keys) keep asking: they
// wait for the next scheduled fetch, then fail, and never raise the fetch
// rate. The caller's own wait timeout bounds the wait.
func (r *Remote) RequestEarly(now time.Time) bool {
	if r.wantEarly {
		return true
	}
	at := now
	if !r.lastEarly.IsZero() && at.Before(r.lastEarly.Add(r.cfg.RefetchInterval)) {
		at = r.lastEarly.Add(r.cfg.RefetchInterval)
	}
	r.lastEarly = at
	r.wantEarly = true
	r.nextAttempt = at
	return true
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
