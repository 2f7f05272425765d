package daemon

import (
	"cmp"
	"encoding/json"
	"fmt"
	"maps"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"go.yaml.in/yaml/v3"
)

// The monitoring files of deploy/monitoring, relative to this package.
const (
	monitoringDir    = "../deploy/monitoring"
	monitoringConfig = "prometheus.yml"
	monitoringRules  = "rules/modelcard.rules.yml"
	monitoringTests  = "tests"
	monitoringDash   = "grafana/modelcard-dashboard.json"
)

// monitoringPath returns a monitoring file's path from this package.
func monitoringPath(rel string) string {
	return filepath.Join(monitoringDir, filepath.FromSlash(rel))
}

// monitoringPromtool returns promtool's path. Without promtool it skips the
// test, except under CI, where promtool must be installed.
func monitoringPromtool(t *testing.T) string {
	t.Helper()
	path, err := exec.LookPath("promtool")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("promtool is not installed, so the monitoring config, rules and rule tests cannot be checked; CI must install it (Debian package prometheus)")
		}
		t.Skip("promtool is not installed (Debian package prometheus); skipping the promtool checks of deploy/monitoring")
	}
	return path
}

// runMonitoringPromtool runs promtool with args in dir and returns its output.
func runMonitoringPromtool(bin, dir string, args ...string) (string, error) {
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		return string(out), fmt.Errorf("promtool %s: %w", strings.Join(args, " "), err)
	}
	return string(out), nil
}

// monitoringRulesFile is the part of a Prometheus rules file that the tests read.
type monitoringRulesFile struct {
	Groups []struct {
		Name  string `yaml:"name"`
		Rules []struct {
			Record      string            `yaml:"record"`
			Alert       string            `yaml:"alert"`
			Expr        string            `yaml:"expr"`
			For         string            `yaml:"for"`
			Labels      map[string]string `yaml:"labels"`
			Annotations map[string]string `yaml:"annotations"`
		} `yaml:"rules"`
	} `yaml:"groups"`
}

// loadMonitoringRules reads the rules file.
func loadMonitoringRules(t *testing.T) monitoringRulesFile {
	t.Helper()
	data, err := os.ReadFile(monitoringPath(monitoringRules))
	if err != nil {
		t.Fatal(err)
	}
	var rf monitoringRulesFile
	if err := yaml.Unmarshal(data, &rf); err != nil {
		t.Fatalf("%s: %v", monitoringRules, err)
	}
	return rf
}

// loadMonitoringDashboard reads the Grafana dashboard.
func loadMonitoringDashboard(t *testing.T) map[string]any {
	t.Helper()
	data, err := os.ReadFile(monitoringPath(monitoringDash))
	if err != nil {
		t.Fatal(err)
	}
	var d map[string]any
	if err := json.Unmarshal(data, &d); err != nil {
		t.Fatalf("%s: %v", monitoringDash, err)
	}
	return d
}

// exprSource is one PromQL expression and where it comes from.
type exprSource struct {
	where, expr string
}

// monitoringRuleExprs returns the expressions of the rules and the names of the
// recording rules.
func monitoringRuleExprs(rf monitoringRulesFile) ([]exprSource, map[string]bool) {
	var exprs []exprSource
	recorded := map[string]bool{}
	for _, g := range rf.Groups {
		for _, r := range g.Rules {
			name := r.Alert
			if r.Record != "" {
				name = r.Record
				recorded[r.Record] = true
			}
			exprs = append(exprs, exprSource{where: fmt.Sprintf("%s: %s", monitoringRules, name), expr: r.Expr})
		}
	}
	return exprs, recorded
}

// monitoringDashboardTarget is one query of a dashboard panel.
type monitoringDashboardTarget struct {
	panel  string
	target map[string]any
}

// monitoringDashboardTargets returns every panel query of a dashboard, rows' nested
// panels included.
func monitoringDashboardTargets(d map[string]any) []monitoringDashboardTarget {
	var out []monitoringDashboardTarget
	var walk func(panels any)
	walk = func(panels any) {
		list, _ := panels.([]any)
		for _, p := range list {
			panel, ok := p.(map[string]any)
			if !ok {
				continue
			}
			title, _ := panel["title"].(string)
			targets, _ := panel["targets"].([]any)
			for _, tg := range targets {
				if m, ok := tg.(map[string]any); ok {
					out = append(out, monitoringDashboardTarget{panel: title, target: m})
				}
			}
			walk(panel["panels"])
		}
	}
	walk(d["panels"])
	return out
}

// monitoringDashboardExprs returns the PromQL expressions of a dashboard's targets.
func monitoringDashboardExprs(d map[string]any) []exprSource {
	var exprs []exprSource
	for _, dt := range monitoringDashboardTargets(d) {
		expr, _ := dt.target["expr"].(string)
		ref, _ := dt.target["refId"].(string)
		exprs = append(exprs, exprSource{where: fmt.Sprintf("%s: panel %q, target %s", monitoringDash, dt.panel, ref), expr: expr})
	}
	return exprs
}

// ---- promtool ---------------------------------------------------------------

// TestMonitoringPromtool checks the Prometheus config, the rules and their
// unit tests, and the dashboard's queries with promtool.
func TestMonitoringPromtool(t *testing.T) {
	bin := monitoringPromtool(t)

	t.Run("check config", func(t *testing.T) {
		checkMonitoringConfig(t, bin, nil)
	})

	t.Run("check config with the single-host job enabled", func(t *testing.T) {
		enabled, names, err := enableCommentedScrapeJobs(readMonitoringConfig(t))
		if err != nil {
			t.Fatalf("%s: %v", monitoringConfig, err)
		}
		if len(names) == 0 {
			t.Fatalf("%s: no commented-out scrape job to enable", monitoringConfig)
		}
		checkMonitoringConfig(t, bin, enabled)
	})

	t.Run("check rules", func(t *testing.T) {
		out, err := runMonitoringPromtool(bin, monitoringDir, "check", "rules", monitoringRules)
		if err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
	})

	t.Run("test rules", func(t *testing.T) {
		files, err := filepath.Glob(filepath.Join(monitoringDir, monitoringTests, "*.yml"))
		if err != nil {
			t.Fatal(err)
		}
		if len(files) == 0 {
			t.Fatalf("no rule tests in %s/%s", monitoringDir, monitoringTests)
		}
		args := []string{"test", "rules"}
		for _, f := range files {
			rel, err := filepath.Rel(monitoringDir, f)
			if err != nil {
				t.Fatal(err)
			}
			args = append(args, rel)
		}
		out, err := runMonitoringPromtool(bin, monitoringDir, args...)
		if err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
	})

	t.Run("dashboard queries", func(t *testing.T) {
		// promtool has no command to parse one expression; a rules file
		// with each query as a recording rule gets them parsed.
		exprs := monitoringDashboardExprs(loadMonitoringDashboard(t))
		if len(exprs) == 0 {
			t.Fatal("the dashboard has no queries")
		}
		type rule struct {
			Record string `yaml:"record"`
			Expr   string `yaml:"expr"`
		}
		type group struct {
			Name  string `yaml:"name"`
			Rules []rule `yaml:"rules"`
		}
		g := group{Name: "dashboard"}
		for i, e := range exprs {
			g.Rules = append(g.Rules, rule{Record: fmt.Sprintf("dashboard:query_%d", i), Expr: substituteGrafanaVars(e.expr)})
		}
		data, err := yaml.Marshal(map[string][]group{"groups": {g}})
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(t.TempDir(), "dashboard.rules.yml")
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		if out, err := runMonitoringPromtool(bin, ".", "check", "rules", path); err != nil {
			t.Fatalf("a dashboard query does not parse: %v\n%s", err, out)
		}
	})
}

