package jsonenc

import (
	"bytes"
	"encoding/json"
	"testing"
	"unicode/utf8"
)

// encodingJSON is what encoding/json writes for s with HTML escaping off.
func encodingJSON(t *testing.T, s string) []byte {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(s); err != nil {
		t.Fatal(err)
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
}

func TestAppendString(t *testing.T) {
	tests := []struct{ name, in string }{
		{"empty", ""},
		{"plain", "plain text"},
		{"quote and backslash", "q\"b\\"},
		{"control characters", "\x00\x08\x0c\n\r\t\x1f\x7f"},
		{"invalid UTF-8", "\xff\xfe a\xe2\x80"},
		{"line separators", "\u2028\u2029"},
		{"HTML stays as it is", "<a href=\"x\">&</a>"},
		{"wide characters", "中\U0001F600"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			prefix := []byte("kept:")
			got := AppendString(prefix, tt.in)
			if !bytes.HasPrefix(got, prefix) {
				t.Fatalf("dropped what dst held: %q", got)
			}
			if want := encodingJSON(t, tt.in); !bytes.Equal(got[len(prefix):], want) {
				t.Errorf("%q: AppendString %s, encoding/json %s", tt.in, got[len(prefix):], want)
			}
		})
	}
}

func FuzzAppendString(f *testing.F) {
	for _, s := range []string{"", "plain", "q\"b\\", "\x00\x1f\x7f", "\xff\xfe", "\u2028\u2029", "<&>", "中\U0001F600", "a\xe2\x80"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, want := AppendString(nil, s), encodingJSON(t, s)
		if !bytes.Equal(got, want) {
			t.Errorf("%q: AppendString %s, encoding/json %s", s, got, want)
		}
		var back string
		if err := json.Unmarshal(want, &back); err != nil {
			t.Fatal(err)
		}
		if v := ValidText(s); v != back {
			t.Errorf("%q: ValidText %q, read back from JSON %q", s, v, back)
		}
	})
}

func TestValidText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"plain/path.md", "plain/path.md"},
		{"中文/模型.md", "中文/模型.md"},
		{"bad\xffname", "bad\ufffdname"},
		{"\xff\xfe", "\ufffd\ufffd"},           // each invalid byte, not each run
		{"a\xe2\x80", "a\ufffd\ufffd"},         // a cut character: a U+FFFD per byte
		{"\xed\xa0\x80", "\ufffd\ufffd\ufffd"}, // a surrogate's encoding is invalid
		{"ok\u00e9\xc3", "ok\u00e9\ufffd"},
	}
	for _, tt := range tests {
		if got := ValidText(tt.in); got != tt.want {
			t.Errorf("ValidText(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestSkipPlain holds SkipPlain to a byte-by-byte reading: every byte
// value in every place of a 19-byte text (two eight-byte steps and a tail
// of three), among plain bytes and next to bytes of each kind (a borrow
// from one lane may reach the next), from several starts, as a string and
// as bytes.
func TestSkipPlain(t *testing.T) {
	plain := func(c byte) bool { return c >= 0x20 && c < utf8.RuneSelf && c != '"' && c != '\\' }
	want := func(s []byte, i int) int {
		for i < len(s) && plain(s[i]) {
			i++
		}
		return i
	}
	for _, fill := range []byte{'a', ' ', '!', '#', '[', ']', '~', 0x7f, 0x21, 0x1f, 0x00, '"', '\\', 0x80, 0xff} {
		for place := range 19 {
			for c := range 256 {
				s := bytes.Repeat([]byte{'a'}, 19)
				s[place] = byte(c)
				if place+1 < len(s) {
					s[place+1] = fill
				}
				for _, start := range []int{0, 1, 5, 11, 19} {
					w := want(s, start)
					if got := SkipPlain(s, start); got != w {
						t.Fatalf("SkipPlain(%q, %d) = %d, want %d", s, start, got, w)
					}
					if got := SkipPlain(string(s), start); got != w {
						t.Fatalf("SkipPlain(string %q, %d) = %d, want %d", s, start, got, w)
					}
				}
			}
		}
	}
}
