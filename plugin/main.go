// Command palisade is the Palisade proxy-wasm filter. Built with
// GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared it is palisade.wasm.
package main

import (
	"github.com/palisade-wasm/palisade/plugin/filter"
	"github.com/palisade-wasm/palisade/plugin/internal/abi"
)

// A wasip1 reactor never runs main; _initialize runs package init, which is
// where the host's VM context is registered.
func init() { abi.SetVMContext(filter.NewVMContext()) }

func main() {}