// readMonitoringConfig returns the Prometheus config's text.
func readMonitoringConfig(t *testing.T) []byte {
	t.Helper()
	data, err := os.ReadFile(monitoringPath(monitoringConfig))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// checkMonitoringConfig runs promtool check config on the Prometheus config
// as shipped (data nil) or on a variant of its text. Debian's promtool is
// built without Kubernetes service discovery; where it rejects
// kubernetes_sd_configs, the config is checked again with each of them
// swapped for a static target (TestMonitoringKubernetesRelabel checks the
// Kubernetes job's relabelling).
func checkMonitoringConfig(t *testing.T, bin string, data []byte) {
	t.Helper()
	var out string
	var err error
	if data == nil {
		data = readMonitoringConfig(t)
		out, err = runMonitoringPromtool(bin, monitoringDir, "check", "config", monitoringConfig)
	} else {
		out, err = runMonitoringPromtool(bin, ".", "check", "config", writeCheckableConfig(t, data, false))
	}
	if err == nil {
		return
	}
	if !strings.Contains(out, "kubernetes_sd_configs not found") {
		t.Fatalf("%v\n%s", err, out)
	}
	t.Logf("this promtool has no Kubernetes service discovery; checking %s with static targets in its place", monitoringConfig)
	if out, err := runMonitoringPromtool(bin, ".", "check", "config", writeCheckableConfig(t, data, true)); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
}

// writeCheckableConfig writes a copy of a Prometheus config whose rule_files
// are absolute, with each kubernetes_sd_configs swapped for a static target
// if staticForKubernetes, and returns its path.
func writeCheckableConfig(t *testing.T, data []byte, staticForKubernetes bool) string {
	t.Helper()
	var cfg map[string]any
	if err := yaml.Unmarshal(data, &cfg); err != nil {
		t.Fatalf("%s: %v", monitoringConfig, err)
	}
	abs, err := filepath.Abs(monitoringDir)
	if err != nil {
		t.Fatal(err)
	}
	files, _ := cfg["rule_files"].([]any)
	for i, f := range files {
		if s, ok := f.(string); ok && !filepath.IsAbs(s) {
			files[i] = filepath.Join(abs, s)
		}
	}
	if staticForKubernetes {
		jobs, _ := cfg["scrape_configs"].([]any)
		replaced := 0
		for _, j := range jobs {
			job, ok := j.(map[string]any)
			if !ok {
				continue
			}
			if _, ok := job["kubernetes_sd_configs"]; ok {
				delete(job, "kubernetes_sd_configs")
				job["static_configs"] = []any{map[string]any{"targets": []any{"kubernetes-sd.invalid:9090"}}}
				replaced++
			}
		}
		if replaced == 0 {
			t.Fatalf("promtool rejected kubernetes_sd_configs, but %s has none", monitoringConfig)
		}
	}
	out, err := yaml.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "prometheus.yml")
	if err := os.WriteFile(path, out, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// commentedJobStart matches the first line of a commented-out scrape job,
// "# - job_name: NAME" indented as the active jobs are.
var commentedJobStart = regexp.MustCompile(`^( *)# - job_name:\s*"?([A-Za-z0-9_.-]+)"?\s*$`)

// enableCommentedScrapeJobs returns a Prometheus config's text with its
// commented-out scrape jobs enabled, and their names. Such a job starts
// with a line "# - job_name: NAME" at the indentation of the active jobs'
// "- "; each of its further lines is "# " and then at least two more spaces
// at that indentation. Removing "# " from these lines enables the job.
func enableCommentedScrapeJobs(data []byte) ([]byte, []string, error) {
	lines := strings.Split(string(data), "\n")
	var names []string
	for i := 0; i < len(lines); i++ {
		m := commentedJobStart.FindStringSubmatch(lines[i])
		if m == nil {
			continue
		}
		prefix := m[1] + "# "
		names = append(names, m[2])
		lines[i] = m[1] + strings.TrimPrefix(lines[i], prefix)
		for i+1 < len(lines) && strings.HasPrefix(lines[i+1], prefix+"  ") {
			i++
			lines[i] = m[1] + strings.TrimPrefix(lines[i], prefix)
		}
	}
	out := []byte(strings.Join(lines, "\n"))
	var cfg struct {
		ScrapeConfigs []monitoringScrapeJob `yaml:"scrape_configs"`
	}
	if err := yaml.Unmarshal(out, &cfg); err != nil {
		return nil, nil, fmt.Errorf("with the commented-out scrape jobs %v enabled: %w", names, err)
	}
	for _, n := range names {
		if !slices.ContainsFunc(cfg.ScrapeConfigs, func(j monitoringScrapeJob) bool { return j.JobName == n }) {
			return nil, nil, fmt.Errorf("the commented-out scrape job %s is no scrape job once enabled", n)
		}
	}
	return out, names, nil
}

// substituteGrafanaVars replaces a dashboard query's Grafana variables with
// values that make it plain PromQL: intervals become 5m, the others .*.
func substituteGrafanaVars(expr string) string {
	re := regexp.MustCompile(`\$\{([A-Za-z0-9_]+)(?::[^}]*)?\}|\$([A-Za-z0-9_]+)`)
	return re.ReplaceAllStringFunc(expr, func(v string) string {
		name := strings.Trim(v, "${}")
		name, _, _ = strings.Cut(name, ":")
		switch name {
		case "__rate_interval", "__interval", "__range":
			return "5m"
		}
		return ".*"
	})
}

// ---- the Kubernetes scrape job ----------------------------------------------

// monitoringScrapeJob is the part of a scrape config that the tests read.
type monitoringScrapeJob struct {
	JobName             string `yaml:"job_name"`
	KubernetesSDConfigs []struct {
		Role string `yaml:"role"`
	} `yaml:"kubernetes_sd_configs"`
	StaticConfigs []struct {
		Targets []string `yaml:"targets"`
	} `yaml:"static_configs"`
	RelabelConfigs []relabelConfig `yaml:"relabel_configs"`
}

// relabelConfig is one relabel_configs entry.
type relabelConfig struct {
	SourceLabels []string `yaml:"source_labels"`
	Separator    *string  `yaml:"separator"`
	Regex        *string  `yaml:"regex"`
	TargetLabel  string   `yaml:"target_label"`
	Replacement  *string  `yaml:"replacement"`
	Action       string   `yaml:"action"`
}

// loadMonitoringScrapeJobs reads the Prometheus config's scrape jobs and rule files.
func loadMonitoringScrapeJobs(t *testing.T) ([]monitoringScrapeJob, []string) {
	t.Helper()
	return parseMonitoringScrapeJobs(t, readMonitoringConfig(t))
}

// parseMonitoringScrapeJobs reads the scrape jobs and rule files of a
// Prometheus config's text.
func parseMonitoringScrapeJobs(t *testing.T, data []byte) ([]monitoringScrapeJob, []string) {
	t.Helper()
	var cfg struct {
		RuleFiles     []string              `yaml:"rule_files"`
		ScrapeConfigs []monitoringScrapeJob `yaml:"scrape_configs"`
	}
	if err := yaml.Unmarshal(data, &cfg); err != nil {
		t.Fatalf("%s: %v", monitoringConfig, err)
	}
	return cfg.ScrapeConfigs, cfg.RuleFiles
}

// simulateRelabel applies relabel configs to a discovered target's labels the way
// Prometheus does for the actions replace, keep and drop. It returns the
// target's labels, without the double-underscore ones and with instance
// defaulting to __address__, or false when the target is dropped.
func simulateRelabel(job string, discovered map[string]string, rcs []relabelConfig) (map[string]string, bool, error) {
	ls := map[string]string{"job": job}
	for k, v := range discovered {
		ls[k] = v
	}
	for i, rc := range rcs {
		sep, rx, repl := ";", "(.*)", "$1"
		if rc.Separator != nil {
			sep = *rc.Separator
		}
		if rc.Regex != nil {
			rx = *rc.Regex
		}
		if rc.Replacement != nil {
			repl = *rc.Replacement
		}
		re, err := regexp.Compile("^(?s:" + rx + ")$")
		if err != nil {
			return nil, false, fmt.Errorf("relabel_configs[%d]: %w", i, err)
		}
		vals := make([]string, len(rc.SourceLabels))
		for j, s := range rc.SourceLabels {
			vals[j] = ls[s]
		}
		val := strings.Join(vals, sep)
		switch rc.Action {
		case "keep":
			if !re.MatchString(val) {
				return nil, false, nil
			}
		case "drop":
			if re.MatchString(val) {
				return nil, false, nil
			}
		case "", "replace":
			idx := re.FindStringSubmatchIndex(val)
			if idx == nil {
				continue
			}
			target := string(re.ExpandString(nil, rc.TargetLabel, val, idx))
			res := string(re.ExpandString(nil, repl, val, idx))
			if res == "" {
				delete(ls, target)
			} else {
				ls[target] = res
			}
		default:
			return nil, false, fmt.Errorf("relabel_configs[%d]: action %q is not simulated by this test", i, rc.Action)
		}
	}
	if _, ok := ls["instance"]; !ok {
		ls["instance"] = ls["__address__"]
	}
	for k := range ls {
		if strings.HasPrefix(k, "__") {
			delete(ls, k)
		}
	}
	return ls, true, nil
}

// TestMonitoringKubernetesRelabel runs the Kubernetes scrape job's
// relabelling on endpoints as Kubernetes service discovery reports them:
// only the modelcard pods' metrics port is kept, ready or not, labelled
// with namespace, pod and node.
func TestMonitoringKubernetesRelabel(t *testing.T) {
	jobs, _ := loadMonitoringScrapeJobs(t)
	var k8s *monitoringScrapeJob
	for i := range jobs {
		if len(jobs[i].KubernetesSDConfigs) > 0 {
			if k8s != nil {
				t.Fatalf("%s: more than one Kubernetes job", monitoringConfig)
			}
			k8s = &jobs[i]
		}
	}
	if k8s == nil {
		t.Fatalf("%s: no job with kubernetes_sd_configs", monitoringConfig)
	}
	for _, sd := range k8s.KubernetesSDConfigs {
		if sd.Role != "endpoints" {
			t.Fatalf("%s: job %s: role %q; these cases are endpoints", monitoringConfig, k8s.JobName, sd.Role)
		}
	}
	endpoint := func(app, port, ready string) map[string]string {
		m := map[string]string{
			"__address__":                          "10.1.2.3:9090",
			"__meta_kubernetes_namespace":          "ml",
			"__meta_kubernetes_service_name":       "modelcard",
			"__meta_kubernetes_endpoint_ready":     ready,
			"__meta_kubernetes_pod_name":           "modelcard-7d9f-abcde",
			"__meta_kubernetes_pod_node_name":      "node-1",
			"__meta_kubernetes_endpoint_port_name": port,
		}
		if app != "" {
			m["__meta_kubernetes_pod_label_app_kubernetes_io_name"] = app
			m["__meta_kubernetes_pod_labelpresent_app_kubernetes_io_name"] = "true"
		}
		return m
	}
	kept := map[string]string{
		"job": k8s.JobName, "instance": "10.1.2.3:9090", "namespace": "ml",
		"pod": "modelcard-7d9f-abcde", "node": "node-1", "service": "modelcard",
	}
	withVersion := endpoint("modelcard", "metrics", "true")
	withVersion["__meta_kubernetes_pod_label_app_kubernetes_io_version"] = "1.2.0"
	keptVersion := map[string]string{"version": "1.2.0"}
	for k, v := range kept {
		keptVersion[k] = v
	}
	tests := []struct {
		name       string
		discovered map[string]string
		want       map[string]string // nil: dropped
	}{
		{"metrics port of a ready pod", endpoint("modelcard", "metrics", "true"), kept},
		{"metrics port of a pod that is not ready (degraded)", endpoint("modelcard", "metrics", "false"), kept},
		{"version label", withVersion, keptVersion},
		{"API port", endpoint("modelcard", "http", "true"), nil},
		{"another application", endpoint("other", "metrics", "true"), nil},
		{"an endpoint without a pod", endpoint("", "metrics", "true"), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok, err := simulateRelabel(k8s.JobName, tt.discovered, k8s.RelabelConfigs)
			if err != nil {
				t.Fatal(err)
			}
			switch {
			case tt.want == nil && ok:
				t.Errorf("kept %v, want it dropped", got)
			case tt.want != nil && !ok:
				t.Errorf("dropped, want %v", tt.want)
			case tt.want != nil && !maps.Equal(got, tt.want):
				t.Errorf("labels %v, want %v", got, tt.want)
			}
		})
	}
}

// TestMonitoringRelabelSimulation checks the relabelling simulation that
// TestMonitoringKubernetesRelabel relies on.
func TestMonitoringRelabelSimulation(t *testing.T) {
	str := func(s string) *string { return &s }
	tests := []struct {
		name string
		rcs  []relabelConfig
		in   map[string]string
		want map[string]string // nil: dropped
	}{
		{"no configs", nil, map[string]string{"__address__": "h:1", "__meta_x": "y"}, map[string]string{"job": "j", "instance": "h:1"}},
		{"keep matches whole value", []relabelConfig{{SourceLabels: []string{"a"}, Regex: str("mod"), Action: "keep"}},
			map[string]string{"__address__": "h:1", "a": "modelcard"}, nil},
		{"keep", []relabelConfig{{SourceLabels: []string{"a"}, Regex: str("model.*"), Action: "keep"}},
			map[string]string{"__address__": "h:1", "a": "modelcard"}, map[string]string{"job": "j", "instance": "h:1", "a": "modelcard"}},
		{"drop", []relabelConfig{{SourceLabels: []string{"a"}, Regex: str("x"), Action: "drop"}},
			map[string]string{"__address__": "h:1", "a": "x"}, nil},
		{"replace with defaults", []relabelConfig{{SourceLabels: []string{"__meta_ns"}, TargetLabel: "namespace"}},
			map[string]string{"__address__": "h:1", "__meta_ns": "ml"}, map[string]string{"job": "j", "instance": "h:1", "namespace": "ml"}},
		{"replace joins sources and expands", []relabelConfig{{SourceLabels: []string{"a", "b"}, Regex: str("(.*);(.*)"), Replacement: str("$2-$1"), TargetLabel: "c"}},
			map[string]string{"__address__": "h:1", "a": "x", "b": "y"}, map[string]string{"job": "j", "instance": "h:1", "a": "x", "b": "y", "c": "y-x"}},
		{"replace without a match leaves the label", []relabelConfig{{SourceLabels: []string{"a"}, Regex: str("(.+)"), TargetLabel: "v"}},
			map[string]string{"__address__": "h:1"}, map[string]string{"job": "j", "instance": "h:1"}},
		{"empty replacement deletes", []relabelConfig{{SourceLabels: []string{"a"}, TargetLabel: "instance"}},
			map[string]string{"__address__": "h:1", "instance": "i"}, map[string]string{"job": "j", "instance": "h:1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok, err := simulateRelabel("j", tt.in, tt.rcs)
			if err != nil {
				t.Fatal(err)
			}
			if (tt.want != nil) != ok || (ok && !maps.Equal(got, tt.want)) {
				t.Errorf("got %v (kept %v), want %v", got, ok, tt.want)
			}
		})
	}
	if _, _, err := simulateRelabel("j", nil, []relabelConfig{{Action: "hashmod"}}); err == nil {
		t.Error("an action the simulation does not know was accepted")
	}
}

// TestMonitoringConfigConsistency checks that the rule files of the
// Prometheus config exist, that it ships with the Kubernetes job on and the
// single-host job commented out, that no active job scrapes Prometheus's
// own port, and that the rules' job matchers agree with the scrape jobs.
func TestMonitoringConfigConsistency(t *testing.T) {
	data := readMonitoringConfig(t)
	active, ruleFiles := parseMonitoringScrapeJobs(t, data)
	if !slices.Contains(ruleFiles, monitoringRules) {
		t.Errorf("%s: rule_files %v lack %s", monitoringConfig, ruleFiles, monitoringRules)
	}
	for _, f := range ruleFiles {
		if _, err := os.Stat(monitoringPath(f)); err != nil {
			t.Errorf("%s: rule file: %v", monitoringConfig, err)
		}
	}
	enabled, disabled, err := enableCommentedScrapeJobs(data)
	if err != nil {
		t.Fatalf("%s: %v", monitoringConfig, err)
	}
	all, _ := parseMonitoringScrapeJobs(t, enabled)
	var activeNames []string
	for _, j := range active {
		activeNames = append(activeNames, j.JobName)
		if len(j.StaticConfigs) > 0 {
			t.Errorf("%s: job %s has static targets; the single-host job must be commented out as shipped, since localhost is Prometheus's own pod on Kubernetes", monitoringConfig, j.JobName)
		}
		if len(j.KubernetesSDConfigs) == 0 && len(j.StaticConfigs) == 0 {
			t.Errorf("%s: job %s has no targets", monitoringConfig, j.JobName)
		}
	}
	if len(activeNames) == 0 {
		t.Fatalf("%s: no active scrape job", monitoringConfig)
	}
	hostJob := slices.ContainsFunc(all, func(j monitoringScrapeJob) bool {
		return slices.Contains(disabled, j.JobName) && len(j.StaticConfigs) > 0
	})
	if !hostJob {
		t.Errorf("%s: no commented-out single-host job with static targets (found %v)", monitoringConfig, disabled)
	}
	for _, s := range prometheusPortTargets(all) {
		if !slices.Contains(activeNames, strings.SplitN(s, ": ", 2)[0]) {
			continue // documented for a Prometheus moved off 9090
		}
		t.Errorf("%s: %s is Prometheus's own default port; the job would scrape Prometheus", monitoringConfig, s)
	}
	rf := loadMonitoringRules(t)
	exprs, recorded := monitoringRuleExprs(rf)
	problems, matchers, err := jobMatcherProblems(exprs, recorded, activeNames, disabled)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Error(p)
	}
	if matchers == 0 {
		t.Errorf("%s: no job matchers; the rules would read other applications' metrics", monitoringRules)
	}
}

