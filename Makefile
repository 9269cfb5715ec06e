# Palisade: make run (local gateway with the plugin) and make test are all a
# new machine needs. Every target says what it does on the line above it.

GO        ?= go
WASM      := palisade.wasm
BIN       := bin/palisade
# wazero compilation cache: the module's machine code is compiled once per change.
CACHE_DIR ?= $(CURDIR)/.cache/wazero
FUZZTIME  ?= 30s
export PALISADE_WAZERO_CACHE := $(CACHE_DIR)

.PHONY: all plugin palisade run run-envoy test load check bench fuzz oci clean

# Build the plugin and the palisade command.
all: plugin palisade

# Build palisade.wasm with the standard Go toolchain (a WASI reactor), shrink it with binaryen's wasm-opt -Oz (6% smaller;
# Go's output uses bulk memory, sign extension and saturating conversions, which binaryen 108 must be told of), and print
# its size. wasm-opt takes about a minute, so its output is kept in .cache/wasm-opt under a hash of its input, version and
# flags. WASM_OPT= (empty) skips it and leaves Go's output as it is.
WASM_OPT       ?= wasm-opt
WASM_OPT_FLAGS := -Oz --enable-bulk-memory --enable-sign-ext --enable-nontrapping-float-to-int --enable-mutable-globals
plugin:
	@mkdir -p .cache/wasm-opt
	GOOS=wasip1 GOARCH=wasm $(GO) build -buildmode=c-shared -trimpath -ldflags='-s -w' -o .cache/palisade.go.wasm ./plugin
ifeq ($(WASM_OPT),)
	cp .cache/palisade.go.wasm $(WASM)
else
	@command -v $(WASM_OPT) >/dev/null 2>&1 || { echo "make plugin: no $(WASM_OPT) on PATH: install binaryen (apt-get install binaryen), or build without it: make plugin WASM_OPT="; exit 1; }
	@key=$$( { cat .cache/palisade.go.wasm; $(WASM_OPT) --version; echo '$(WASM_OPT_FLAGS)'; } | sha256sum | cut -c1-32); \
	out=.cache/wasm-opt/$$key.wasm; \
	if [ ! -f $$out ]; then \
		echo "$(WASM_OPT) $(WASM_OPT_FLAGS) (about a minute)"; \
		$(WASM_OPT) $(WASM_OPT_FLAGS) .cache/palisade.go.wasm -o $$out.tmp && mv $$out.tmp $$out || exit 1; \
		ls -t .cache/wasm-opt/*.wasm | tail -n +5 | xargs -r rm -f; \
	else echo "$(WASM_OPT): Go's output unchanged, reusing $$out"; fi; \
	cp $$out $(WASM)
endif
	@ls -l $(WASM) | awk '{printf "$(WASM): %d bytes (%.2f MB)\n", $$5, $$5/1e6}'

# Build the palisade command (host, gateway, tools) as a static binary.
palisade:
	CGO_ENABLED=0 $(GO) build -trimpath -o $(BIN) ./host/cmd/palisade

# Run the local gateway (envoy.yaml) with palisade.wasm in front of a demo echo app, on 127.0.0.1; Ctrl-C stops it.
run: plugin palisade
	$(BIN) inspect --cache $(CACHE_DIR) $(WASM)
	$(BIN) serve -c envoy.yaml --demo --cache $(CACHE_DIR)

# Run the same envoy.yaml in a real Envoy (>= 1.33) when one is on PATH, with the demo app from palisade.
run-envoy: plugin palisade
	@command -v envoy >/dev/null 2>&1 || { echo "make run-envoy: no envoy binary on PATH; install Envoy >= 1.33 (or use make run, which needs none)"; exit 1; }
	envoy --version
	@echo "make run-envoy: starting Envoy with envoy.yaml; the demo app is served by palisade on the app cluster's address"
	$(BIN) serve -c envoy.yaml --demo-only & trap 'kill $$!' EXIT; envoy -c envoy.yaml --log-level warn

# Vet, then run every test with the race detector; the wasm tests run the palisade.wasm built by make plugin.
test: plugin
	$(GO) vet ./...
	GOOS=wasip1 GOARCH=wasm $(GO) vet ./plugin/...
	PALISADE_WASM=$(CURDIR)/$(WASM) $(GO) test -race -count=1 -timeout 15m ./...

# 200,000 requests from 64 clients through the gateway with the plugin: every answer checked, memory plateau printed.
load: plugin
	PALISADE_WASM=$(CURDIR)/$(WASM) PALISADE_LOAD_REQUESTS=$(or $(REQUESTS),200000) $(GO) test -count=1 -run '^TestLoad$$' -v -timeout 20m ./integration

# gofmt, vet, build for wasip1 and natively, go mod tidy; fail if anything changed.
check:
	@test -z "$$(gofmt -l . | tee /dev/stderr)" || { echo "gofmt: files above need formatting"; exit 1; }
	$(GO) vet ./...
	GOOS=wasip1 GOARCH=wasm $(GO) vet ./plugin/...
	GOOS=wasip1 GOARCH=wasm $(GO) build -buildmode=c-shared -o /dev/null ./plugin
	$(GO) build ./...
	$(GO) mod tidy
	git diff --exit-code -- go.mod go.sum

# Every benchmark of both modules, allocations reported (integration/bench/, a module of its own, holds OPA, cedar-go and
# cel-go deciding the seed policy, after a test that they decide as Palisade does), then one table of Palisade
# against the alternatives measured in this run (integration/bench/cmd/benchtable); the raw output stays in .cache/bench.txt.
bench: plugin
	@mkdir -p .cache
	PALISADE_WASM=$(CURDIR)/$(WASM) $(GO) test -run '^$$' -bench . -benchmem ./... 2>&1 | tee .cache/bench.txt
	cd integration/bench && $(GO) vet ./... && $(GO) test -bench . -benchmem ./... 2>&1 | tee -a ../../.cache/bench.txt
	@echo; echo "make bench, $$(date -u +%Y-%m-%d), $$($(GO) version | cut -d' ' -f3-), $$(grep -m1 '^model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), $$(nproc) cores"; echo
	cd integration/bench && $(GO) run ./cmd/benchtable ../../.cache/bench.txt

# Every fuzz target for FUZZTIME each (default 30s); corpora live in testdata/fuzz.
fuzz:
	@for pkg in $$($(GO) list ./...); do \
		for t in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz'); do \
			echo "fuzz $$pkg $$t"; \
			$(GO) test -run '^$$' -fuzz "^$$t$$" -fuzztime $(FUZZTIME) $$pkg || exit 1; \
		done; \
	done

# Pack palisade.wasm as an OCI image layout (palisade.oci.tar) for Istio and Envoy Gateway, without Docker.
oci: plugin palisade
	$(BIN) oci -o palisade.oci.tar -tag $(or $(TAG),latest) $(WASM)

# Remove build outputs and the compilation cache.
clean:
	rm -rf $(WASM) palisade.oci.tar bin .cache
