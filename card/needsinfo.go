package card

import (
	"regexp"
	"strings"
)

// needsInfoLead starts every needs-information marker. A marker is one
// Markdown blockquote line, visible to readers and easy for tools to find:
//
//	> **Needs information** `uses.direct`: Say what the model is for ...
const needsInfoLead = "> **Needs information** `"

// needsInfoPattern finds markers and captures the id of what is missing.
var needsInfoPattern = regexp.MustCompile("(?m)^> \\*\\*Needs information\\*\\* `([A-Za-z0-9_.:-]+)`")

// NeedsInfo returns the marker line for a missing fact: its id (a section id
// or a field key) and guidance on what to write. It ends with a line break.
func NeedsInfo(id, guidance string) string {
	guidance = strings.Join(strings.Fields(guidance), " ")
	return needsInfoLead + id + "`: " + guidance + "\n"
}

// FindNeedsInfo returns the ids of every needs-information marker in text,
// in order.
func FindNeedsInfo(text string) []string {
	if !strings.Contains(text, "**Needs information**") {
		return nil
	}
	var ids []string
	for _, m := range needsInfoPattern.FindAllStringSubmatch(text, -1) {
		ids = append(ids, m[1])
	}
	return ids
}
