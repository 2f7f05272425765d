package evalimport

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/terragonlabs/modelcard-generator/card"
)

// writeFile writes a test file under dir, creating folders, and returns its
// path.
func writeFile(t testing.TB, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// dump renders a value for failure messages.
func dump(v any) string {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err.Error()
	}
	return string(b)
}

// checkResults compares results one by one, naming the first difference.
func checkResults(t *testing.T, got, want []card.EvalResult) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d results, want %d:\n%s", len(got), len(want), dump(got))
	}
	for i := range want {
		if !reflect.DeepEqual(got[i], want[i]) {
			t.Errorf("result %d:\n got %s\nwant %s", i, dump(got[i]), dump(want[i]))
		}
	}
}

// checkFacts checks that each wanted fact is present with its value, and
// that each fact named in absent is not.
func checkFacts(t *testing.T, got map[string]string, want map[string]string, absent ...string) {
	t.Helper()
	for k, v := range want {
		if got[k] != v {
			t.Errorf("fact %q = %q, want %q", k, got[k], v)
		}
	}
	for _, k := range absent {
		if v, ok := got[k]; ok {
			t.Errorf("fact %q = %q, want it absent", k, v)
		}
	}
}

// wantError checks an import error: its kind, and that its text holds the
// wanted position prefix and words.
func wantError(t *testing.T, err error, kind error, pos string, words ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want %v at %q", kind, pos)
	}
	if !errors.Is(err, kind) {
		t.Errorf("error %q is not %v", err, kind)
	}
	var ie *Error
	if !errors.As(err, &ie) {
		t.Fatalf("error %q is a %T, want *Error", err, err)
	}
	if !strings.HasPrefix(err.Error(), pos+": ") {
		t.Errorf("error %q does not start with %q", err, pos+": ")
	}
	for _, w := range words {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q does not mention %q", err, w)
		}
	}
}

// hasWarning reports a warning with the code whose message holds word.
func hasWarning(im *Imported, code, word string) bool {
	for _, w := range im.Warnings {
		if w.Code == code && strings.Contains(w.Message+" "+w.Field, word) {
			return true
		}
	}
	return false
}

// ptr returns a pointer to v.
func ptr[T any](v T) *T { return &v }
