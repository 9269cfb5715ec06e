package policies

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files of TestErrorGolden")

// TestErrorGolden pins, verbatim, what people read when a document does
// not compile: each testdata/errors/NAME.json is a document with one kind
// of mistake, NAME.golden the errors Compile gives for it. Run with
// -update after changing a message on purpose, and read the diff.
func TestErrorGolden(t *testing.T) {
	docs, err := filepath.Glob("testdata/errors/*.json")
	if err != nil {
		t.Fatal(err)
	}
	if len(docs) < 15 {
		t.Fatalf("%d documents in testdata/errors, want at least 15", len(docs))
	}
	for _, doc := range docs {
		name := strings.TrimSuffix(filepath.Base(doc), ".json")
		t.Run(name, func(t *testing.T) {
			src, err := os.ReadFile(doc)
			if err != nil {
				t.Fatal(err)
			}
			_, cerr := Compile(src, "policy")
			if cerr == nil {
				t.Fatalf("%s compiles", doc)
			}
			got := cerr.Error() + "\n"
			golden := strings.TrimSuffix(doc, ".json") + ".golden"
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -run TestErrorGolden -update to create it)", err)
			}
			if got != string(want) {
				t.Errorf("errors of %s:\n%s\nwant (%s):\n%s", doc, got, golden, want)
			}
		})
	}
}
