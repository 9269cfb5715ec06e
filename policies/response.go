package policies

import (
	"strings"

	"github.com/palisade-wasm/palisade/policies/jsonv"
)

// Response is a deny rule's own answer.
type Response struct {
	Status  int
	Body    string
	Headers [][2]string // lower-case names
}

// MaxResponseBody bounds a rule's response body.
const MaxResponseBody = 4096

func parseResponse(f jsonv.Result, fp string, fe func(f, msg string)) *Response {
	if !f.IsObject() {
		fe(fp, "must be an object")
		return nil
	}
	resp := &Response{Status: 403}
	f.ForEach(func(k, v jsonv.Result) bool {
		kp := fp + "." + k.String()
		switch k.String() {
		case "status":
			if v.Type != jsonv.Number || v.Num != float64(int(v.Num)) || v.Num < 300 || v.Num > 599 {
				fe(kp, "must be an HTTP status from 300 to 599 (a deny never answers 2xx)"+notThis(v))
				break
			}
			resp.Status = int(v.Num)
		case "body":
			if v.Type != jsonv.String || len(v.Str) > MaxResponseBody {
				fe(kp, "must be a string of at most 4096 bytes")
				break
			}
			resp.Body = v.Str
		case "headers":
			if !v.IsObject() {
				fe(kp, "must be an object of header names to values")
				break
			}
			v.ForEach(func(hk, hv jsonv.Result) bool {
				name := strings.ToLower(hk.String())
				if !fieldName(name) || name[0] == ':' || hv.Type != jsonv.String || strings.ContainsAny(hv.Str, "\r\n\x00") {
					fe(kp+"."+hk.String(), "must be a header name with a string value without CR, LF or NUL")
					return true
				}
				resp.Headers = append(resp.Headers, [2]string{name, hv.Str})
				return true
			})
		default:
			fe(kp, "unknown field (a response has status, body and headers)")
		}
		return true
	})
	return resp
}

// fieldName reports whether s is an HTTP field name (RFC 9110 token).
func fieldName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0) {
			return false
		}
	}
	return true
}
