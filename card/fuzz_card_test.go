package card

import (
	"bytes"
	"os"
	"testing"
)

// addCorpusSeeds adds up to n corpus cards (with YAML blocks first) as seeds.
func addCorpusSeeds(f *testing.F, n int) {
	added := 0
	for _, e := range corpusEntries(f) {
		if added >= n {
			break
		}
		if !e.HasFrontMatter && added%4 != 0 {
			continue
		}
		src, err := os.ReadFile(e.Path)
		if err != nil || len(src) > 64<<10 {
			continue
		}
		f.Add(src)
		added++
	}
}

func FuzzSplitFrontMatter(f *testing.F) {
	for _, s := range []string{"---\na: 1\n---\nbody", "\n---\r\n\r\n---\r\n", "---\n---", " \t---\n\n---x\n---"} {
		f.Add([]byte(s))
	}
	addCorpusSeeds(f, 150)
	f.Fuzz(func(t *testing.T, data []byte) {
		src := string(data)
		fm := SplitFrontMatter(src)
		if fm.Head+fm.Body != src {
			t.Fatalf("head+body != input")
		}
		if !fm.Found {
			if fm.Head != "" || fm.Body != src {
				t.Fatalf("no block, but head %q", fm.Head)
			}
			return
		}
		if !bytes.Contains([]byte(fm.Head), []byte(fm.YAML)) {
			t.Fatalf("YAML text not inside the head")
		}
		if fm.YAMLLine < 1 || fm.BodyLine < fm.YAMLLine {
			t.Fatalf("lines: yaml %d body %d", fm.YAMLLine, fm.BodyLine)
		}
	})
}

func FuzzParseCard(f *testing.F) {
	f.Add([]byte("---\nlicense: mit\n---\n# T\n"))
	f.Add([]byte("---\n- a\n---\n"))
	f.Add([]byte("---\na: &x [*x]\n---\n"))
	addCorpusSeeds(f, 150)
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Parse(data)
		if c == nil {
			if err == nil {
				t.Fatal("nil card without an error")
			}
			return
		}
		out, rerr := RenderHF(c)
		if rerr != nil {
			t.Fatalf("render unchanged: %v", rerr)
		}
		if !bytes.Equal(out, data) {
			t.Fatalf("round trip changed the card")
		}
		_, problems := Validate("fuzz.md", data)
		for _, p := range problems {
			if p.Message == "" || p.Code == "" {
				t.Fatalf("problem without message or code: %+v", p)
			}
		}
	})
}
