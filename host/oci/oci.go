// Package oci packs a wasm module as an OCI image without Docker: the
// image a `docker build` of `FROM scratch` + `COPY palisade.wasm
// /plugin.wasm` would make, which Istio's WasmPlugin (url: oci://...) and
// Envoy Gateway's EnvoyExtensionPolicy (code type Image) both pull.
//
// The output is an OCI image layout (github.com/opencontainers/image-spec,
// image-layout.md) in a tar archive, ready for `skopeo copy
// oci-archive:palisade.oci.tar docker://REGISTRY/palisade:TAG` or `crane
// push`. Every timestamp is fixed, so the same module always makes the
// same digest.
package oci

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"time"
)

// Media types of the OCI image specification.
const (
	MediaTypeManifest = "application/vnd.oci.image.manifest.v1+json"
	MediaTypeConfig   = "application/vnd.oci.image.config.v1+json"
	MediaTypeLayer    = "application/vnd.oci.image.layer.v1.tar+gzip"
	MediaTypeIndex    = "application/vnd.oci.image.index.v1+json"
)

// epoch is the timestamp of every file and of the image: reproducible.
var epoch = time.Unix(0, 0).UTC()

// Descriptor is an OCI content descriptor.
type Descriptor struct {
	MediaType   string            `json:"mediaType"`
	Digest      string            `json:"digest"`
	Size        int64             `json:"size"`
	Annotations map[string]string `json:"annotations,omitempty"`
}

// Image is what Build makes: the blobs by digest and the manifest's descriptor.
type Image struct {
	Manifest Descriptor
	Blobs    map[string][]byte
}

func blob(mediaType string, b []byte) Descriptor {
	sum := sha256.Sum256(b)
	return Descriptor{MediaType: mediaType, Digest: "sha256:" + hex.EncodeToString(sum[:]), Size: int64(len(b))}
}

// Build packs wasm as /plugin.wasm in a one-layer image. ref names the
// image in the layout (org.opencontainers.image.ref.name, e.g. "v0.1.0").
func Build(wasm []byte, ref string, annotations map[string]string) (*Image, error) {
	layer, diffID, err := layerTarGz("plugin.wasm", wasm)
	if err != nil {
		return nil, err
	}
	img := &Image{Blobs: map[string][]byte{}}
	put := func(mediaType string, b []byte) Descriptor {
		d := blob(mediaType, b)
		img.Blobs[d.Digest] = b
		return d
	}
	config, _ := json.Marshal(map[string]any{
		"created":      epoch.Format(time.RFC3339),
		"architecture": "wasm",
		"os":           "wasip1",
		"config":       map[string]any{},
		"rootfs":       map[string]any{"type": "layers", "diff_ids": []string{diffID}},
		"history":      []map[string]any{{"created": epoch.Format(time.RFC3339), "created_by": "palisade oci"}},
	})
	cfgDesc := put(MediaTypeConfig, config)
	layerDesc := put(MediaTypeLayer, layer)
	manifest, _ := json.Marshal(map[string]any{
		"schemaVersion": 2,
		"mediaType":     MediaTypeManifest,
		"config":        cfgDesc,
		"layers":        []Descriptor{layerDesc},
		"annotations":   annotations,
	})
	img.Manifest = put(MediaTypeManifest, manifest)
	img.Manifest.Annotations = map[string]string{"org.opencontainers.image.ref.name": ref}
	return img, nil
}

// layerTarGz makes a gzip'd tar holding one file, and returns it with the
// digest of the uncompressed tar (the config's diff_id).
func layerTarGz(name string, content []byte) ([]byte, string, error) {
	var raw bytes.Buffer
	tw := tar.NewWriter(&raw)
	if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o444, Size: int64(len(content)), ModTime: epoch, Typeflag: tar.TypeReg, Format: tar.FormatPAX}); err != nil {
		return nil, "", err
	}
	if _, err := tw.Write(content); err != nil {
		return nil, "", err
	}
	if err := tw.Close(); err != nil {
		return nil, "", err
	}
	diff := sha256.Sum256(raw.Bytes())
	var gz bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression)
	zw.ModTime = epoch
	if _, err := zw.Write(raw.Bytes()); err != nil {
		return nil, "", err
	}
	if err := zw.Close(); err != nil {
		return nil, "", err
	}
	return gz.Bytes(), "sha256:" + hex.EncodeToString(diff[:]), nil
}

// WriteLayout writes img as an OCI image layout in a tar archive.
func (img *Image) WriteLayout(w io.Writer) error {
	index, _ := json.Marshal(map[string]any{
		"schemaVersion": 2,
		"mediaType":     MediaTypeIndex,
		"manifests":     []Descriptor{img.Manifest},
	})
	tw := tar.NewWriter(w)
	file := func(name string, b []byte) error {
		if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(b)), ModTime: epoch, Typeflag: tar.TypeReg}); err != nil {
			return err
		}
		_, err := tw.Write(b)
		return err
	}
	if err := file("oci-layout", []byte(`{"imageLayoutVersion":"1.0.0"}`)); err != nil {
		return err
	}
	if err := file("index.json", index); err != nil {
		return err
	}
	for _, d := range sortedDigests(img.Blobs) {
		if err := file("blobs/sha256/"+d[len("sha256:"):], img.Blobs[d]); err != nil {
			return fmt.Errorf("write blob %s: %w", d, err)
		}
	}
	return tw.Close()
}

func sortedDigests(m map[string][]byte) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