// prometheusPortTargets returns "job: target" for each static target of
// jobs on this host's port 9090, which is Prometheus's own by default.
func prometheusPortTargets(jobs []monitoringScrapeJob) []string {
	var out []string
	for _, j := range jobs {
		for _, sc := range j.StaticConfigs {
			for _, tg := range sc.Targets {
				host, port, err := net.SplitHostPort(tg)
				if err != nil || port != "9090" {
					continue
				}
				switch host {
				case "localhost", "127.0.0.1", "::1", "0.0.0.0", "":
					out = append(out, j.JobName+": "+tg)
				}
			}
		}
	}
	return out
}

// TestMonitoringPrometheusPortTargets checks prometheusPortTargets.
func TestMonitoringPrometheusPortTargets(t *testing.T) {
	job := func(name string, targets ...string) monitoringScrapeJob {
		j := monitoringScrapeJob{JobName: name}
		j.StaticConfigs = append(j.StaticConfigs, struct {
			Targets []string `yaml:"targets"`
		}{targets})
		return j
	}
	tests := []struct {
		name string
		jobs []monitoringScrapeJob
		want []string
	}{
		{"localhost", []monitoringScrapeJob{job("h", "localhost:9090")}, []string{"h: localhost:9090"}},
		{"loopback addresses", []monitoringScrapeJob{job("h", "127.0.0.1:9090", "[::1]:9090")}, []string{"h: 127.0.0.1:9090", "h: [::1]:9090"}},
		{"another port", []monitoringScrapeJob{job("h", "localhost:9100")}, nil},
		{"another host", []monitoringScrapeJob{job("h", "modelcard.internal:9090")}, nil},
		{"no port", []monitoringScrapeJob{job("h", "localhost")}, nil},
		{"no static targets", []monitoringScrapeJob{{JobName: "k"}}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := prometheusPortTargets(tt.jobs); !slices.Equal(got, tt.want) {
				t.Errorf("prometheusPortTargets = %q, want %q", got, tt.want)
			}
		})
	}
}

