package card

// SectionID names a canonical section of a model card, such as "uses" or
// "training.data". Headings that mean the same thing ("Intended uses &
// limitations", "Uses") map onto one SectionID.
type SectionID string

// Body is the markdown body of a card as a tree of sections.
type Body struct {
	// Text is the body exactly as read or rendered.
	Text string
	// FirstLine is the 1-based line of the file on which Text starts.
	FirstLine int
	// Preamble is the byte length of the text before the first heading.
	Preamble int
	// Sections are the top-level sections, in order.
	Sections []*Section
}

// Section is one heading of the body and everything below it up to the next
// heading of the same or a higher level.
type Section struct {
	// Level is the heading level, 1 to 6.
	Level int
	// Title is the heading text without its markers, trimmed.
	Title string
	// Canonical is the canonical section the heading maps to, or "" when it
	// maps to none.
	Canonical SectionID
	// Line is the 1-based line of the heading in the file.
	Line int
	// Start and End are the byte offsets in Body.Text of the section,
	// heading included, children included.
	Start, End int
	// ContentStart is the offset in Body.Text where the text after the
	// heading line starts.
	ContentStart int
	// Children are the subsections, in order.
	Children []*Section
}
