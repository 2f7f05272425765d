package main

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// expandInputs turns the command line's files and folders into a sorted list
// of files: folders are walked recursively for names with one of the given
// extensions (hidden folders skipped); files are taken as given; "-" is kept
// as is and means standard input.
func expandInputs(args []string, exts []string) ([]string, error) {
	var out []string
	for _, a := range args {
		if a == "-" {
			out = append(out, a)
			continue
		}
		st, err := os.Stat(a)
		if err != nil {
			return nil, fmt.Errorf("input %s: %w", a, err)
		}
		if !st.IsDir() {
			out = append(out, a)
			continue
		}
		var found []string
		err = filepath.WalkDir(a, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() {
				if path != a && strings.HasPrefix(d.Name(), ".") {
					return filepath.SkipDir
				}
				return nil
			}
			if slices.Contains(exts, strings.ToLower(filepath.Ext(path))) {
				found = append(found, path)
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("walk %s: %w", a, err)
		}
		if len(found) == 0 {
			return nil, fmt.Errorf("folder %s holds no %s files", a, strings.Join(exts, " or "))
		}
		slices.Sort(found)
		out = append(out, found...)
	}
	return out, nil
}