// absentCalls splits a PromQL expression into the arguments of its
// absent() and absent_over_time() calls and the rest, with each call
// blanked out.
func absentCalls(expr string) (args []string, rest string, err error) {
	b := []byte(expr)
	for i := 0; i < len(expr); {
		c := expr[i]
		switch {
		case c == '"' || c == '\'' || c == '`':
			_, end, err := promqlString(expr, i)
			if err != nil {
				return nil, "", err
			}
			i = end
		case promqlIdentStart(c):
			j := i
			for j < len(expr) && promqlIdentChar(expr[j]) {
				j++
			}
			word := expr[i:j]
			k := j
			for k < len(expr) && promqlSpace(expr[k]) {
				k++
			}
			if (word != "absent" && word != "absent_over_time") || k == len(expr) || expr[k] != '(' {
				i = j
				continue
			}
			end, err := promqlCloseParen(expr, k)
			if err != nil {
				return nil, "", err
			}
			args = append(args, expr[k+1:end])
			for n := i; n <= end; n++ {
				b[n] = ' '
			}
			i = end + 1
		default:
			i++
		}
	}
	return args, string(b), nil
}

// promqlCloseParen returns the index of the ")" that closes the "(" at
// expr[open], skipping string literals.
func promqlCloseParen(expr string, open int) (int, error) {
	depth := 0
	for i := open; i < len(expr); {
		switch c := expr[i]; c {
		case '"', '\'', '`':
			_, end, err := promqlString(expr, i)
			if err != nil {
				return 0, err
			}
			i = end
			continue
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				return i, nil
			}
		}
		i++
	}
	return 0, fmt.Errorf("unclosed ( at byte %d of %q", open, expr)
}

// jobMatcherProblems checks the job matchers of rule expressions against
// the scrape jobs, active (on as shipped) and disabled (commented out as
// shipped). A job matcher must be = or =~. Outside absent() it must select
// every job, active or disabled, so that enabling a job needs no change to
// the rules. In absent() it must select an active job and no disabled one:
// a disabled job's target, enabled where it should not be (a single-host
// job scraping Prometheus's own :9090), would otherwise hide the absence.
// Selectors of metrics that are neither the daemon's own (modelcard_) nor
// recording rules must carry a job matcher, or they read other
// applications' series. It returns the problems and the number of job
// matchers.
func jobMatcherProblems(exprs []exprSource, recorded map[string]bool, active, disabled []string) ([]string, int, error) {
	var problems []string
	matchers := 0
	check := func(where, expr string, inAbsent bool) error {
		sels, err := promqlSelectors(expr)
		if err != nil {
			return fmt.Errorf("%s: %w", where, err)
		}
		for _, s := range sels {
			hasJob := false
			for _, m := range s.matchers {
				if m.label != "job" {
					continue
				}
				hasJob = true
				matchers++
				rx := regexp.QuoteMeta(m.value)
				switch m.op {
				case "=~":
					rx = m.value
				case "=":
				default:
					problems = append(problems, fmt.Sprintf("%s: job%s%q selects other applications' jobs; use = or =~", where, m.op, m.value))
					continue
				}
				re, err := regexp.Compile("^(?:" + rx + ")$")
				if err != nil {
					problems = append(problems, fmt.Sprintf("%s: job matcher %q: %v", where, m.value, err))
					continue
				}
				switch {
				case inAbsent:
					if !slices.ContainsFunc(active, re.MatchString) {
						problems = append(problems, fmt.Sprintf("%s: absent() job matcher %q selects no active scrape job of %v, so it fires for ever", where, m.value, active))
					}
					for _, j := range disabled {
						if re.MatchString(j) {
							problems = append(problems, fmt.Sprintf("%s: absent() job matcher %q selects the disabled scrape job %q, whose targets could hide the absence", where, m.value, j))
						}
					}
				default:
					for _, j := range slices.Concat(active, disabled) {
						if !re.MatchString(j) {
							problems = append(problems, fmt.Sprintf("%s: job matcher %q does not select scrape job %q", where, m.value, j))
						}
					}
				}
			}
			if !hasJob && !strings.HasPrefix(s.name, "modelcard_") && !recorded[s.name] {
				problems = append(problems, fmt.Sprintf("%s: %s has no job matcher and reads every application's series", where, cmp.Or(s.name, "a selector")))
			}
		}
		return nil
	}
	for _, e := range exprs {
		args, rest, err := absentCalls(e.expr)
		if err != nil {
			return nil, 0, fmt.Errorf("%s: %w", e.where, err)
		}
		for _, a := range args {
			if err := check(e.where, a, true); err != nil {
				return nil, 0, err
			}
		}
		if err := check(e.where, rest, false); err != nil {
			return nil, 0, err
		}
	}
	return problems, matchers, nil
}

// TestMonitoringJobMatcherProblems checks jobMatcherProblems and absentCalls.
func TestMonitoringJobMatcherProblems(t *testing.T) {
	active, disabled := []string{"modelcard"}, []string{"modelcard-host"}
	recorded := map[string]bool{"job:http_requests:rate5m": true}
	tests := []struct {
		name     string
		expr     string
		problems int
		matchers int
	}{
		{"every job", `up{job=~"modelcard|modelcard-host"} == 0`, 0, 1},
		{"absent of the active job", `absent(up{job="modelcard"})`, 0, 1},
		{"absent with spaces and a string holding a paren", `absent (up{job="modelcard", x=~"(a"})`, 0, 1},
		{"absent_over_time", `absent_over_time(up{job="modelcard"}[5m])`, 0, 1},
		{"recording rule without job matcher", `job:http_requests:rate5m > 1`, 0, 0},
		{"own metric without job matcher", `modelcard_backend_info{device="gpu"}`, 0, 0},
		{"misses the disabled job", `up{job="modelcard"} == 0`, 1, 1},
		{"misses every job", `rate(http_requests_total{job="other"}[5m])`, 2, 1},
		{"absent of both jobs", `absent(up{job=~"modelcard|modelcard-host"})`, 1, 1},
		{"absent of the disabled job only", `absent(up{job="modelcard-host"})`, 2, 1},
		{"absent of an unknown job", `absent(up{job="other"})`, 1, 1},
		{"negative matcher", `up{job!="x"}`, 1, 1},
		{"generic metric without job matcher", `changes(process_start_time_seconds[30m]) > 1`, 1, 0},
		{"second selector without job matcher", `up{job=~"modelcard|modelcard-host"} and on (instance) up`, 1, 1},
		{"absent without job matcher", `absent(up)`, 1, 0},
		{"bad regex", `up{job=~"("}`, 1, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			problems, matchers, err := jobMatcherProblems([]exprSource{{where: "x", expr: tt.expr}}, recorded, active, disabled)
			if err != nil {
				t.Fatal(err)
			}
			if len(problems) != tt.problems || matchers != tt.matchers {
				t.Errorf("%d problems %q and %d job matchers, want %d and %d", len(problems), problems, matchers, tt.problems, tt.matchers)
			}
		})
	}
	if _, _, err := jobMatcherProblems([]exprSource{{where: "x", expr: `absent(up{job="modelcard"}`}}, recorded, active, disabled); err == nil {
		t.Error("an unclosed absent( was accepted")
	}
}

