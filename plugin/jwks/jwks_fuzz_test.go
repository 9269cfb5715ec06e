package jwks_test

import (
	"testing"

	"github.com/palisade-wasm/palisade/plugin/jwks"
)

// FuzzParse: any document either yields at least one usable key and no
// error, or an error; a key in the set is always of a supported type.
func FuzzParse(f *testing.F) {
	f.Add([]byte(`{"keys":[{"kty":"EC","crv":"P-256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}]}`))
	f.Add([]byte(`{"keys":[{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}]}`))
	f.Add([]byte(`{"keys":[{"kty":"oct","k":"AA"}]}`))
	f.Add([]byte(`{"keys":7}`))
	f.Fuzz(func(t *testing.T, doc []byte) {
		set, err := jwks.Parse(doc)
		if err == nil && len(set.Keys) == 0 {
			t.Fatal("no error and no key")
		}
		if err != nil && set != nil && len(set.Keys) > 0 {
			t.Fatal("error with usable keys")
		}
	})
}
