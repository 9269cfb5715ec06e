package abi

// Property is a host property path prepared once (serialized as the host
// reads it), for a plugin that reads the same properties on every
// request: reading one then costs no allocation for the path, and none for
// the value when the caller hands in room for it.
type Property struct {
	path []string
	wire []byte
}

// NewProperty prepares the property at path, e.g. NewProperty("connection",
// "mtls").
func NewProperty(path ...string) Property {
	return Property{path: path, wire: serializePath(path)}
}

// Path returns the property's path.
func (p Property) Path() []string { return p.path }