// TestMonitoringEnableCommentedScrapeJobs checks enableCommentedScrapeJobs.
func TestMonitoringEnableCommentedScrapeJobs(t *testing.T) {
	const head = "scrape_configs:\n  - job_name: a\n    static_configs:\n      - targets: [\"a:1\"]\n"
	tests := []struct {
		name    string
		in      string
		want    []string // nil: no job enabled
		wantErr bool
	}{
		{"none", head, nil, false},
		{"one", head + "  # Prose about b.\n  # - job_name: b\n  #   static_configs:\n  #     - targets: [\"b:1\"]\n", []string{"b"}, false},
		{"ends at the first other line", head + "  # - job_name: b\n  #   static_configs:\n  #     - targets: [\"b:1\"]\n  # Prose.\n  #   not: yaml: here\n", []string{"b"}, false},
		{"two", head + "  # - job_name: b\n  #   static_configs:\n  #     - targets: [\"b:1\"]\n  # - job_name: c\n  #   static_configs:\n  #     - targets: [\"c:1\"]\n", []string{"b", "c"}, false},
		{"other indentation", head + "# - job_name: b\n#   static_configs:\n#     - targets: [\"b:1\"]\n", nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, names, err := enableCommentedScrapeJobs([]byte(tt.in))
			if tt.wantErr {
				if err == nil {
					t.Fatalf("enabled %v, want an error", names)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(names, tt.want) {
				t.Errorf("names %v, want %v", names, tt.want)
			}
			jobs, _ := parseMonitoringScrapeJobs(t, out)
			var got []string
			for _, j := range jobs[1:] {
				got = append(got, j.JobName)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("jobs after the first %v, want %v", got, tt.want)
			}
		})
	}
}

// ---- alerts and their tests -------------------------------------------------

// TestMonitoringAlerts checks that the alerts the deployment relies on
// exist, carry a severity and the annotations, that the dashboard panels
// their runbooks name exist, and that each has a unit test where it fires
// and one where it does not.
func TestMonitoringAlerts(t *testing.T) {
	want := []string{
		"ModelcardDown", "ModelcardAbsent", "HighErrorRate", "ThroughputBelowTarget", "CacheHitRatioDegraded",
		"PodsRestarting", "GPUMemoryPressure", "BackendDegraded", "GPUMetricsUnavailable",
		"HighLatency", "QueueSaturation",
	}
	fires, quiet := alertTestCoverage(t)
	titles := map[string]bool{}
	for _, dt := range monitoringDashboardTargets(loadMonitoringDashboard(t)) {
		titles[dt.panel] = true
	}
	panelRef := regexp.MustCompile(`dashboard panel ([^).,;]+)`)
	var alerts []string
	for _, g := range loadMonitoringRules(t).Groups {
		for _, r := range g.Rules {
			if r.Alert == "" {
				continue
			}
			alerts = append(alerts, r.Alert)
			switch r.Labels["severity"] {
			case "critical", "warning", "info":
			default:
				t.Errorf("%s: severity %q, want critical, warning or info", r.Alert, r.Labels["severity"])
			}
			for _, a := range []string{"summary", "description", "runbook"} {
				if strings.TrimSpace(r.Annotations[a]) == "" {
					t.Errorf("%s: no %s annotation", r.Alert, a)
				}
			}
			for _, m := range panelRef.FindAllStringSubmatch(r.Annotations["runbook"], -1) {
				if !titles[m[1]] {
					t.Errorf("%s: the runbook names the dashboard panel %q, which the dashboard lacks", r.Alert, m[1])
				}
			}
			if !fires[r.Alert] {
				t.Errorf("%s: no unit test in %s where it fires", r.Alert, monitoringTests)
			}
			if !quiet[r.Alert] {
				t.Errorf("%s: no unit test in %s where it does not fire", r.Alert, monitoringTests)
			}
		}
	}
	for _, w := range want {
		if !slices.Contains(alerts, w) {
			t.Errorf("%s: no alert %s", monitoringRules, w)
		}
	}
}

// alertTestCoverage reads the rule unit tests and returns the alerts that
// some test expects to fire and those that some test expects quiet.
func alertTestCoverage(t *testing.T) (fires, quiet map[string]bool) {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(monitoringDir, monitoringTests, "*.yml"))
	if err != nil {
		t.Fatal(err)
	}
	fires, quiet = map[string]bool{}, map[string]bool{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var tf struct {
			Tests []struct {
				AlertRuleTest []struct {
					Alertname string           `yaml:"alertname"`
					ExpAlerts []map[string]any `yaml:"exp_alerts"`
				} `yaml:"alert_rule_test"`
			} `yaml:"tests"`
		}
		if err := yaml.Unmarshal(data, &tf); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for _, tg := range tf.Tests {
			for _, at := range tg.AlertRuleTest {
				if len(at.ExpAlerts) > 0 {
					fires[at.Alertname] = true
				} else {
					quiet[at.Alertname] = true
				}
			}
		}
	}
	return fires, quiet
}

// ---- the dashboard ----------------------------------------------------------

// TestMonitoringDashboard checks the dashboard's shape: its data source is
// a template variable, it has job, namespace and instance variables, and
// its panels have unique ids and queries. TestMonitoringDashboardScope
// checks that the queries filter on these variables.
func TestMonitoringDashboard(t *testing.T) {
	d := loadMonitoringDashboard(t)
	if v, _ := d["schemaVersion"].(float64); v < 36 {
		t.Errorf("schemaVersion %v, want at least 36", d["schemaVersion"])
	}
	vars := map[string]string{}
	templating, _ := d["templating"].(map[string]any)
	list, _ := templating["list"].([]any)
	for _, v := range list {
		if m, ok := v.(map[string]any); ok {
			name, _ := m["name"].(string)
			typ, _ := m["type"].(string)
			vars[name] = typ
		}
	}
	for name, typ := range map[string]string{"datasource": "datasource", "job": "query", "namespace": "query", "instance": "query"} {
		if vars[name] != typ {
			t.Errorf("template variable %s: type %q, want %q", name, vars[name], typ)
		}
	}
	ids := map[float64]bool{}
	var walk func(panels any)
	walk = func(panels any) {
		l, _ := panels.([]any)
		for _, p := range l {
			panel, _ := p.(map[string]any)
			id, _ := panel["id"].(float64)
			if ids[id] {
				t.Errorf("panel %q: id %v is used twice", panel["title"], id)
			}
			ids[id] = true
			walk(panel["panels"])
		}
	}
	walk(d["panels"])
	targets := monitoringDashboardTargets(d)
	if len(targets) < 20 {
		t.Errorf("%d queries, want the dashboard's panels to have at least 20", len(targets))
	}
	for _, dt := range targets {
		ds, _ := dt.target["datasource"].(map[string]any)
		if ds["uid"] != "${datasource}" {
			t.Errorf("panel %q: data source %v, want uid ${datasource}", dt.panel, ds)
		}
	}
}

// monitoringDashboardFilters are the dashboard's template variables that
// every selector must filter on, by label.
var monitoringDashboardFilters = []string{"job", "namespace", "instance"}

// labelValuesQuery matches a Grafana label_values(selector, label) query.
var labelValuesQuery = regexp.MustCompile(`^\s*label_values\(\s*(.*?)\s*,\s*([A-Za-z_][A-Za-z0-9_]*)\s*\)\s*$`)

// filtersOn reports whether a selector has the matcher label=~"$label" (or
// ${label}, ${label:format}) of the template variable named as its label.
func filtersOn(s promqlSelector, label string) bool {
	return slices.ContainsFunc(s.matchers, func(m promqlMatcher) bool {
		return m.label == label && m.op == "=~" &&
			(m.value == "$"+label || m.value == "${"+label+"}" || strings.HasPrefix(m.value, "${"+label+":"))
	})
}

// dashboardScopeProblems checks that a dashboard reads the daemon's series
// only. The job variable's values come from a metric of the daemon's own
// (modelcard_...) and it has no custom allValue, so that All means exactly
// those jobs rather than ".*"; the other variables' queries filter on job.
// Every selector of every panel query filters on job, namespace and
// instance (job=~"$job", ...): a selector of a generic metric name (up,
// http_requests_total, process_start_time_seconds) without the job filter
// reads every application's series.
func dashboardScopeProblems(d map[string]any) ([]string, error) {
	var problems []string
	templating, _ := d["templating"].(map[string]any)
	list, _ := templating["list"].([]any)
	jobVar := false
	for _, v := range list {
		m, _ := v.(map[string]any)
		name, _ := m["name"].(string)
		if typ, _ := m["type"].(string); typ != "query" {
			continue
		}
		jobVar = jobVar || name == "job"
		query, _ := m["query"].(string)
		if q, ok := m["query"].(map[string]any); ok {
			query, _ = q["query"].(string)
		}
		lv := labelValuesQuery.FindStringSubmatch(query)
		if lv == nil {
			problems = append(problems, fmt.Sprintf("variable %s: query %q is no label_values(selector, label)", name, query))
			continue
		}
		sels, err := promqlSelectors(lv[1])
		if err != nil {
			return nil, fmt.Errorf("variable %s: %w", name, err)
		}
		if len(sels) != 1 {
			problems = append(problems, fmt.Sprintf("variable %s: query %q reads %d selectors, want one", name, query, len(sels)))
			continue
		}
		own := strings.HasPrefix(sels[0].name, "modelcard_")
		if name == "job" {
			if !own {
				problems = append(problems, fmt.Sprintf("variable job: values from %q, want a metric of the daemon's own (modelcard_...), so that it lists no other application's jobs", lv[1]))
			}
			if all, _ := m["allValue"].(string); all != "" {
				problems = append(problems, fmt.Sprintf("variable job: allValue %q; without one, All means exactly the listed jobs, while .* selects every application", all))
			}
		} else if !own && !filtersOn(sels[0], "job") {
			problems = append(problems, fmt.Sprintf("variable %s: values from %q, neither a metric of the daemon's own nor filtered on job=~\"$job\"", name, lv[1]))
		}
	}
	if !jobVar {
		problems = append(problems, "no query variable job")
	}
	for _, e := range monitoringDashboardExprs(d) {
		sels, err := promqlSelectors(e.expr)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", e.where, err)
		}
		if len(sels) == 0 {
			problems = append(problems, fmt.Sprintf("%s: no selector in %q", e.where, e.expr))
		}
		for _, s := range sels {
			for _, label := range monitoringDashboardFilters {
				if filtersOn(s, label) {
					continue
				}
				if label == "job" && !strings.HasPrefix(s.name, "modelcard_") {
					problems = append(problems, fmt.Sprintf("%s: %s lacks job=~\"$job\" and reads every application's series", e.where, cmp.Or(s.name, "a selector")))
				} else {
					problems = append(problems, fmt.Sprintf("%s: %s lacks %s=~\"$%s\"", e.where, cmp.Or(s.name, "a selector"), label, label))
				}
			}
		}
	}
	return problems, nil
}

