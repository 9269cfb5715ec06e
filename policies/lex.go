package policies

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

type tokKind uint8

const (
	tEOF tokKind = iota
	tIdent
	tString
	tBytes
	tInt
	tUint
	tDouble
	tOp // punctuation and operators
)

type token struct {
	kind tokKind
	text string // operator or identifier; decoded value for strings
	pos  int    // byte offset in the source
}

// lex splits src into tokens; a malformed token is an *Error at its place.
func lex(src string) ([]token, error) {
	var out []token
	i := 0
	for i < len(src) {
		c := src[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '/' && i+1 < len(src) && src[i+1] == '/':
			for i < len(src) && src[i] != '\n' {
				i++
			}
		case isIdentStart(c):
			j := i + 1
			for j < len(src) && (isIdentStart(src[j]) || src[j] >= '0' && src[j] <= '9') {
				j++
			}
			word := src[i:j]
			if (word == "b" || word == "B" || word == "r" || word == "R") && j < len(src) && (src[j] == '"' || src[j] == '\'') {
				tok, n, err := lexString(src, j, word)
				if err != nil {
					return nil, err
				}
				tok.pos = i
				out = append(out, tok)
				i = j + n
				continue
			}
			out = append(out, token{kind: tIdent, text: word, pos: i})
			i = j
		case c >= '0' && c <= '9' || c == '.' && i+1 < len(src) && src[i+1] >= '0' && src[i+1] <= '9':
			tok, n, err := lexNumber(src, i)
			if err != nil {
				return nil, err
			}
			out = append(out, tok)
			i += n
		case c == '"' || c == '\'':
			tok, n, err := lexString(src, i, "")
			if err != nil {
				return nil, err
			}
			out = append(out, tok)
			i += n
		default:
			op := ""
			for _, o := range []string{"==", "!=", "<=", ">=", "&&", "||", "<", ">", "!", "(", ")", "[", "]", "{", "}", ".", ",", "?", ":", "+", "-", "*", "/", "%"} {
				if strings.HasPrefix(src[i:], o) {
					op = o
					break
				}
			}
			if op == "" {
				r, _ := utf8.DecodeRuneInString(src[i:])
				return nil, &Error{Pos: i, Msg: "unexpected character " + strconv.QuoteRune(r)}
			}
			out = append(out, token{kind: tOp, text: op, pos: i})
			i += len(op)
		}
	}
	return append(out, token{kind: tEOF, pos: len(src)}), nil
}

func isIdentStart(c byte) bool { return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

func lexNumber(src string, i int) (token, int, error) {
	j := i
	hex := strings.HasPrefix(src[i:], "0x") || strings.HasPrefix(src[i:], "0X")
	if hex {
		j += 2
		for j < len(src) && strings.IndexByte("0123456789abcdefABCDEF", src[j]) >= 0 {
			j++
		}
	} else {
		for j < len(src) && src[j] >= '0' && src[j] <= '9' {
			j++
		}
	}
	isDouble := false
	if !hex && j < len(src) && src[j] == '.' && j+1 < len(src) && src[j+1] >= '0' && src[j+1] <= '9' {
		isDouble = true
		j++
		for j < len(src) && src[j] >= '0' && src[j] <= '9' {
			j++
		}
	}
	if !hex && j < len(src) && (src[j] == 'e' || src[j] == 'E') {
		k := j + 1
		if k < len(src) && (src[k] == '+' || src[k] == '-') {
			k++
		}
		if k < len(src) && src[k] >= '0' && src[k] <= '9' {
			isDouble = true
			j = k
			for j < len(src) && src[j] >= '0' && src[j] <= '9' {
				j++
			}
		}
	}
	text := src[i:j]
	switch {
	case isDouble:
		return token{kind: tDouble, text: text, pos: i}, j - i, nil
	case j < len(src) && (src[j] == 'u' || src[j] == 'U'):
		return token{kind: tUint, text: text, pos: i}, j - i + 1, nil
	}
	return token{kind: tInt, text: text, pos: i}, j - i, nil
}

// lexString reads a quoted string literal at src[i] (prefix "b" for bytes,
// "r" for raw), with CEL's escapes.
func lexString(src string, i int, prefix string) (token, int, error) {
	q := src[i]
	triple := strings.HasPrefix(src[i:], strings.Repeat(string(q), 3))
	delim := string(q)
	if triple {
		delim = strings.Repeat(string(q), 3)
	}
	raw := prefix == "r" || prefix == "R"
	kind := tString
	if prefix == "b" || prefix == "B" {
		kind = tBytes
	}
	j := i + len(delim)
	var b strings.Builder
	for {
		if j >= len(src) {
			return token{}, 0, &Error{Pos: i, Msg: "unterminated string"}
		}
		if strings.HasPrefix(src[j:], delim) {
			return token{kind: kind, text: b.String(), pos: i}, j + len(delim) - i, nil
		}
		c := src[j]
		if !triple && (c == '\n' || c == '\r') {
			return token{}, 0, &Error{Pos: j, Msg: "newline in string"}
		}
		if c != '\\' || raw {
			b.WriteByte(c)
			j++
			continue
		}
		if j+1 >= len(src) {
			return token{}, 0, &Error{Pos: j, Msg: "unterminated escape"}
		}
		e := src[j+1]
		switch e {
		case 'n':
			b.WriteByte('\n')
		case 't':
			b.WriteByte('\t')
		case 'r':
			b.WriteByte('\r')
		case '\\', '"', '\'', '`', '?':
			b.WriteByte(e)
		case 'a':
			b.WriteByte('\a')
		case 'b':
			b.WriteByte('\b')
		case 'f':
			b.WriteByte('\f')
		case 'v':
			b.WriteByte('\v')
		case 'u', 'U', 'x':
			n := map[byte]int{'u': 4, 'U': 8, 'x': 2}[e]
			if j+2+n > len(src) {
				return token{}, 0, &Error{Pos: j, Msg: "bad escape"}
			}
			v, err := strconv.ParseUint(src[j+2:j+2+n], 16, 32)
			if err != nil || e != 'x' && (v > utf8.MaxRune || v >= 0xD800 && v < 0xE000) {
				return token{}, 0, &Error{Pos: j, Msg: "bad escape"}
			}
			if e == 'x' && kind == tBytes {
				b.WriteByte(byte(v))
			} else {
				b.WriteRune(rune(v))
			}
			j += 2 + n
			continue
		default:
			return token{}, 0, &Error{Pos: j, Msg: "bad escape \\" + string(e)}
		}
		j += 2
	}
}
