package envoyconfig

import (
	"fmt"
	"strings"
	"time"
)

const (
	typeHCM        = "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager"
	typeWasm       = "type.googleapis.com/envoy.extensions.filters.http.wasm.v3.Wasm"
	typeRouter     = "type.googleapis.com/envoy.extensions.filters.http.router.v3.Router"
	typeDownTLS    = "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext"
	typeUpTLS      = "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext"
	typeStringVal  = "type.googleapis.com/google.protobuf.StringValue"
	nameHCM        = "envoy.filters.network.http_connection_manager"
	nameWasm       = "envoy.filters.http.wasm"
	nameRouter     = "envoy.filters.http.router"
	nameTLS        = "envoy.transport_sockets.tls"
	runtimeV8      = "envoy.wasm.runtime.v8"
	runtimeWasmtme = "envoy.wasm.runtime.wasmtime"
	runtimeWAMR    = "envoy.wasm.runtime.wamr"
)

func typed(n *node, want string) *node {
	tc := n.obj("typed_config")
	if t := tc.str("@type"); t != want {
		n.errs.add(tc.path+".@type", fmt.Sprintf("want %q, got %q", want, t))
	}
	return tc
}

func parseListener(n *node, dir string) Listener {
	l := Listener{Name: n.str("name"), Address: socketAddress(n.obj("address"))}
	chains := n.list("filter_chains")
	if len(chains) != 1 {
		n.errs.add(n.child("filter_chains"), "exactly one filter chain is supported by palisade serve")
	}
	for _, fc := range chains {
		if fc.has("transport_socket") {
			l.TLS = parseDownstreamTLS(fc.obj("transport_socket"), dir)
		}
		filters := fc.list("filters")
		if len(filters) != 1 {
			fc.errs.add(fc.child("filters"), "exactly one network filter, the http_connection_manager, is supported")
		}
		for _, f := range filters {
			if name := f.str("name"); name != nameHCM {
				f.errs.add(f.child("name"), fmt.Sprintf("network filter %q is not supported by palisade serve (only %s)", name, nameHCM))
				f.ignore("typed_config")
				f.finish()
				continue
			}
			parseHCM(&l, typed(f, typeHCM), dir)
			f.finish()
		}
		fc.ignore("name")
		fc.finish()
	}
	n.ignore("stat_prefix")
	n.finish()
	return l
}

func parseHCM(l *Listener, h *node, dir string) {
	l.StatPrefix = h.str("stat_prefix")
	h.oneOf("codec_type", "AUTO", "AUTO", "HTTP1", "HTTP2")
	l.UseRemoteAddress = h.boolean("use_remote_address", false)
	l.XFFNumTrustedHops = h.integer("xff_num_trusted_hops", 0)
	l.NormalizePath = h.boolean("normalize_path", false)
	l.MergeSlashes = h.boolean("merge_slashes", false)
	l.EscapedSlashes = h.oneOf("path_with_escaped_slashes_action", "KEEP_UNCHANGED",
		"KEEP_UNCHANGED", "REJECT_REQUEST", "UNESCAPE_AND_FORWARD", "UNESCAPE_AND_REDIRECT")
	l.RequestTimeout = h.duration("request_timeout", 0)
	l.StreamIdleTimeout = h.duration("stream_idle_timeout", 5*time.Minute)
	l.MaxRequestHeadersKB = h.integer("max_request_headers_kb", 60)
	if h.has("common_http_protocol_options") {
		o := h.obj("common_http_protocol_options")
		l.IdleTimeout = o.duration("idle_timeout", time.Hour)
		o.finish()
	} else {
		l.IdleTimeout = time.Hour
	}
	h.ignore("generate_request_id", "access_log")
	rc := h.obj("route_config")
	rc.ignore("name")
	for _, vh := range rc.list("virtual_hosts") {
		vh.ignore("name")
		domains := vh.strs("domains")
		for _, r := range vh.list("routes") {
			rt := Route{Domains: domains}
			m := r.obj("match")
			rt.Prefix, rt.Path = m.str("prefix"), m.str("path")
			if (rt.Prefix == "") == (rt.Path == "") {
				m.errs.add(m.path, "exactly one of prefix and path is supported")
			}
			m.finish()
			a := r.obj("route")
			rt.Cluster = a.str("cluster")
			rt.Timeout = a.duration("timeout", 15*time.Second)
			a.finish()
			rt.Name = r.str("name")
			r.finish()
			l.Routes = append(l.Routes, rt)
		}
		vh.finish()
	}
	rc.finish()
	filters := h.list("http_filters")
	for i, f := range filters {
		switch name := f.str("name"); name {
		case nameWasm:
			if l.Wasm != nil {
				f.errs.add(f.path, "only one wasm filter per listener is supported by palisade serve")
			}
			l.Wasm = parseWasm(typed(f, typeWasm), dir)
		case nameRouter:
			if i != len(filters)-1 {
				f.errs.add(f.path, "the router must be the last http filter")
			}
			tc := typed(f, typeRouter)
			tc.finish()
		default:
			f.errs.add(f.child("name"), fmt.Sprintf("http filter %q is not supported by palisade serve (only %s and %s)", name, nameWasm, nameRouter))
			f.ignore("typed_config")
		}
		f.finish()
	}
	if len(filters) == 0 || filters[len(filters)-1].m["name"] != nameRouter {
		h.errs.add(h.child("http_filters"), "must end with "+nameRouter)
	}
	h.finish()
}

