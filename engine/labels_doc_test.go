package engine

import (
	"os"
	"strings"
	"testing"
)

// TestLabelMappingDocIsCurrent keeps docs/label-mapping.md equal to the
// mapping the code applies.
func TestLabelMappingDocIsCurrent(t *testing.T) {
	doc, err := os.ReadFile("../docs/label-mapping.md")
	if err != nil {
		t.Fatalf("read the mapping doc: %v", err)
	}
	if !strings.HasSuffix(string(doc), LabelMappingMarkdown()) {
		t.Error("docs/label-mapping.md is out of date: replace its table with engine.LabelMappingMarkdown()'s output")
	}
}
