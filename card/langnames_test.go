package card

import "testing"

func TestLanguageCodeForName(t *testing.T) {
	tests := map[string]string{
		"German":   "de",
		"chinese":  "zh",
		"Spanish":  "es",
		"english ": "en",
		"Klingon":  "",
		"de":       "",
		"":         "",
	}
	for name, want := range tests {
		if got := LanguageCodeForName(name); got != want {
			t.Errorf("LanguageCodeForName(%q) = %q, want %q", name, got, want)
		}
	}
}
