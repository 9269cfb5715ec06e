// Command benchtable prints the summary of `make bench`: it reads the
// output of go test -bench -benchmem (the files named as arguments, one
// after the other, or standard input) and prints, in Markdown, one table
// comparing Palisade with the alternatives measured in the same run (the
// comparisons are declared in rows.go), then the run's other benchmarks.
//
// It exits with status 1 when a benchmark a comparison names is missing
// from the run, or the run reports a failure; the table is printed
// either way, with the missing figures marked.
package main

import (
	"fmt"
	"io"
	"os"
)

func main() {
	var in io.Reader = os.Stdin
	if len(os.Args) > 1 {
		var readers []io.Reader
		for _, name := range os.Args[1:] {
			f, err := os.Open(name)
			if err != nil {
				fmt.Fprintln(os.Stderr, "benchtable:", err)
				os.Exit(2)
			}
			defer f.Close()
			readers = append(readers, f)
		}
		in = io.MultiReader(readers...)
	}
	run, err := Parse(in)
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchtable:", err)
		os.Exit(2)
	}
	missing := Table(os.Stdout, run, rows)
	if len(missing) > 0 || len(run.Failures) > 0 {
		fmt.Fprintln(os.Stderr, "benchtable: incomplete run: see the missing benchmarks and failures above")
		os.Exit(1)
	}
}
