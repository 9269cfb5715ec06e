package oci

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"testing"
)

// readLayout reads an OCI layout archive back, checking every blob's digest.
func readLayout(t *testing.T, b []byte) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	tr := tar.NewReader(bytes.NewReader(b))
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		c, _ := io.ReadAll(tr)
		files[h.Name] = c
	}
	for name, c := range files {
		if len(name) > len("blobs/sha256/") && name[:len("blobs/sha256/")] == "blobs/sha256/" {
			sum := sha256.Sum256(c)
			if hex.EncodeToString(sum[:]) != name[len("blobs/sha256/"):] {
				t.Errorf("blob %s has the wrong digest", name)
			}
		}
	}
	return files
}

func TestBuild(t *testing.T) {
	wasm := []byte("\x00asm\x01\x00\x00\x00 a module")
	img, err := Build(wasm, "v1", map[string]string{"org.opencontainers.image.title": "palisade"})
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := img.WriteLayout(&out); err != nil {
		t.Fatal(err)
	}
	files := readLayout(t, out.Bytes())
	if string(files["oci-layout"]) != `{"imageLayoutVersion":"1.0.0"}` {
		t.Errorf("oci-layout = %s", files["oci-layout"])
	}
	var index struct{ Manifests []Descriptor }
	json.Unmarshal(files["index.json"], &index)
	if len(index.Manifests) != 1 || index.Manifests[0].Annotations["org.opencontainers.image.ref.name"] != "v1" {
		t.Fatalf("index = %s", files["index.json"])
	}
	var m struct {
		Config Descriptor
		Layers []Descriptor
	}
	json.Unmarshal(files["blobs/sha256/"+index.Manifests[0].Digest[7:]], &m)
	if len(m.Layers) != 1 || m.Layers[0].MediaType != MediaTypeLayer || m.Config.MediaType != MediaTypeConfig {
		t.Fatalf("manifest = %+v", m)
	}
	zr, err := gzip.NewReader(bytes.NewReader(files["blobs/sha256/"+m.Layers[0].Digest[7:]]))
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(zr)
	h, err := tr.Next()
	if err != nil || h.Name != "plugin.wasm" {
		t.Fatalf("layer entry %v, %v", h, err)
	}
	if got, _ := io.ReadAll(tr); !bytes.Equal(got, wasm) {
		t.Error("plugin.wasm in the layer differs from the module")
	}
}

// The same module always makes the same image digest.
func TestBuildIsReproducible(t *testing.T) {
	a, _ := Build([]byte("module"), "x", nil)
	b, _ := Build([]byte("module"), "x", nil)
	if a.Manifest.Digest != b.Manifest.Digest {
		t.Errorf("digests differ: %s %s", a.Manifest.Digest, b.Manifest.Digest)
	}
	c, _ := Build([]byte("module2"), "x", nil)
	if a.Manifest.Digest == c.Manifest.Digest {
		t.Error("different modules, same digest")
	}
}