// TestMonitoringDashboardScope checks that the dashboard reads the daemon's
// series only (see dashboardScopeProblems).
func TestMonitoringDashboardScope(t *testing.T) {
	problems, err := dashboardScopeProblems(loadMonitoringDashboard(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Error(p)
	}
}

// TestMonitoringDashboardScopeProblems checks dashboardScopeProblems on
// small dashboards.
func TestMonitoringDashboardScopeProblems(t *testing.T) {
	const filters = `job=~"$job", namespace=~"$namespace", instance=~"$instance"`
	variable := func(name, query string, allValue any) map[string]any {
		v := map[string]any{"type": "query", "name": name, "query": map[string]any{"query": query, "refId": name}}
		if allValue != nil {
			v["allValue"] = allValue
		}
		return v
	}
	goodVars := []any{
		map[string]any{"type": "datasource", "name": "datasource"},
		variable("job", "label_values(modelcard_backend_info, job)", nil),
		variable("namespace", `label_values(modelcard_backend_info{job=~"$job"}, namespace)`, ".*"),
		variable("instance", `label_values(up{job=~"$job", namespace=~"$namespace"}, instance)`, ".*"),
	}
	withVar := func(i int, v map[string]any) []any {
		vars := slices.Clone(goodVars)
		vars[i] = v
		return vars
	}
	panel := func(exprs ...string) map[string]any {
		var targets []any
		for i, e := range exprs {
			targets = append(targets, map[string]any{"refId": string(rune('A' + i)), "expr": e})
		}
		return map[string]any{"title": "p", "targets": targets}
	}
	dash := func(vars []any, panels ...any) map[string]any {
		return map[string]any{"templating": map[string]any{"list": vars}, "panels": panels}
	}
	tests := []struct {
		name string
		d    map[string]any
		want int // problems
	}{
		{"scoped", dash(goodVars,
			panel(`sum(up{`+filters+`})`, `rate(http_requests_total{`+filters+`, code=~"5.."}[$__rate_interval])`),
			panel(`modelcard_queue_depth{`+filters+`} / (modelcard_queue_capacity{`+filters+`} > 0)`),
			panel(`changes(process_start_time_seconds{job=~"${job}", namespace=~"${namespace:regex}", instance=~"$instance"}[1h])`)), 0},
		{"generic metric without job filter", dash(goodVars, panel(`sum(up{namespace=~"$namespace", instance=~"$instance"})`)), 1},
		{"generic metric without any filter", dash(goodVars, panel(`changes(process_start_time_seconds[1h])`)), 3},
		{"second selector without job filter", dash(goodVars,
			panel(`sum(rate(http_requests_total{`+filters+`}[5m])) / sum(rate(http_requests_total{namespace=~"$namespace", instance=~"$instance"}[5m]))`)), 1},
		{"job filter that is no regex", dash(goodVars, panel(`up{job="$job", namespace=~"$namespace", instance=~"$instance"}`)), 1},
		{"job filter on another variable", dash(goodVars, panel(`up{job=~"$namespace", namespace=~"$namespace", instance=~"$instance"}`)), 1},
		{"own metric without instance filter", dash(goodVars, panel(`modelcard_queue_depth{job=~"$job", namespace=~"$namespace"}`)), 1},
		{"in a collapsed row", dash(goodVars, map[string]any{"title": "row", "panels": []any{panel(`up`)}}), 3},
		{"no selector", dash(goodVars, panel(`vector(1)`)), 1},
		{"job allValue .*", dash(withVar(1, variable("job", "label_values(modelcard_backend_info, job)", ".*"))), 1},
		{"job from a generic metric", dash(withVar(1, variable("job", "label_values(up, job)", nil))), 1},
		{"job from a filtered generic metric", dash(withVar(1, variable("job", `label_values(up{job=~"modelcard.*"}, job)`, nil))), 1},
		{"namespace from a generic metric without job filter", dash(withVar(2, variable("namespace", "label_values(up, namespace)", ".*"))), 1},
		{"job variable that is no label_values", dash(withVar(1, variable("job", "query_result(up)", nil))), 1},
		{"no job variable", dash(goodVars[:1]), 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := dashboardScopeProblems(tt.d)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != tt.want {
				t.Errorf("%d problems %q, want %d", len(got), got, tt.want)
			}
		})
	}
}

// ---- metric names -----------------------------------------------------------

