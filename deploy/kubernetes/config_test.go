package kubernetes

import (
	"bufio"
	"bytes"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"sigs.k8s.io/yaml"
)

// The kinds of value a daemon setting takes, told by its documented
// default.
const (
	kindBool     = "bool"
	kindNumber   = "number"
	kindDuration = "duration"
	kindString   = "string"
)

// daemonKey is one row of the settings table of docs/daemon-config.md.
type daemonKey struct {
	kind string
	def  any // the default, as the YAML decoder would return it
}

// daemonKeys parses the settings table of docs/daemon-config.md (the
// table before the first second-level heading): YAML key → its kind and
// default.
func daemonKeys(t *testing.T) map[string]daemonKey {
	t.Helper()
	keys, err := parseDaemonKeys(readRepoFile(t, "docs/daemon-config.md"))
	if err != nil {
		t.Fatalf("docs/daemon-config.md: %v", err)
	}
	return keys
}

func parseDaemonKeys(doc []byte) (map[string]daemonKey, error) {
	keys := map[string]daemonKey{}
	sc := bufio.NewScanner(bytes.NewReader(doc))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if strings.HasPrefix(line, "## ") {
			break
		}
		if !strings.HasPrefix(line, "| `") {
			continue
		}
		cells := strings.Split(line, "|")
		if len(cells) < 5 {
			return nil, fmt.Errorf("line %d: a settings row needs the cells key, flag, default, meaning: %q", n, line)
		}
		key, ok := backticked(cells[1])
		if !ok {
			return nil, fmt.Errorf("line %d: no `key` in the first cell: %q", n, line)
		}
		def, _ := backticked(cells[3])
		keys[key] = typedDefault(def)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read: %w", err)
	}
	if len(keys) == 0 {
		return nil, fmt.Errorf("no settings table (rows starting with | `key` |) before the first ## heading")
	}
	return keys, nil
}

// backticked returns the first `quoted` text of a table cell.
func backticked(cell string) (string, bool) {
	_, rest, ok := strings.Cut(cell, "`")
	if !ok {
		return "", false
	}
	v, _, ok := strings.Cut(rest, "`")
	return v, ok
}

// typedDefault tells a setting's kind from its documented default.
func typedDefault(def string) daemonKey {
	if b, err := strconv.ParseBool(def); err == nil && (def == "true" || def == "false") {
		return daemonKey{kindBool, b}
	}
	if f, err := strconv.ParseFloat(def, 64); err == nil {
		return daemonKey{kindNumber, f}
	}
	if _, err := time.ParseDuration(def); err == nil {
		return daemonKey{kindDuration, def}
	}
	return daemonKey{kindString, def}
}

// parseSettings parses a daemon config file (strictly: a key given twice
// is an error) and flattens its nested mappings into dotted keys.
func parseSettings(t *testing.T, where string, data []byte) map[string]any {
	t.Helper()
	var doc map[string]any
	if err := yaml.UnmarshalStrict(data, &doc); err != nil {
		t.Fatalf("%s: the daemon's config file does not parse: %v", where, err)
	}
	out := map[string]any{}
	flatten("", doc, out)
	return out
}

func flatten(prefix string, m map[string]any, out map[string]any) {
	for k, v := range m {
		if sub, ok := v.(map[string]any); ok {
			flatten(prefix+k+".", sub, out)
			continue
		}
		out[prefix+k] = v
	}
}

// checkSetting reports a value that does not fit the key's kind.
func checkSetting(k daemonKey, v any) error {
	switch k.kind {
	case kindBool:
		if _, ok := v.(bool); !ok {
			return fmt.Errorf("want true or false, not %v", v)
		}
	case kindNumber:
		if _, ok := v.(float64); !ok {
			return fmt.Errorf("want a number, not %v", v)
		}
	case kindDuration:
		s, ok := v.(string)
		if !ok {
			return fmt.Errorf("want a duration such as 30s, not %v", v)
		}
		if _, err := time.ParseDuration(s); err != nil {
			return fmt.Errorf("want a duration such as 30s: %w", err)
		}
	case kindString:
		if _, ok := v.(string); !ok {
			return fmt.Errorf("want a string, not %v", v)
		}
	}
	return nil
}

func TestDaemonKeysFromDocs(t *testing.T) {
	keys := daemonKeys(t)
	// Rows the table must hold, with the kind their default implies: if
	// the table's layout changes, this fails rather than checking nothing.
	want := map[string]string{
		"http_addr": kindString, "backend": kindString, "batch_size": kindNumber,
		"max_batch_delay": kindDuration, "shutdown_timeout": kindDuration, "drain_delay": kindDuration,
		"rate_limit.enabled": kindBool, "rate_limit.rps": kindNumber,
	}
	for k, kind := range want {
		if keys[k].kind != kind {
			t.Errorf("key %s: kind %q, want %q", k, keys[k].kind, kind)
		}
	}
	// The deployment guide's keys are accepted but ignored: not settings.
	for _, k := range []string{"neural_acceleration.batch_size", "security.rate_limiting"} {
		if _, ok := keys[k]; ok {
			t.Errorf("the guide's key %s is taken for a daemon setting", k)
		}
	}
	if _, err := parseDaemonKeys([]byte("# no table\n\n## Metrics\n| `x` | | `1` | |\n")); err == nil {
		t.Error("a document without a settings table parses")
	}
}

func TestConfigMapKeysAreDaemonSettings(t *testing.T) {
	keys := daemonKeys(t)
	for _, dir := range serverDirs() {
		t.Run(dir, func(t *testing.T) {
			s := loadServer(t, dir)
			if len(s.settings) == 0 {
				t.Fatal("the config file is empty")
			}
			for _, k := range slices.Sorted(maps.Keys(s.settings)) {
				dk, ok := keys[k]
				if !ok {
					t.Errorf("%s: key %q is not among the daemon's settings (docs/daemon-config.md): the daemon would refuse to start", s.configFile, k)
					continue
				}
				if err := checkSetting(dk, s.settings[k]); err != nil {
					t.Errorf("%s: %s: %v", s.configFile, k, err)
				}
			}
		})
	}
}

func TestCheckSetting(t *testing.T) {
	tests := []struct {
		def   string
		value string // YAML
		ok    bool
	}{
		{"`30s`", "25s", true},
		{"`30s`", "25", false},
		{"`30s`", "soon", false},
		{"`64`", "1024", true},
		{"`64`", `"1024"`, false},
		{"`false`", "true", true},
		{"`false`", `"true"`, false},
		{"`auto`", "cuda", true},
		{"`auto`", "3", false},
	}
	for _, tt := range tests {
		t.Run(tt.def+"="+tt.value, func(t *testing.T) {
			def, _ := backticked(tt.def)
			var v any
			if err := yaml.Unmarshal([]byte(tt.value), &v); err != nil {
				t.Fatal(err)
			}
			err := checkSetting(typedDefault(def), v)
			if (err == nil) != tt.ok {
				t.Errorf("checkSetting(%s, %s) = %v, want ok %v", tt.def, tt.value, err, tt.ok)
			}
		})
	}
}
