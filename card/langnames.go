package card

import (
	"strings"
	"sync"

	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
)

// languageNames maps lower-case English language names ("german") to
// their ISO 639-1 codes ("de"); built once, on first use, then read-only.
var languageNames = sync.OnceValue(func() map[string]string {
	names := display.English.Languages()
	out := make(map[string]string, 200)
	code := []byte{'a', 'a'}
	for a := byte('a'); a <= 'z'; a++ {
		for b := byte('a'); b <= 'z'; b++ {
			code[0], code[1] = a, b
			base, err := language.ParseBase(string(code))
			if err != nil || base.String() != string(code) {
				continue
			}
			tag, err := language.Compose(base)
			if err != nil {
				continue
			}
			if name := strings.ToLower(names.Name(tag)); name != "" && name != string(code) {
				if _, taken := out[name]; !taken {
					out[name] = string(code)
				}
			}
		}
	}
	return out
})

// LanguageCodeForName returns the ISO 639-1 code of an English language
// name ("German" → "de"), or "" when the name is not one.
func LanguageCodeForName(name string) string {
	return languageNames()[strings.ToLower(strings.TrimSpace(name))]
}
