package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/terragonlabs/modelcard-generator/card"
)

// TestDriftUpdateKeepsLineEndings checks that --update writes the YAML
// block it rewrites with the line ending of the card's first line and
// leaves the body's bytes as they were, so that a CRLF card stays CRLF
// throughout instead of mixing LF and CRLF lines.
func TestDriftUpdateKeepsLineEndings(t *testing.T) {
	crlf := strings.ReplaceAll(driftCardText, "\n", "\r\n")
	head := card.SplitFrontMatter(driftCardText).Head
	tests := []struct {
		name     string
		text     string
		wantCRLF bool // every line break of the head is CRLF, else LF
	}{
		{"LF", driftCardText, false},
		{"CRLF", crlf, true},
		{"LF block and CRLF body", head + strings.ReplaceAll(driftCardText[len(head):], "\n", "\r\n"), false},
		{"CRLF block and LF body", strings.ReplaceAll(head, "\n", "\r\n") + driftCardText[len(head):], true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			cardPath := writeDriftCard(t, dir, tt.text)
			csv := driftCSV(t, dir, "accuracy,0.900", "precision,0.8")
			code, _, stderr := runCLI(t, "", "drift", cardPath, "--against", csv, "--update")
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			got := mustRead(t, cardPath)
			before, after := card.SplitFrontMatter(tt.text), card.SplitFrontMatter(string(got))
			if !after.Found || after.Body != before.Body {
				t.Errorf("the body changed:\n got %q\nwant %q", after.Body, before.Body)
			}
			breaks := bytes.Count([]byte(after.Head), []byte("\n"))
			crlfs := bytes.Count([]byte(after.Head), []byte("\r\n"))
			if tt.wantCRLF && crlfs != breaks {
				t.Errorf("%d of the block's %d line breaks are CRLF, want all:\n%q", crlfs, breaks, after.Head)
			}
			if !tt.wantCRLF && crlfs != 0 {
				t.Errorf("%d of the block's line breaks are CRLF, want none:\n%q", crlfs, after.Head)
			}
			if !strings.Contains(after.YAML, "value: 0.8") {
				t.Errorf("the new result is not in the block:\n%s", after.YAML)
			}
			// The rewritten card reads back with the new results.
			code, stdout, stderr := runCLI(t, "", "drift", cardPath, "--against", csv)
			if code != 0 {
				t.Errorf("after --update: exit %d\n%s%s", code, stdout, stderr)
			}
		})
	}
}
