package main

import (
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/palisade-wasm/palisade/host/oci"
)

func init() {
	commands["oci"] = command{
		summary: "pack palisade.wasm as an OCI image (for Istio WasmPlugin and Envoy Gateway) without Docker",
		run:     runOCI,
	}
}

func runOCI(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("oci", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("o", "palisade.oci.tar", "output: an OCI image layout in a tar archive")
	tag := fs.String("tag", "latest", "the image's reference name in the layout")
	version := fs.String("version", "", "org.opencontainers.image.version annotation")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: palisade oci [-o FILE] [-tag TAG] MODULE.wasm")
		fs.PrintDefaults()
	}
	wasm, code, ok := moduleArg(fs, args, stderr)
	if !ok {
		return code
	}
	ann := map[string]string{
		"org.opencontainers.image.title":       "palisade",
		"org.opencontainers.image.description": "Palisade proxy-wasm security filter (proxy-wasm ABI v0.2.1, Envoy >= 1.33)",
		"org.opencontainers.image.source":      "https://github.com/palisade-wasm/palisade",
	}
	if *version != "" {
		ann["org.opencontainers.image.version"] = *version
	}
	img, err := oci.Build(wasm, *tag, ann)
	if err != nil {
		fmt.Fprintf(stderr, "palisade oci: %v\n", err)
		return 1
	}
	f, err := os.Create(*out)
	if err != nil {
		fmt.Fprintf(stderr, "palisade oci: %v\n", err)
		return 1
	}
	if err := img.WriteLayout(f); err != nil {
		f.Close()
		fmt.Fprintf(stderr, "palisade oci: %v\n", err)
		return 1
	}
	if err := f.Close(); err != nil {
		fmt.Fprintf(stderr, "palisade oci: %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "%s: image %s (manifest %s)\n", *out, *tag, img.Manifest.Digest)
	fmt.Fprintf(stdout, "push it with: skopeo copy oci-archive:%s docker://REGISTRY/palisade:%s\n", *out, *tag)
	return 0
}
