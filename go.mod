module github.com/palisade-wasm/palisade

// 1.24 is the floor: //go:wasmexport (a WASI reactor built by upstream Go) arrived in it.
go 1.25.0

require (
	cel.dev/cel-go v0.33.2 // indirect
	github.com/buger/jsonparser v1.6.1 // indirect
	github.com/golang-jwt/jwt/v5 v5.3.1 // indirect
	github.com/tetratelabs/proxy-wasm-go-sdk v0.24.0 // indirect
	github.com/tetratelabs/wazero v1.12.0 // indirect
	github.com/tidwall/gjson v1.20.1 // indirect
	github.com/tidwall/match v1.1.1 // indirect
	github.com/tidwall/pretty v1.2.0 // indirect
	golang.org/x/sys v0.44.0 // indirect
	gopkg.in/yaml.v3 v3.0.1 // indirect
)