// exportedMetricNames returns the name and type (counter, gauge, histogram,
// summary, untyped) of every metric the daemon's registry exports, with a
// GPU and a device memory pool so that their metrics are there. Labelled
// metrics that have no sample yet come from the registry's descriptors,
// which carry no type: theirs is "".
func exportedMetricNames(t *testing.T) map[string]string {
	t.Helper()
	m, err := NewMetrics(MetricsConfig{
		Backend: "cuda",
		Device:  "gpu",
		GPU: fakeGPU{devs: []DeviceStats{{
			Index: 0, UUID: "GPU-0", Name: "Test GPU", Utilization: 0.5,
			MemoryUsed: 1 << 30, MemoryTotal: 8 << 30, TemperatureC: 50, PowerW: 100,
		}}},
		Pool: fakePool{stats: []PoolStats{{Device: "0", InUseBytes: 1, FreeBytes: 1, Allocations: 2, Hits: 1, Misses: 1}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]string{}
	fams, err := m.Registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fams {
		names[f.GetName()] = strings.ToLower(f.GetType().String())
	}
	ch := make(chan *prometheus.Desc)
	go func() {
		m.Registry.Describe(ch)
		close(ch)
	}()
	var bad []string
	for d := range ch {
		name, err := descName(d)
		if err != nil {
			bad = append(bad, err.Error())
			continue
		}
		if _, ok := names[name]; !ok {
			names[name] = ""
		}
	}
	if len(bad) > 0 {
		t.Fatalf("unreadable descriptors: %s", strings.Join(bad, "; "))
	}
	return names
}

// descName returns a descriptor's metric name, which client_golang shows
// only in the descriptor's String.
func descName(d *prometheus.Desc) (string, error) {
	s := d.String()
	rest, ok := strings.CutPrefix(s, "Desc{fqName: ")
	if !ok {
		return "", fmt.Errorf("descriptor %s: no fqName", s)
	}
	q, err := strconv.QuotedPrefix(rest)
	if err != nil {
		return "", fmt.Errorf("descriptor %s: %w", s, err)
	}
	return strconv.Unquote(q)
}

// unknownMetrics returns, sorted, "where: name" for each metric that an
// expression reads and that is neither exported, nor a recording rule, nor
// Prometheus's own up. exported maps names to types, as
// exportedMetricNames returns them. A histogram's _bucket, _sum and _count
// series and a summary's _sum and _count series count as their metric; so
// they do for a metric of unknown type.
func unknownMetrics(exprs []exprSource, exported map[string]string, recorded map[string]bool) ([]string, error) {
	var out []string
	for _, e := range exprs {
		names, err := promqlNames(e.expr)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", e.where, err)
		}
		for _, n := range names {
			if n == "up" || recorded[n] || isSeriesOf(n, exported) {
				continue
			}
			out = append(out, fmt.Sprintf("%s: %s", e.where, n))
		}
	}
	sort.Strings(out)
	return out, nil
}

// isSeriesOf reports whether name is an exported metric or one of the
// series of an exported histogram or summary.
func isSeriesOf(name string, exported map[string]string) bool {
	if _, ok := exported[name]; ok {
		return true
	}
	base := seriesBase(name)
	if base == name {
		return false
	}
	typ, ok := exported[base]
	switch {
	case !ok:
		return false
	case typ == "" || typ == "histogram":
		return true
	case typ == "summary":
		return !strings.HasSuffix(name, "_bucket")
	}
	return false
}

// seriesBase strips a histogram's or summary's series suffix.
func seriesBase(name string) string {
	for _, s := range []string{"_bucket", "_sum", "_count"} {
		if b, ok := strings.CutSuffix(name, s); ok {
			return b
		}
	}
	return name
}

// TestMonitoringMetricNames checks that every metric that the rules and the
// dashboard read is one the daemon exports.
func TestMonitoringMetricNames(t *testing.T) {
	exported := exportedMetricNames(t)
	ruleSrc, recorded := monitoringRuleExprs(loadMonitoringRules(t))
	dashSrc := monitoringDashboardExprs(loadMonitoringDashboard(t))

	unknown, err := unknownMetrics(append(slices.Clone(ruleSrc), dashSrc...), exported, recorded)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range unknown {
		t.Errorf("%s is not a metric of the daemon (see daemon/metrics.go)", u)
	}

	// The extraction must have found what the alerts are built on, or the
	// check above proves nothing.
	used := metricNamesRead(t, ruleSrc, func(n string) string { return n })
	for _, n := range []string{
		"up", "http_requests_total", "http_request_duration_seconds_bucket",
		"modelcard_cards_generated_total", "modelcard_cards_audited_total",
		"modelcard_cache_hits_total", "modelcard_cache_misses_total", "process_start_time_seconds",
		"modelcard_gpu_memory_used_bytes", "modelcard_gpu_memory_total_bytes",
		"modelcard_backend_degraded", "modelcard_gpu_nvml_up", "modelcard_backend_info", "modelcard_queue_depth",
		"modelcard_queue_capacity",
	} {
		if !used[n] {
			t.Errorf("no rule reads %s", n)
		}
	}
	dashUsed := metricNamesRead(t, dashSrc, seriesBase)
	for _, n := range []string{
		"http_requests_total", "http_request_duration_seconds", "modelcard_cards_generated_total",
		"modelcard_batch_size", "modelcard_batch_duration_seconds", "modelcard_cache_hits_total",
		"modelcard_queue_depth", "modelcard_gpu_utilization_ratio", "modelcard_gpu_memory_used_bytes",
		"modelcard_device_pool_in_use_bytes", "modelcard_backend_info", "modelcard_backend_degraded",
		"modelcard_queue_capacity",
	} {
		if !dashUsed[n] {
			t.Errorf("no dashboard panel reads %s", n)
		}
	}
}

// metricNamesRead returns the metric names the expressions read, each
// passed through name.
func metricNamesRead(t *testing.T, exprs []exprSource, name func(string) string) map[string]bool {
	t.Helper()
	read := map[string]bool{}
	for _, e := range exprs {
		names, err := promqlNames(e.expr)
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range names {
			read[name(n)] = true
		}
	}
	return read
}

// TestMonitoringUnknownMetrics checks that unknownMetrics reports names
// the daemon does not export, against the daemon's real metrics.
func TestMonitoringUnknownMetrics(t *testing.T) {
	exported := exportedMetricNames(t)
	recorded := map[string]bool{"job:modelcard_cards:rate5m": true}
	tests := []struct {
		name string
		expr string
		want []string
	}{
		{"known counter", `rate(modelcard_cards_generated_total[5m])`, nil},
		{"vector without samples", `sum by (outcome) (modelcard_cards_audited_total)`, nil},
		{"histogram series", `histogram_quantile(0.9, rate(http_request_duration_seconds_bucket[5m])) + modelcard_batch_size_count`, nil},
		{"GPU and pool metrics", `modelcard_gpu_power_watts + on (instance) modelcard_device_pool_free_bytes`, nil},
		{"process collector", `changes(process_start_time_seconds[1h])`, nil},
		{"recording rule and up", `job:modelcard_cards:rate5m < 1 and on (job) up == 1`, nil},
		{"unknown counter", `rate(modelcard_cards_frobnicated_total[5m])`, []string{"x: modelcard_cards_frobnicated_total"}},
		{"the deployment guide's names", `neural_cache_hit_rate < 0.6 or rate(modelcard_generated_total[5m]) < 1`,
			[]string{"x: modelcard_generated_total", "x: neural_cache_hit_rate"}},
		{"unknown histogram", `histogram_quantile(0.99, rate(modelcard_latency_seconds_bucket[5m]))`, []string{"x: modelcard_latency_seconds_bucket"}},
		{"suffix of a gauge", `modelcard_queue_depth_count`, []string{"x: modelcard_queue_depth_count"}},
		{"summary series", `go_gc_duration_seconds_count + go_gc_duration_seconds_sum`, nil},
		{"summary has no buckets", `go_gc_duration_seconds_bucket`, []string{"x: go_gc_duration_seconds_bucket"}},
		{"unknown in label matcher form", `{__name__="modelcard_nothing"}`, []string{"x: modelcard_nothing"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := unknownMetrics([]exprSource{{where: "x", expr: tt.expr}}, exported, recorded)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("unknownMetrics(%q) = %q, want %q", tt.expr, got, tt.want)
			}
		})
	}
}

// ---- the PromQL metric name extractor ---------------------------------------

// promqlMatcher is one label matcher of a vector selector, such as
// job=~"$job".
type promqlMatcher struct {
	label, op, value string
}

// promqlSelector is one vector selector of a PromQL expression: its metric
// name ("" when it has none) and its label matchers, __name__ and a quoted
// name left out.
type promqlSelector struct {
	name     string
	matchers []promqlMatcher
}

// promqlNames returns the metric names that a PromQL expression reads, in
// order of first use, each once; see promqlSelectors.
func promqlNames(expr string) ([]string, error) {
	sels, err := promqlSelectors(expr)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, s := range sels {
		if s.name != "" && !slices.Contains(names, s.name) {
			names = append(names, s.name)
		}
	}
	return names, nil
}

// promqlSelectors returns the vector selectors of a PromQL expression, in
// order. A metric name is an identifier that is not a keyword and not
// followed by "(" (that makes it a function or an aggregation), outside
// string literals, label matchers, range brackets and the label lists of
// by, without, on, ignoring, group_left and group_right; the matchers in
// braces right after it are its own. Braces without a name before them are
// a selector too, named by a {__name__="x"} matcher or a quoted name, if
// any. Grafana variables ($x, ${x}) are skipped. It is no PromQL parser: it
// reports unbalanced quotes, braces and brackets, but not other errors.
func promqlSelectors(expr string) ([]promqlSelector, error) {
	var sels []promqlSelector
	for i := 0; i < len(expr); {
		c := expr[i]
		switch {
		case c == '#':
			if j := strings.IndexByte(expr[i:], '\n'); j >= 0 {
				i += j
			} else {
				i = len(expr)
			}
		case c == '"' || c == '\'' || c == '`':
			_, end, err := promqlString(expr, i)
			if err != nil {
				return nil, err
			}
			i = end
		case c == '{':
			sel, end, err := promqlMatchers(expr, i)
			if err != nil {
				return nil, err
			}
			sels = append(sels, sel)
			i = end
		case c == '[':
			j := strings.IndexByte(expr[i:], ']')
			if j < 0 {
				return nil, fmt.Errorf("unclosed [ at byte %d of %q", i, expr)
			}
			i += j + 1
		case c == '$':
			i = skipGrafanaVar(expr, i)
		case promqlDigit(c) || (c == '.' && i+1 < len(expr) && promqlDigit(expr[i+1])):
			i = promqlSkipNumber(expr, i)
		case promqlIdentStart(c):
			j := i
			for j < len(expr) && promqlIdentChar(expr[j]) {
				j++
			}
			word := expr[i:j]
			k := j
			for k < len(expr) && promqlSpace(expr[k]) {
				k++
			}
			next := byte(0)
			if k < len(expr) {
				next = expr[k]
			}
			lower := strings.ToLower(word)
			switch {
			case promqlLabelListKeyword(lower):
				i = j
				if next == '(' {
					end := strings.IndexByte(expr[k:], ')')
					if end < 0 {
						return nil, fmt.Errorf("unclosed label list after %s in %q", word, expr)
					}
					i = k + end + 1
				}
				continue
			case next == '(', promqlKeyword(lower):
				i = j
				continue
			}
			sel := promqlSelector{name: word}
			i = j
			if next == '{' {
				braces, end, err := promqlMatchers(expr, k)
				if err != nil {
					return nil, err
				}
				if braces.name != "" && braces.name != word {
					return nil, fmt.Errorf("%q: selector %s names a second metric, %s", expr, word, braces.name)
				}
				sel.matchers = braces.matchers
				i = end
			}
			sels = append(sels, sel)
		default:
			i++
		}
	}
	return sels, nil
}

// promqlString reads the string literal that starts at expr[start] and
// returns its value and the index after it.
func promqlString(expr string, start int) (string, int, error) {
	quote := expr[start]
	for i := start + 1; i < len(expr); i++ {
		switch {
		case expr[i] == '\\' && quote != '`':
			i++
		case expr[i] == quote:
			lit := expr[start : i+1]
			if quote == '\'' {
				lit = `"` + strings.ReplaceAll(expr[start+1:i], `"`, `\"`) + `"`
			}
			v, err := strconv.Unquote(lit)
			if err != nil {
				return "", 0, fmt.Errorf("string at byte %d of %q: %w", start, expr, err)
			}
			return v, i + 1, nil
		}
	}
	return "", 0, fmt.Errorf("unterminated string at byte %d of %q", start, expr)
}

// promqlMatchers reads the label matchers that start at expr[start] ("{")
// and returns them, with the metric name they give, if any, and the index
// after "}".
func promqlMatchers(expr string, start int) (promqlSelector, int, error) {
	var sel promqlSelector
	var label, op string
	for i := start + 1; i < len(expr); {
		c := expr[i]
		switch {
		case c == '}':
			return sel, i + 1, nil
		case c == '"' || c == '\'' || c == '`':
			v, end, err := promqlString(expr, i)
			if err != nil {
				return promqlSelector{}, 0, err
			}
			switch {
			case label == "" && op == "":
				sel.name = v // {"metric.name", ...}
			case label == "__name__" && op == "=":
				sel.name = v
			case label == "__name__":
				return promqlSelector{}, 0, fmt.Errorf("%q: a __name__%s matcher names no single metric", expr, op)
			default:
				sel.matchers = append(sel.matchers, promqlMatcher{label: label, op: op, value: v})
			}
			label, op = "", ""
			i = end
		case promqlIdentStart(c):
			j := i
			for j < len(expr) && promqlIdentChar(expr[j]) {
				j++
			}
			label, i = expr[i:j], j
		case c == '=' || c == '!' || c == '~':
			op += string(c)
			i++
		case c == ',':
			label, op = "", ""
			i++
		default:
			i++
		}
	}
	return promqlSelector{}, 0, fmt.Errorf("unclosed { at byte %d of %q", start, expr)
}

// skipGrafanaVar returns the index after the Grafana variable at expr[start]
// ("$name" or "${name...}").
func skipGrafanaVar(expr string, start int) int {
	i := start + 1
	if i < len(expr) && expr[i] == '{' {
		if j := strings.IndexByte(expr[i:], '}'); j >= 0 {
			return i + j + 1
		}
		return len(expr)
	}
	for i < len(expr) && promqlIdentChar(expr[i]) && expr[i] != ':' {
		i++
	}
	return i
}

// promqlSkipNumber returns the index after the number or duration at
// expr[start], such as 0.99, 1e-3, 0x1f or 1h30m.
func promqlSkipNumber(expr string, start int) int {
	i := start
	for i < len(expr) {
		c := expr[i]
		switch {
		case promqlIdentChar(c) && c != ':', c == '.':
			i++
		case (c == '+' || c == '-') && (expr[i-1] == 'e' || expr[i-1] == 'E') && !strings.HasPrefix(expr[start:], "0x"):
			i++
		default:
			return i
		}
	}
	return i
}

// promqlLabelListKeyword reports whether a keyword may be followed by a
// parenthesised list of label names.
func promqlLabelListKeyword(w string) bool {
	switch w {
	case "by", "without", "on", "ignoring", "group_left", "group_right":
		return true
	}
	return false
}

// promqlKeyword reports whether a lower-cased identifier is a PromQL
// keyword rather than a metric name: an aggregation (which may stand
// before "by (...)" rather than "("), a binary or set operator, a
// modifier, or a special number. Functions need no list: they are always
// followed by "(".
func promqlKeyword(w string) bool {
	switch w {
	case "sum", "min", "max", "avg", "group", "stddev", "stdvar", "count", "count_values",
		"bottomk", "topk", "quantile", "limitk", "limit_ratio",
		"and", "or", "unless", "atan2", "bool", "offset", "start", "end", "inf", "nan":
		return true
	}
	return false
}

// promqlDigit reports whether c is a decimal digit.
func promqlDigit(c byte) bool { return c >= '0' && c <= '9' }

// promqlIdentStart reports whether c may start a PromQL identifier.
func promqlIdentStart(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c == ':'
}

// promqlIdentChar reports whether c may continue a PromQL identifier.
func promqlIdentChar(c byte) bool { return promqlIdentStart(c) || promqlDigit(c) }

// promqlSpace reports whether c is white space.
func promqlSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// TestMonitoringPromQLNames checks the metric name extractor.
func TestMonitoringPromQLNames(t *testing.T) {
	tests := []struct {
		name string
		expr string
		want []string
	}{
		{"bare name", `up`, []string{"up"}},
		{"selector", `up{job="modelcard"} == 0`, []string{"up"}},
		{"range and function", `rate(http_requests_total[5m])`, []string{"http_requests_total"}},
		{"space before the paren of a function", `rate (foo_total [5m])`, []string{"foo_total"}},
		{"label names in braces are not metrics", `foo{handler=~"generate|audit", code!="200"}`, []string{"foo"}},
		{"strings are not metrics", `label_replace(foo, "dst_label", "$1", "src_label", "(.*)")`, []string{"foo"}},
		{"single-quoted and raw strings", "foo{a='bar baz', b=`qux`}", []string{"foo"}},
		{"escaped quote in a string", `foo{a="say \"bar\""} + baz`, []string{"foo", "baz"}},
		{"aggregation with by before", `sum by (job, namespace) (rate(foo_total[5m]))`, []string{"foo_total"}},
		{"aggregation with by after", `sum(rate(foo_total[5m])) by (job)`, []string{"foo_total"}},
		{"without", `max without (instance, pod) (bar)`, []string{"bar"}},
		{"on and group_left", `a / on (job, instance) group_left (node) b`, []string{"a", "b"}},
		{"ignoring and group_right without labels", `a * ignoring(code) group_right b`, []string{"a", "b"}},
		{"set operators and bool", `a and b or c unless d > bool 1`, []string{"a", "b", "c", "d"}},
		{"numbers and durations", `foo offset 1h30m > 1e-3 * 0x1F + .5 - 2.5e+2`, []string{"foo"}},
		{"histogram_quantile", `histogram_quantile(0.99, sum by (le) (rate(lat_seconds_bucket[5m])))`, []string{"lat_seconds_bucket"}},
		{"recording rule names with colons", `job:http_requests:rate5m > 0 and on (job) job:errors:ratio`, []string{"job:http_requests:rate5m", "job:errors:ratio"}},
		{"subquery", `max_over_time(rate(foo[1m])[10m:1m])`, []string{"foo"}},
		{"at modifier", `foo @ start()`, []string{"foo"}},
		{"Grafana variables", `rate(foo{namespace=~"$namespace"}[$__rate_interval]) / $bar * ${baz:csv}`, []string{"foo"}},
		{"__name__ matcher", `{__name__="foo", job="x"}`, []string{"foo"}},
		{"quoted name", `{"foo.bar", job="x"}`, []string{"foo.bar"}},
		{"comment", "foo # bar baz\n+ qux", []string{"foo", "qux"}},
		{"each name once", `a + a`, []string{"a"}},
		{"inf and nan", `a > Inf or b != NaN`, []string{"a", "b"}},
		{"topk and count_values", `topk(3, a) + count_values("v", b) + quantile(0.5, c)`, []string{"a", "b", "c"}},
		{"absent", `absent(up{job="x"})`, []string{"up"}},
		{"no metric", `vector(1) + time()`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := promqlNames(tt.expr)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("promqlNames(%q) = %q, want %q", tt.expr, got, tt.want)
			}
		})
	}
	for _, bad := range []string{`foo{a="b"`, `foo{a="b}`, `rate(foo[5m)`, `sum by (job`, `{__name__=~"foo.*"}`} {
		if got, err := promqlNames(bad); err == nil {
			t.Errorf("promqlNames(%q) = %q, want an error", bad, got)
		}
	}
}

