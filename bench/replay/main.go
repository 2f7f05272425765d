// Command replay writes the cards of a corpus folder as NDJSON on stdout,
// over and over, until it has written the number of cards asked for. It
// feeds `modelcard audit -` with inputs of any size from a fixed corpus, to
// check that the audit's memory stays flat as the input grows.
//
//	go run ./bench/replay --corpus ../shared/corpus/cards --cards 1000000 | modelcard audit --json /dev/null -
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

func main() {
	corpus := flag.String("corpus", "../shared/corpus/cards", "folder of .md cards to replay")
	cards := flag.Int("cards", 10000, "number of cards to write")
	flag.Parse()
	if err := run(*corpus, *cards); err != nil {
		fmt.Fprintln(os.Stderr, "replay:", err)
		os.Exit(1)
	}
}

func run(corpus string, n int) error {
	var paths []string
	err := filepath.WalkDir(corpus, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.HasSuffix(p, ".md") {
			paths = append(paths, p)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("walk %s: %w", corpus, err)
	}
	if len(paths) == 0 {
		return fmt.Errorf("no .md cards in %s", corpus)
	}
	sort.Strings(paths)
	lines := make([][]byte, len(paths))
	for i, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		line, err := json.Marshal(struct {
			Path string `json:"path"`
			Text string `json:"text"`
		}{p, string(data)})
		if err != nil {
			return fmt.Errorf("encode %s: %w", p, err)
		}
		lines[i] = line
	}
	w := bufio.NewWriterSize(os.Stdout, 1<<20)
	for i := range n {
		w.Write(lines[i%len(lines)])
		w.WriteByte('\n')
	}
	return w.Flush()
}
