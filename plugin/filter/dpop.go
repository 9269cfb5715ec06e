package filter

import (
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/palisade-wasm/palisade/plugin/dpop"
	"github.com/palisade-wasm/palisade/plugin/internal/abi"
	"github.com/palisade-wasm/palisade/plugin/provider"
	"github.com/tetratelabs/proxy-wasm-go-sdk/proxywasm/types"
)

// dpopPrefix is the shared-data prefix of the proof replay cache.
const dpopPrefix = "palisade/dpop/"

// casRetries bounds the compare-and-swap loop of the replay cache; VMs
// racing on one slot that long is refused, not waited for.
const casRetries = 5

var errReplayCache = errors.New("dpop replay cache unavailable")

// usesDPoPScheme reports whether the token came as "Authorization: DPoP".
func usesDPoPScheme(f provider.Found) bool {
	return f.Source.Kind == provider.FromHeader && f.Source.Name == "authorization" && strings.EqualFold(f.Source.Prefix, "DPoP ")
}

// checkDPoP applies RFC 9449 to the verified user token on every request
// (a proof is per request, even for a cached token): a token sent with
// the DPoP scheme needs one proof, signed by the key its cnf.jkt names,
// for this method and URL and this token, not seen before; a bound token
// sent as a bearer token is refused (section 7.2), and so is any token
// without a proof when the provider requires DPoP.
func (h *httpContext) checkDPoP() error {
	d := &h.user.Provider.DPoP
	if d.Mode == provider.DPoPDisabled {
		return nil
	}
	jkt := h.user.DPoPKey()
	if !usesDPoPScheme(h.found) {
		if jkt != "" || d.Mode == provider.DPoPRequired {
			return dpop.ErrMissing
		}
		return nil
	}
	if jkt == "" {
		return dpop.ErrBinding
	}
	proof, n := "", 0
	for _, kv := range h.req.headers {
		if kv[0] == "dpop" {
			proof, n = kv[1], n+1
		}
	}
	switch {
	case n == 0:
		return dpop.ErrMissing
	case n > 1: // one proof per request (section 4.3)
		return dpop.ErrMalformed
	}
	url, ok := dpop.Join(h.req.scheme, h.req.authority, h.path)
	if !ok {
		return dpop.ErrURL
	}
	now := time.Now()
	p, err := dpop.Verify(proof, &dpop.Request{
		Method:      h.req.method,
		URL:         url,
		AccessToken: h.found.Token,
		Now:         now,
		MaxAge:      d.MaxAge,
		Skew:        h.user.Provider.Verifier.ClockSkew,
		Algorithms:  d.Algorithms,
	})
	if err != nil {
		return err
	}
	if err := dpop.CheckBinding(jkt, p); err != nil {
		return err
	}
	// The proof is remembered until its iat leaves the window.
	expires := p.IAT.Add(d.MaxAge + h.user.Provider.Verifier.ClockSkew)
	return h.plugin.recordProof(p, now, expires)
}

// prepareReplayCache creates the replay cache's slots that do not exist
// yet, empty, when a provider may see DPoP proofs. The ABI has no
// create-if-absent: a write with CAS 0 is unconditional, so a slot first
// created while proofs arrive could have its first entry overwritten by a
// racing VM's creation (a replay let through). Created at configuration,
// every later write to a slot is CAS-checked. Creating one that another
// VM just created is harmless: no proof is recorded before a VM's
// configuration is done. The VM that creates the last slot then writes a
// mark, so the proxy's other VMs (and later configurations) read one key
// instead of every slot: shared data is never deleted.
func (p *pluginContext) prepareReplayCache() {
	uses := false
	for _, pr := range p.cfg.Providers {
		uses = uses || pr.DPoP.Mode != provider.DPoPDisabled
	}
	if !uses {
		return
	}
	ready := strconv.Itoa(dpop.Slots)
	if v, _, err := abi.GetSharedData(dpopReadyKey); err == nil && string(v) == ready {
		return
	}
	for i := range dpop.Slots {
		key := dpopPrefix + strconv.Itoa(i)
		if _, _, err := abi.GetSharedData(key); errors.Is(err, types.ErrorStatusNotFound) {
			if err := abi.SetSharedData(key, []byte{}, 0); err != nil {
				p.log.warn("dpop replay cache: " + err.Error())
				return
			}
		}
	}
	if err := abi.SetSharedData(dpopReadyKey, []byte(ready), 0); err != nil {
		p.log.warn("dpop replay cache: " + err.Error())
	}
}

// dpopReadyKey marks the replay cache's slots as created; its value is
// their number.
const dpopReadyKey = dpopPrefix + "ready"

// recordProof adds a proof to the replay cache shared by every VM of the
// proxy; a proof already there is a replay. Any failure of the cache
// refuses the proof (fail closed).
func (p *pluginContext) recordProof(proof *dpop.Proof, now, expires time.Time) error {
	key, id := dpop.ReplayID(dpopPrefix, proof)
	for i := 0; i < casRetries; i++ {
		old, cas, err := abi.GetSharedData(key)
		if errors.Is(err, types.ErrorStatusNotFound) {
			// A host sets an absent key whatever the CAS, so a slot is
			// first created empty (harmless if VMs race), then read
			// again for a CAS every later write is checked against.
			if err := abi.SetSharedData(key, []byte{}, 0); err != nil {
				p.log.warn("dpop replay cache: " + err.Error())
				return errReplayCache
			}
			continue
		}
		if err != nil {
			p.log.warn("dpop replay cache: " + err.Error())
			return errReplayCache
		}
		next, err := dpop.Record(old, id, now, expires)
		if err != nil {
			if errors.Is(err, dpop.ErrReplay) {
				p.metrics.dpopReplays.Increment(1)
			}
			return err
		}
		err = abi.SetSharedData(key, next, cas)
		if err == nil {
			return nil
		}
		if !errors.Is(err, types.ErrorStatusCasMismatch) {
			p.log.warn("dpop replay cache: " + err.Error())
			return errReplayCache
		}
	}
	return errReplayCache
}
