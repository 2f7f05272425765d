package kubernetes

import (
	"fmt"
	"maps"
	"path"
	"regexp"
	"slices"
	"strings"
	"testing"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
)

// deployingSection is the "Deploying" section of README.md.
func deployingSection(t *testing.T) string {
	t.Helper()
	readme := string(readRepoFile(t, "README.md"))
	_, rest, ok := strings.Cut(readme, "\n## Deploying\n")
	if !ok {
		t.Fatal("README.md has no section ## Deploying")
	}
	section, _, _ := strings.Cut(rest, "\n## ")
	return section
}

// inOrder reports the first of steps that does not match text after the
// match of the step before it.
func inOrder(text string, steps []*regexp.Regexp) error {
	at := 0
	for i, re := range steps {
		loc := re.FindStringIndex(text[at:])
		if loc == nil {
			return fmt.Errorf("step %d, %s, is missing or out of order", i+1, re)
		}
		at += loc[1]
	}
	return nil
}

func TestInOrder(t *testing.T) {
	steps := []*regexp.Regexp{regexp.MustCompile(`apply`), regexp.MustCompile(`copy`), regexp.MustCompile(`resume`)}
	tests := []struct {
		text string
		ok   bool
	}{
		{"apply\ncopy\nresume\n", true},
		{"apply, then copy, then resume", true},
		{"apply\nresume\ncopy\n", false},
		{"copy\napply\nresume\n", false},
		{"apply\ncopy\n", false},
		{"", false},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			if err := inOrder(tt.text, steps); (err == nil) != tt.ok {
				t.Errorf("inOrder(%q) = %v, want ok %v", tt.text, err, tt.ok)
			}
		})
	}
}

func TestAuditStepsDocumented(t *testing.T) {
	a := loadAuditJob(t)
	loader := only[*corev1.Pod](t, dirLoader, render(t, dirLoader))
	merge := only[*batchv1.Job](t, dirMerge, render(t, dirMerge))
	var cards, results string // the claims' folders in the audit pod
	for _, m := range a.container.VolumeMounts {
		if claimOf(a.job.Spec.Template.Spec, m.Name) == "" {
			continue
		}
		if m.ReadOnly {
			cards = m.MountPath
		} else {
			results = m.MountPath
		}
	}
	if cards == "" || results == "" {
		t.Fatalf("the audit pod mounts no read-only cards claim (%q) or no writable results claim (%q)", cards, results)
	}
	// The documented clean-up removes every shard file and the .partial
	// files --resume would continue.
	cleanup := results + "/shard-*"
	for _, out := range a.outputs {
		for _, f := range []string{out, out + ".partial"} {
			if ok, _ := path.Match(cleanup, f); !ok {
				t.Errorf("rm -f %s leaves %s", cleanup, f)
			}
		}
	}
	ns, job, pod := a.job.Namespace, a.job.Name, loader.Name
	if loader.Namespace != ns || merge.Namespace != ns {
		t.Fatalf("namespaces: Job %s, loader %s, merge %s; want one", ns, loader.Namespace, merge.Namespace)
	}
	lit := func(format string, args ...any) string { return regexp.QuoteMeta(fmt.Sprintf(format, args...)) }
	steps := []*regexp.Regexp{
		regexp.MustCompile(lit("kubectl apply -k deploy/kubernetes/%s", dirAudit) + `\s`),
		regexp.MustCompile(lit("kubectl apply -k deploy/kubernetes/%s", dirLoader)),
		regexp.MustCompile(lit("kubectl -n %s wait --for=condition=Ready", ns) + `.*` + lit("pod/%s", pod)),
		regexp.MustCompile(lit("kubectl -n %s exec %s -- sh -c 'rm -f %s'", ns, pod, cleanup)),
		regexp.MustCompile(lit("| kubectl -n %s exec -i %s -- tar -xof - -C %s", ns, pod, cards)),
		regexp.MustCompile(lit("kubectl -n %s delete pod %s", ns, pod)),
		regexp.MustCompile(lit(`kubectl -n %s patch job %s --type=merge -p '{"spec":{"suspend":false}}'`, ns, job)),
		regexp.MustCompile(lit("kubectl -n %s wait --for=condition=complete", ns) + `.*` + lit("job/%s", job)),
		regexp.MustCompile(lit("kubectl apply -k deploy/kubernetes/%s", dirMerge)),
	}
	tests := []struct {
		name string
		text func(t *testing.T) string
	}{
		{"README.md", deployingSection},
		{dirAudit + "/kustomization.yaml", func(t *testing.T) string {
			return string(readRepoFile(t, "deploy/kubernetes/"+dirAudit+"/kustomization.yaml"))
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := inOrder(tt.text(t), steps); err != nil {
				t.Errorf("the audit's steps (apply, load the cards, resume, merge): %v", err)
			}
		})
	}
}

func TestGPUNodeSelectorDocumented(t *testing.T) {
	s := loadServer(t, dirGPU)
	sel := slices.Sorted(maps.Keys(s.deploy.Spec.Template.Spec.NodeSelector))
	if len(sel) == 0 {
		t.Fatal("the GPU overlay selects no nodes")
	}
	// The label GPU feature discovery sets, and what to use without it.
	want := append(sel, "cloud.google.com/gke-accelerator", "k8s.amazonaws.com/accelerator", string(gpuResource))
	tests := []struct {
		name string
		text func(t *testing.T) string
	}{
		{"README.md", deployingSection},
		{dirGPU + "/patch-deployment.yaml", func(t *testing.T) string {
			return string(readRepoFile(t, "deploy/kubernetes/"+dirGPU+"/patch-deployment.yaml"))
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text := tt.text(t)
			for _, w := range want {
				if !strings.Contains(text, w) {
					t.Errorf("does not name %s", w)
				}
			}
		})
	}
}
