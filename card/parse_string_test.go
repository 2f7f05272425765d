package card

import (
	"errors"
	"reflect"
	"testing"
)

// TestParseStringMatchesParse checks that ParseString reads a card as Parse
// does, errors included.
func TestParseStringMatchesParse(t *testing.T) {
	tests := []struct {
		name     string
		text     string
		wantCode string // the *InputError code, "" for none
	}{
		{name: "card with metadata", text: "---\nlicense: mit\npipeline_tag: text-classification\n---\n# Model\n\n## Uses\n\nSorting reviews.\n"},
		{name: "body only", text: "# Title\n\nSome text.\n"},
		{name: "broken yaml", text: "---\nlicense: [mit\n---\n# T\n"},
		{name: "nul byte", text: "# T\n\x00\n", wantCode: "input.binary"},
		{name: "not utf-8", text: "# T\n\xff\xfe\n", wantCode: "input.encoding"},
		{name: "empty", text: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want, wantErr := Parse([]byte(tt.text))
			got, gotErr := ParseString(tt.text)
			var ie *InputError
			if tt.wantCode != "" {
				if !errors.As(gotErr, &ie) || ie.Code != tt.wantCode {
					t.Fatalf("ParseString error = %v, want an *InputError %s", gotErr, tt.wantCode)
				}
				if got != nil {
					t.Fatalf("ParseString returned a card with error %v", gotErr)
				}
			}
			if (gotErr == nil) != (wantErr == nil) || (gotErr != nil && gotErr.Error() != wantErr.Error()) {
				t.Fatalf("ParseString error %v, Parse error %v", gotErr, wantErr)
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("ParseString card differs from Parse card:\n got %+v\nwant %+v", got, want)
			}
		})
	}
}
