package provider

import (
	"time"
	"unsafe"
)

// Cache holds verified identities by token, so a repeated token costs no
// signature check: a fixed number of entries, each dropped at the token's
// expiry or after the TTL, whichever comes first. Every lookup compares the
// whole token; nothing is keyed by a hash or a signature alone.
//
// Entries are bucketed by the token's last eight bytes (the end of its
// signature, which no one but the issuer chooses: only verified tokens are
// stored) and compared in full within the bucket, eight bytes at a time.
// Inside wasm that matters: a Go map keyed by the token hashes all of it
// and compares it with the runtime's byte-wise loop, ~3 µs for a 700-byte
// token; this costs ~0.6 µs. Not safe for concurrent use: one per VM, as a
// VM runs one callback at a time.
type Cache struct {
	max     int
	ttl     time.Duration
	n       int
	buckets map[uint64]*cacheEntry
}

type cacheEntry struct {
	token   string
	id      *Identity
	expires time.Time
	next    *cacheEntry // same bucket
}

// NewCache returns a cache of at most max entries kept at most ttl.
func NewCache(max int, ttl time.Duration) *Cache {
	return &Cache{max: max, ttl: ttl, buckets: make(map[uint64]*cacheEntry, max)}
}

// Get returns the identity verified for token, if still fresh at now.
func (c *Cache) Get(token string, now time.Time) (*Identity, bool) {
	b := bucket(token)
	for e := c.buckets[b]; e != nil; e = e.next {
		if tokenEqual(e.token, token) {
			if !now.Before(e.expires) {
				c.remove(b, e)
				return nil, false
			}
			return e.id, true
		}
	}
	return nil, false
}

// Put records a verified identity. When the cache is full, expired
// entries are dropped; if none are, arbitrary entries make room (Go's
// map iteration order is random, which spreads evictions).
func (c *Cache) Put(token string, id *Identity, now time.Time) {
	exp := now.Add(c.ttl)
	if !id.Expiry.IsZero() && id.Expiry.Before(exp) {
		exp = id.Expiry
	}
	if !now.Before(exp) {
		return
	}
	b := bucket(token)
	for e := c.buckets[b]; e != nil; e = e.next {
		if tokenEqual(e.token, token) {
			e.id, e.expires = id, exp
			return
		}
	}
	if c.n >= c.max {
		c.evict(now)
	}
	c.buckets[b] = &cacheEntry{token: token, id: id, expires: exp, next: c.buckets[b]}
	c.n++
}

// evict drops expired entries, then arbitrary ones until there is room.
func (c *Cache) evict(now time.Time) {
	for b, e := range c.buckets {
		for e != nil {
			next := e.next
			if !now.Before(e.expires) {
				c.remove(b, e)
			}
			e = next
		}
	}
	for b, e := range c.buckets {
		if c.n < c.max {
			return
		}
		c.remove(b, e)
	}
}

func (c *Cache) remove(b uint64, target *cacheEntry) {
	p := c.buckets[b]
	if p == target {
		if target.next == nil {
			delete(c.buckets, b)
		} else {
			c.buckets[b] = target.next
		}
		c.n--
		return
	}
	for ; p != nil; p = p.next {
		if p.next == target {
			p.next = target.next
			c.n--
			return
		}
	}
}

// Len returns the number of entries.
func (c *Cache) Len() int { return c.n }

// bucket is the token's last eight bytes (fewer for a shorter token).
func bucket(t string) uint64 {
	var b uint64
	for i := max(0, len(t)-8); i < len(t); i++ {
		b = b<<8 | uint64(t[i])
	}
	return b
}

// tokenEqual compares two strings eight bytes at a time. Go's own string
// comparison is a byte loop inside wasm; this is about four times faster
// there. It reads only within both strings' bounds.
func tokenEqual(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	pa, pb := unsafe.Pointer(unsafe.StringData(a)), unsafe.Pointer(unsafe.StringData(b))
	i := 0
	for ; i+8 <= len(a); i += 8 {
		if *(*uint64)(unsafe.Add(pa, i)) != *(*uint64)(unsafe.Add(pb, i)) {
			return false
		}
	}
	for ; i < len(a); i++ {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
