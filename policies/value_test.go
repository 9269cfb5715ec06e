package policies

import (
	"testing"
	"unsafe"
)

// TestValueSize: each evaluation step copies a value, so its size is a
// cost of every condition (40 more bytes made a two-clause condition
// 40% slower). New kinds pack into the fields there are.
func TestValueSize(t *testing.T) {
	if n := unsafe.Sizeof(value{}); n > 176 {
		t.Errorf("value is %d bytes, more than 176", n)
	}
}
