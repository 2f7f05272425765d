// Package jsonenc writes JSON strings the way encoding/json does with HTML
// escaping off, without reflection or a buffer per string: the one string
// encoder of the audit's results and of the card's JSON rendering.
package jsonenc

import "unicode/utf8"

// AppendString appends s as a JSON string, as encoding/json writes it
// with HTML escaping off: quote, backslash and control characters escaped,
// U+2028 and U+2029 escaped, invalid UTF-8 bytes replaced by U+FFFD.
func AppendString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		// Eight plain bytes at a time, the usual case: no byte needs
		// a look of its own.
		for i+8 <= len(s) && plainASCII8(s[i:i+8]) {
			i += 8
		}
		if i == len(s) {
			break
		}
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xf])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// Masks for plainASCII8: a byte repeated in each of eight lanes.
const (
	lanes01 = 0x0101010101010101
	lanes80 = 0x8080808080808080
)

// plainASCII8 reports whether the eight bytes of s (len(s) == 8) are
// ASCII that JSON writes as it is: no control character, quote or
// backslash. It tests all eight at once; a lane is flagged when its byte
// is below 0x20, equals '"' or '\\', or has its top bit set, and the tests
// flag no lane falsely when no byte has its top bit set.
func plainASCII8(s string) bool {
	x := uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
	below := (x - lanes01*0x20) &^ x
	quote := x ^ lanes01*'"'
	backslash := x ^ lanes01*'\\'
	zeroQuote := (quote - lanes01) &^ quote
	zeroBackslash := (backslash - lanes01) &^ backslash
	return (x|below|zeroQuote|zeroBackslash)&lanes80 == 0
}
