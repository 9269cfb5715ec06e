package host

import (
	"reflect"
	"testing"
)

func TestHeaders(t *testing.T) {
	h := Headers{{"a", "1"}, {"b", "2"}, {"a", "3"}, {"c", "4"}}
	for _, c := range []struct {
		name string
		got  Headers
		want Headers
	}{
		{"add appends, lower-cased", h.Clone().add("D", "5"), Headers{{"a", "1"}, {"b", "2"}, {"a", "3"}, {"c", "4"}, {"d", "5"}}},
		{"add keeps other values", h.Clone().add("a", "5"), Headers{{"a", "1"}, {"b", "2"}, {"a", "3"}, {"c", "4"}, {"a", "5"}}},
		{"replace overwrites the first, drops the rest", h.Clone().replace("A", "x"), Headers{{"a", "x"}, {"b", "2"}, {"c", "4"}}},
		{"replace an absent name appends", h.Clone().replace("e", "x"), Headers{{"a", "1"}, {"b", "2"}, {"a", "3"}, {"c", "4"}, {"e", "x"}}},
		{"remove drops every value", h.Clone().remove("A"), Headers{{"b", "2"}, {"c", "4"}}},
		{"remove an absent name", h.Clone().remove("z"), Headers{{"a", "1"}, {"b", "2"}, {"a", "3"}, {"c", "4"}}},
		{"lowerNames", lowerNames(Headers{{"X-A", "V"}}), Headers{{"x-a", "V"}}},
	} {
		if !reflect.DeepEqual(c.got, c.want) {
			t.Errorf("%s: %q, want %q", c.name, c.got, c.want)
		}
	}
	if v, ok := h.Get("A"); v != "1,3" || !ok {
		t.Errorf("Get joins repeated values: %q %v", v, ok)
	}
	if v, ok := h.first("A"); v != "1" || !ok {
		t.Errorf("first: %q %v", v, ok)
	}
	if v, ok := h.Get("z"); v != "" || ok {
		t.Errorf("Get of an absent name: %q %v", v, ok)
	}
	if v := h.Values("a"); !reflect.DeepEqual(v, []string{"1", "3"}) {
		t.Errorf("Values: %q", v)
	}
	c := h.Clone()
	c.replace("b", "changed")
	if h[1][1] != "2" {
		t.Error("Clone shares its backing array")
	}
}
