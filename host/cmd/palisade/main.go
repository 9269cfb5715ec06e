// Command palisade runs Palisade outside a proxy: the local gateway, token
// verification and the policy tools.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
)

// command is one subcommand: it takes the arguments after its name and
// returns the process exit status.
type command struct {
	summary string
	run     func(args []string, stdout, stderr io.Writer) int
}

// commands is filled by the files that implement each subcommand.
var commands = map[string]command{}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(stderr)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	c, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "palisade: unknown command %q\n", args[0])
		usage(stderr)
		return 2
	}
	return c.run(args[1:], stdout, stderr)
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: palisade <command> [arguments]")
	fmt.Fprintln(w, "\ncommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-8s %s\n", n, commands[n].summary)
	}
}

// moduleArg parses a command's flags and its one MODULE.wasm argument and
// reads the module; ok false means the exit status is code.
func moduleArg(fs *flag.FlagSet, args []string, stderr io.Writer) (wasm []byte, code int, ok bool) {
	if err := fs.Parse(args); err != nil {
		return nil, 2, false
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return nil, 2, false
	}
	wasm, err := os.ReadFile(fs.Arg(0))
	if err != nil {
		fmt.Fprintf(stderr, "palisade %s: %v\n", fs.Name(), err)
		return nil, 1, false
	}
	return wasm, 0, true
}
