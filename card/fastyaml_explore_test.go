package card

import (
	"strings"
	"testing"
	"fmt"
	"sort"
)

func TestExploreFallbacks(t *testing.T) {
	_, blocks := corpusYAMLBlocks(t)
	reasons := map[string]int{}
	bytesBy := map[string]int{}
	for _, text := range blocks {
		if _, ok := fastParseYAML(text); ok {
			continue
		}
		if _, err := libraryYAML(text); err != nil {
			reasons["library error"]++
			continue
		}
		lines := strings.SplitAfter(text, "\n")
		// find first line index where prefix stops parsing
		bad := ""
		lo := 0
		for n := 1; n <= len(lines); n++ {
			pre := strings.Join(lines[:n], "")
			if _, ok := fastParseYAML(pre); ok {
				lo = n
				continue
			}
			if _, err := libraryYAML(pre); err != nil {
				continue
			}
			if n-lo > 3 { continue }
			bad = lines[n-1]
			break
		}
		r := fyClassify(bad)
		if bad == "" && lo < len(lines) { fmt.Printf("NOLINE %q %q\n", lines[lo], lines[min(lo+1, len(lines)-1)]) }
		reasons[r]++
		bytesBy[r] += len(text)
		if r == "other" { fmt.Printf("OTHER %q\n", bad) }
	}
	var keys []string
	for k := range reasons { keys = append(keys, k) }
	sort.Strings(keys)
	for _, k := range keys { t.Logf("%-20s %4d %9d", k, reasons[k], bytesBy[k]) }
}

func fyClassify(l string) string {
	s := strings.TrimSpace(l)
	switch {
	case strings.Contains(l, "\t"): return "tab"
	case strings.HasPrefix(s, "#") || strings.Contains(l, " #"): return "comment"
	case strings.HasSuffix(s, "|") || strings.HasSuffix(s, "|-") || strings.HasSuffix(s, ">") || strings.HasSuffix(s, ">-") || strings.HasSuffix(s, "|+") || strings.HasSuffix(s, ">+"): return "blockscalar"
	case strings.Contains(s, "&") || strings.Contains(s, "*"): return "anchor?"
	case strings.Contains(s, "!"): return "tag?"
	case strings.Contains(s, "'") || strings.Contains(s, "\""): return "quoted-multiline?"
	case strings.Contains(s, "[") || strings.Contains(s, "{"): return "flow?"
	case s == "": return "noline"
	}
	return "other"
}
