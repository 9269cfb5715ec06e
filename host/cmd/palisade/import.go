package main

import (
	"fmt"
	"io"
	"os"

	"github.com/palisade-wasm/palisade/host/istio"
	"github.com/palisade-wasm/palisade/plugin/config"
)

func init() {
	commands["import"] = command{
		summary: "convert Istio RequestAuthentication/AuthorizationPolicy to a plugin configuration (import istio FILE...)",
		run:     runImport,
	}
}

// runImport prints the converted configuration on stdout and, on stderr,
// one "note:" line for everything not converted exactly. The result is
// checked with the plugin's own parser before it is printed.
func runImport(args []string, stdout, stderr io.Writer) int {
	if len(args) < 2 || args[0] != "istio" {
		fmt.Fprintln(stderr, "usage: palisade import istio FILE.yaml...")
		return 2
	}
	var files [][]byte
	for _, name := range args[1:] {
		b, err := os.ReadFile(name)
		if err != nil {
			fmt.Fprintf(stderr, "palisade import: %v\n", err)
			return 1
		}
		files = append(files, b)
	}
	r, err := istio.Convert(files...)
	if err != nil {
		fmt.Fprintf(stderr, "palisade import: %v\n", err)
		return 1
	}
	if _, err := config.Parse(r.Config); err != nil {
		fmt.Fprintf(stderr, "palisade import: the converted configuration does not load: %v\n", err)
		return 1
	}
	for _, n := range r.Notes {
		fmt.Fprintf(stderr, "note: %s\n", n)
	}
	stdout.Write(r.Config)
	return 0
}
