package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestPathFlagsKeepCommas checks that --against and --eval take a path
// with a comma as one path, and still take several when repeated.
func TestPathFlagsKeepCommas(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "runs,2024")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	csv := filepath.Join(dir, "new,results.csv")
	if err := os.WriteFile(csv, []byte("task,dataset,split,metric,value\ntext-classification,org/d,test,accuracy,0.5\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cardPath := writeDriftCard(t, t.TempDir(), strings.Replace(driftOneMetric, "VALUE", "0.5", 1))
	code, _, stderr := runCLI(t, "", "drift", cardPath, "--against", csv, "--against", csv)
	if code != exitOK || strings.Contains(stderr, "no such file") {
		t.Errorf("drift --against %q: exit %d, stderr %q", csv, code, stderr)
	}
	spec := filepath.Join(t.TempDir(), "m.yaml")
	if err := os.WriteFile(spec, []byte(hubCleanSpec), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runCLI(t, "", "generate", "--eval", csv, "--out", "-", spec)
	if code != exitOK || !strings.Contains(stdout, "org/d") {
		t.Errorf("generate --eval %q: exit %d, stderr %q; want the result in the card", csv, code, stderr)
	}
}

func TestPathListSerializeRoundTrip(t *testing.T) {
	var p pathList
	for _, v := range []string{"a,b.csv", "c.json", ""} {
		if err := p.Set(v); err != nil {
			t.Fatal(err)
		}
	}
	var q pathList
	if err := q.Set("old"); err != nil {
		t.Fatal(err)
	}
	if err := q.Set(p.Serialize()); err != nil {
		t.Fatal(err)
	}
	if strings.Join(q, "|") != "a,b.csv|c.json|" {
		t.Errorf("round trip gave %q", []string(q))
	}
	if err := q.Set(serializedPaths + "{"); err == nil {
		t.Error("a damaged serialized list was taken")
	}
}
