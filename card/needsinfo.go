package card

import "strings"

// needsInfoLead starts every needs-information marker. A marker is one
// Markdown blockquote line, visible to readers and easy for tools to find:
//
//	> **Needs information** `uses.direct`: Say what the model is for ...
const needsInfoLead = "> **Needs information** `"

// NeedsInfo returns the marker line for a missing fact: its id (a section id
// or a field key) and guidance on what to write. It ends with a line break.
func NeedsInfo(id, guidance string) string {
	guidance = strings.Join(strings.Fields(guidance), " ")
	return needsInfoLead + id + "`: " + guidance + "\n"
}

// FindNeedsInfo returns the ids of every needs-information marker in text,
// in order: the lines that start with a marker.
func FindNeedsInfo(text string) []string {
	var ids []string
	for i := 0; ; {
		j := strings.Index(text[i:], needsInfoLead)
		if j < 0 {
			return ids
		}
		start := i + j
		i = start + len(needsInfoLead)
		if start > 0 && text[start-1] != '\n' {
			continue
		}
		end := i
		for end < len(text) && isNeedsInfoIDByte(text[end]) {
			end++
		}
		if end > i && end < len(text) && text[end] == '`' {
			ids = append(ids, text[i:end])
		}
	}
}