// TestMonitoringPromQLSelectors checks that the extractor gives each
// selector its own matchers.
func TestMonitoringPromQLSelectors(t *testing.T) {
	type m = promqlMatcher
	tests := []struct {
		name string
		expr string
		want []promqlSelector
	}{
		{"bare name", `up`, []promqlSelector{{name: "up"}}},
		{"matchers", `up{job=~"$job", code!="200"}`, []promqlSelector{{name: "up", matchers: []m{{"job", "=~", "$job"}, {"code", "!=", "200"}}}}},
		{"space before the braces", `up {job="a"}`, []promqlSelector{{name: "up", matchers: []m{{"job", "=", "a"}}}}},
		{"each selector its own", `a{job="x"} / on (instance) b`, []promqlSelector{{name: "a", matchers: []m{{"job", "=", "x"}}}, {name: "b"}}},
		{"same name twice", `a{job="x"} + a`, []promqlSelector{{name: "a", matchers: []m{{"job", "=", "x"}}}, {name: "a"}}},
		{"range and function", `rate(a{job!~"y"}[5m])`, []promqlSelector{{name: "a", matchers: []m{{"job", "!~", "y"}}}}},
		{"__name__ matcher", `{__name__="a", job="x"}`, []promqlSelector{{name: "a", matchers: []m{{"job", "=", "x"}}}}},
		{"no name", `{job="x"}`, []promqlSelector{{matchers: []m{{"job", "=", "x"}}}}},
		{"none", `vector(1)`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := promqlSelectors(tt.expr)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.EqualFunc(got, tt.want, func(a, b promqlSelector) bool {
				return a.name == b.name && slices.Equal(a.matchers, b.matchers)
			}) {
				t.Errorf("promqlSelectors(%q) = %+v, want %+v", tt.expr, got, tt.want)
			}
		})
	}
	if got, err := promqlSelectors(`a{"b"}`); err == nil {
		t.Errorf("promqlSelectors of a selector with two names = %+v, want an error", got)
	}
}
