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
		if i = SkipPlain(s, i); i == len(s) {
			break
		}
		if c := s[i]; c < utf8.RuneSelf {
			// An ASCII byte that SkipPlain stopped at needs escaping.
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

// SkipPlain returns the index of the first byte of s from i on that JSON
// does not write as it is or that is not ASCII: a quote, a backslash, a
// control character or a byte of a non-ASCII character; len(s) when there
// is none. It tests eight bytes at a time.
func SkipPlain[T ~string | ~[]byte](s T, i int) int {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	for ; i+8 <= len(s); i += 8 {
		x := uint64(s[i]) | uint64(s[i+1])<<8 | uint64(s[i+2])<<16 | uint64(s[i+3])<<24 |
			uint64(s[i+4])<<32 | uint64(s[i+5])<<40 | uint64(s[i+6])<<48 | uint64(s[i+7])<<56
		q := x ^ (ones * '"')
		bs := x ^ (ones * '\\')
		// Per byte, the high bit of (y - 1) &^ y is set when y is 0, and
		// that of (x - 0x20) &^ x when x < 0x20; x's own high bit marks
		// non-ASCII. Borrows cause no false alarm when there is none.
		if ((q-ones)&^q|(bs-ones)&^bs|(x-ones*0x20)&^x|x)&highs != 0 {
			break
		}
	}
	for ; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == '"' || c == '\\' || c >= utf8.RuneSelf {
			break
		}
	}
	return i
}

// ValidText returns s as AppendString's JSON string decodes: s itself when
// it is valid UTF-8, else s with each byte that is not part of a valid
// character replaced by U+FFFD. A path read back from the audit's JSONL
// is ValidText of the path that was written.
func ValidText(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	b := make([]byte, 0, len(s)+8)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = utf8.AppendRune(b, utf8.RuneError)
		} else {
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return string(b)
}