func parseWasm(tc *node, dir string) *WasmFilter {
	c := tc.obj("config")
	w := &WasmFilter{Name: c.str("name"), RootID: c.str("root_id"), FailOpen: c.boolean("fail_open", false)}
	w.Configuration = stringValue(c.obj("configuration"))
	vm := c.obj("vm_config")
	w.VMID = vm.str("vm_id")
	w.Runtime = vm.oneOf("runtime", runtimeV8, runtimeV8, runtimeWasmtme, runtimeWAMR)
	code := vm.obj("code")
	w.ModulePath = dataSource(code.obj("local"), dir)
	code.finish()
	if w.ModulePath == "" {
		vm.errs.add(code.path+".local.filename", "is required")
	}
	if vm.has("configuration") {
		w.VMConfiguration = stringValue(vm.obj("configuration"))
	}
	vm.ignore("allow_precompiled", "nack_on_code_cache_miss")
	vm.finish()
	c.finish()
	tc.finish()
	if w.FailOpen {
		tc.errs.add(c.child("fail_open"), "fail_open: true would let requests through when the plugin fails; palisade serve refuses it")
	}
	return w
}

// stringValue reads a google.protobuf.StringValue in Any form.
func stringValue(n *node) []byte {
	if len(n.m) == 0 {
		return nil
	}
	if t := n.str("@type"); t != typeStringVal {
		n.errs.add(n.child("@type"), fmt.Sprintf("want %q, got %q", typeStringVal, t))
	}
	v := n.str("value")
	n.finish()
	return []byte(strings.TrimSpace(v))
}

func parseDownstreamTLS(ts *node, dir string) *DownstreamTLS {
	if name := ts.str("name"); name != nameTLS {
		ts.errs.add(ts.child("name"), fmt.Sprintf("transport socket %q is not supported (only %s)", name, nameTLS))
	}
	tc := typed(ts, typeDownTLS)
	t := &DownstreamTLS{RequireClientCertificate: tc.boolean("require_client_certificate", false)}
	ctc := tc.obj("common_tls_context")
	certs := ctc.list("tls_certificates")
	if len(certs) != 1 {
		ctc.errs.add(ctc.child("tls_certificates"), "exactly one certificate is supported by palisade serve")
	}
	for _, c := range certs {
		t.CertFile = dataSource(c.obj("certificate_chain"), dir)
		t.KeyFile = dataSource(c.obj("private_key"), dir)
		c.finish()
	}
	if ctc.has("validation_context") {
		vc := ctc.obj("validation_context")
		t.CAFile = dataSource(vc.obj("trusted_ca"), dir)
		vc.finish()
	}
	t.ALPN = ctc.strs("alpn_protocols")
	ctc.finish()
	tc.finish()
	ts.finish()
	if t.RequireClientCertificate && t.CAFile == "" {
		tc.errs.add(tc.child("require_client_certificate"), "needs common_tls_context.validation_context.trusted_ca")
	}
	return t
}

func parseCluster(n *node, dir string) Cluster {
	c := Cluster{Name: n.str("name"), ConnectTimeout: n.duration("connect_timeout", 5*time.Second)}
	n.oneOf("type", "STATIC", "STATIC", "STRICT_DNS", "LOGICAL_DNS")
	n.oneOf("lb_policy", "ROUND_ROBIN", "ROUND_ROBIN")
	la := n.obj("load_assignment")
	la.ignore("cluster_name")
	for _, e := range la.list("endpoints") {
		for _, lb := range e.list("lb_endpoints") {
			ep := lb.obj("endpoint")
			c.Endpoints = append(c.Endpoints, socketAddress(ep.obj("address")))
			ep.finish()
			lb.finish()
		}
		e.finish()
	}
	la.finish()
	if len(c.Endpoints) == 0 {
		n.errs.add(n.child("load_assignment"), "at least one endpoint is required")
	}
	if n.has("transport_socket") {
		ts := n.obj("transport_socket")
		if name := ts.str("name"); name != nameTLS {
			ts.errs.add(ts.child("name"), fmt.Sprintf("transport socket %q is not supported (only %s)", name, nameTLS))
		}
		tc := typed(ts, typeUpTLS)
		c.TLS = true
		c.SNI = tc.str("sni")
		ctc := tc.obj("common_tls_context")
		if ctc.has("validation_context") {
			vc := ctc.obj("validation_context")
			c.CAFile = dataSource(vc.obj("trusted_ca"), dir)
			vc.finish()
		}
		ctc.finish()
		tc.finish()
		ts.finish()
	}
	n.finish()
	return c
}
