package auditreport

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"
)

// TextWidth is the widest line WriteText writes.
const TextWidth = 100

// WriteText writes the summary as plain-text tables, no line wider than
// TextWidth, listing the top most often missing items of each standard.
func WriteText(w io.Writer, st *Stats, top int) error {
	b := bufio.NewWriter(w)
	p := func(format string, args ...any) { fmt.Fprintf(b, format, args...) }

	p("%-22s %9d\n", "Cards audited", st.Cards)
	p("%-22s %9d\n", "  scored", st.Scored)
	p("%-22s %9d\n", "  unreadable", st.Unreadable)
	if st.MetadataErrors > 0 {
		p("%-22s %9d   scored on the body alone: the metadata block does not parse\n", "  metadata errors", st.MetadataErrors)
	}
	p("%-22s %9d\n", "Declare a Hub task", st.Declared)
	p("%-22s %9d   %s of the cards that declare a task\n", "Family mismatches", st.Mismatches, percent(share(st.Mismatches, st.Declared)))

	if len(st.Standards) > 0 {
		// 63 + 1 + 9 + 1 + 7 + 1 + 7 + 1 + 10 = 100 columns.
		p("\n%-63s %9s %7s %7s %10s\n", "Standard", "Scored", "Mean", "Median", "Below 0.5")
		for _, s := range st.Standards {
			p("%-63s %9d %7.3f %7.3f %10s\n", clip(s.ID+"  "+s.Title, 63), s.Scored, s.Mean, s.Median, percent(s.BelowHalf))
		}
	}
	for _, s := range st.Standards {
		if len(s.Missing) == 0 || top <= 0 {
			continue
		}
		p("\n%s\n", clip(fmt.Sprintf("Most often missing, %s (%s)", s.ID, s.Title), TextWidth))
		for _, m := range s.Missing[:min(top, len(s.Missing))] {
			// 2 + 9 + 2 + 7 + 2 = 22 columns before the item.
			p("  %9d  %7s  %s\n", m.Count, percent(m.Share), clip(itemLabel(m.Item), TextWidth-22))
		}
	}
	if len(st.Families) > 0 {
		p("\nFamilies chosen\n")
		for _, f := range st.Families {
			p("  %9d  %7s  %s\n", f.Count, percent(share(f.Count, st.Scored)), clip(string(f.ID)+"  "+f.Title, TextWidth-22))
		}
	}
	if err := b.Flush(); err != nil {
		return fmt.Errorf("write the audit summary: %w", err)
	}
	return nil
}

// itemLabel is "id: title", or the id alone when the title repeats it.
func itemLabel(it Item) string {
	if it.Title == "" || it.Title == it.ID {
		return it.ID
	}
	return it.ID + ": " + it.Title
}

// percent formats a share as a percentage with one decimal.
func percent(f float64) string { return fmt.Sprintf("%.1f%%", 100*f) }

// clip makes s printable on one line and at most n runes long, ending in
// "…" when it was cut.
func clip(s string, n int) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == utf8.RuneError {
			return ' '
		}
		return r
	}, s)
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}
