package main

import (
	"bytes"
	"os"
	"path/filepath"
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

// TestDriftUpdateKeepsComments checks that --update keeps the comments at
// the top and at the end of the YAML block, whatever its line breaks: a
// CRLF card used to lose a comment on the block's first line, and any card
// one that a blank line parts from the first key.
func TestDriftUpdateKeepsComments(t *testing.T) {
	const csv = "task,dataset,split,metric,value\ntext-classification,org/d,test,accuracy,0.91\n"
	blocks := []struct {
		name, yaml string
		comments   []string // in the order the block must keep them
	}{
		{"comment on the first key", "# top comment\nlicense: mit\nmodel_name: org/m\n", []string{"# top comment"}},
		{"comment parted by a blank line", "# top comment\n\nlicense: mit\nmodel_name: org/m\n", []string{"# top comment"}},
		{"both", "# parted\n\n# on the key\nlicense: mit # inline\nmodel_name: org/m\n", []string{"# parted", "# on the key", "# inline"}},
		{"comment at the end", "license: mit\nmodel_name: org/m\n\n# the end\n", []string{"# the end"}},
	}
	for _, b := range blocks {
		for _, crlf := range []bool{false, true} {
			name := b.name + " LF"
			text := "---\n" + b.yaml + "---\nbody\n"
			if crlf {
				name = b.name + " CRLF"
				text = strings.ReplaceAll(text, "\n", "\r\n")
			}
			t.Run(name, func(t *testing.T) {
				dir := t.TempDir()
				cardPath := writeDriftCard(t, dir, text)
				csvPath := filepath.Join(dir, "new.csv")
				if err := os.WriteFile(csvPath, []byte(csv), 0o644); err != nil {
					t.Fatal(err)
				}
				if code, _, stderr := runCLI(t, "", "drift", cardPath, "--against", csvPath, "--update"); code != 0 {
					t.Fatalf("exit %d: %s", code, stderr)
				}
				got := card.SplitFrontMatter(string(mustRead(t, cardPath)))
				at := 0
				for _, c := range b.comments {
					i := strings.Index(got.YAML[at:], c)
					if i < 0 {
						t.Fatalf("the block lost %q (or its order):\n%s", c, got.YAML)
					}
					at += i + len(c)
				}
				if !strings.Contains(got.YAML, "value: 0.91") {
					t.Errorf("the new result is not in the block:\n%s", got.YAML)
				}
				if n, crlfs := strings.Count(got.Head, "\n"), strings.Count(got.Head, "\r\n"); crlf && crlfs != n || !crlf && crlfs != 0 {
					t.Errorf("%d of %d line breaks are CRLF in\n%q", crlfs, n, got.Head)
				}
				if want := card.SplitFrontMatter(text).Body; got.Body != want {
					t.Errorf("the body changed: %q, want %q", got.Body, want)
				}
			})
		}
	}
}
