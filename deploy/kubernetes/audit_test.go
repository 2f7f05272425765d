package kubernetes

import (
	"fmt"
	"path"
	"slices"
	"strconv"
	"strings"
	"testing"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
)

// indexEnv is the variable that carries an Indexed Job pod's index.
const indexEnv = "JOB_COMPLETION_INDEX"

// indexFieldPath is the downward API path of the pod's index.
const indexFieldPath = "metadata.annotations['batch.kubernetes.io/job-completion-index']"

// expandArgs replaces $(NAME) in args as the kubelet does: only for the
// variables the container declares in env, with the literal value or, for
// a variable from the downward API, the value given in from. $$ is a
// literal $. A reference to an undeclared variable is an error here (the
// kubelet would pass it on unexpanded).
func expandArgs(c corev1.Container, from map[string]string) ([]string, error) {
	vars := map[string]string{}
	for _, e := range c.Env {
		switch {
		case e.ValueFrom == nil:
			vars[e.Name] = e.Value
		default:
			if v, ok := from[e.Name]; ok {
				vars[e.Name] = v
			}
		}
	}
	out := make([]string, len(c.Args))
	for i, a := range c.Args {
		var b strings.Builder
		for j := 0; j < len(a); j++ {
			if a[j] != '$' || j+1 == len(a) {
				b.WriteByte(a[j])
				continue
			}
			if a[j+1] == '$' {
				b.WriteByte('$')
				j++
				continue
			}
			if a[j+1] == '(' {
				end := strings.IndexByte(a[j:], ')')
				if end > 0 {
					name := a[j+2 : j+end]
					v, ok := vars[name]
					if !ok {
						return nil, fmt.Errorf("argument %q refers to $(%s), which the container does not declare in env: Kubernetes leaves it unexpanded", a, name)
					}
					b.WriteString(v)
					j += end
					continue
				}
			}
			b.WriteByte(a[j])
		}
		out[i] = b.String()
	}
	return out, nil
}

// cliArgs splits a modelcard command line into its flags (name → values)
// and positional arguments; valued names the flags that take a value.
func cliArgs(args []string, valued ...string) (flags map[string][]string, positional []string) {
	flags = map[string][]string{}
	for i := 0; i < len(args); i++ {
		a := args[i]
		if !strings.HasPrefix(a, "-") || a == "-" {
			positional = append(positional, a)
			continue
		}
		name, v, hasValue := strings.Cut(a, "=")
		if !hasValue && slices.Contains(valued, name) && i+1 < len(args) {
			i++
			v = args[i]
		}
		flags[name] = append(flags[name], v)
	}
	return flags, positional
}

// auditValued are the flags of `modelcard audit` and `modelcard merge`
// that take a value.
func auditValued() []string {
	return []string{"--json", "--report", "--backend", "--batch-size", "--workers", "--fail-under", "--standard", "--shard", "--max-bytes", "--expect"}
}

// mountOf returns the volume mount whose folder holds p.
func mountOf(c corev1.Container, p string) (corev1.VolumeMount, bool) {
	for _, m := range c.VolumeMounts {
		dir := strings.TrimSuffix(m.MountPath, "/")
		if p == dir || strings.HasPrefix(p, dir+"/") {
			return m, true
		}
	}
	return corev1.VolumeMount{}, false
}

// claimOf returns the claim behind a pod volume.
func claimOf(spec corev1.PodSpec, volume string) string {
	for _, v := range spec.Volumes {
		if v.Name == volume && v.PersistentVolumeClaim != nil {
			return v.PersistentVolumeClaim.ClaimName
		}
	}
	return ""
}

// auditJob is the rendered sharded audit.
type auditJob struct {
	job       *batchv1.Job
	container corev1.Container
	shards    int
	claims    map[string]*corev1.PersistentVolumeClaim
	// outputs[i] is the --json file of shard i, as the pod sees it.
	outputs []string
}

// loadAuditJob renders the audit Job and checks that pod i of n runs
// `audit --shard i/n --json <results>/... <cards>`.
func loadAuditJob(t *testing.T) auditJob {
	t.Helper()
	objs := render(t, dirAudit)
	a := auditJob{job: only[*batchv1.Job](t, dirAudit, objs), claims: map[string]*corev1.PersistentVolumeClaim{}}
	for _, c := range all[*corev1.PersistentVolumeClaim](objs) {
		a.claims[c.Name] = c
	}
	spec := a.job.Spec
	if spec.CompletionMode == nil || *spec.CompletionMode != batchv1.IndexedCompletion {
		t.Fatalf("completionMode %v, want Indexed", deref(spec.CompletionMode))
	}
	if spec.Completions == nil || *spec.Completions < 1 {
		t.Fatalf("completions %v, want the number of shards", deref(spec.Completions))
	}
	a.shards = int(*spec.Completions)
	if cs := spec.Template.Spec.Containers; len(cs) != 1 {
		t.Fatalf("the audit pod has %d containers, want 1", len(cs))
	}
	a.container = spec.Template.Spec.Containers[0]
	for i := range a.shards {
		args, err := expandArgs(a.container, map[string]string{indexEnv: strconv.Itoa(i)})
		if err != nil {
			t.Fatalf("pod %d: %v", i, err)
		}
		flags, _ := cliArgs(args, auditValued()...)
		out := flags["--json"]
		if len(out) != 1 {
			t.Fatalf("pod %d: --json given %d times, want once", i, len(out))
		}
		a.outputs = append(a.outputs, out[0])
	}
	return a
}

func TestAuditJobShards(t *testing.T) {
	a := loadAuditJob(t)
	spec := a.job.Spec
	if p := spec.Parallelism; p == nil || *p < 1 || int(*p) > a.shards {
		t.Errorf("parallelism %v, want 1 to completions (%d)", deref(p), a.shards)
	}
	if rp := spec.Template.Spec.RestartPolicy; rp != corev1.RestartPolicyNever {
		t.Errorf("restartPolicy %s, want Never (a retried pod resumes from its .partial file)", rp)
	}
	declared := false
	for _, e := range a.container.Env {
		if e.Name == indexEnv {
			declared = e.ValueFrom != nil && e.ValueFrom.FieldRef != nil && e.ValueFrom.FieldRef.FieldPath == indexFieldPath
		}
	}
	if !declared {
		t.Errorf("env %s is not declared from %s: $(%s) in args would stay unexpanded", indexEnv, indexFieldPath, indexEnv)
	}
	seen := map[string]int{}
	for i := range a.shards {
		args, err := expandArgs(a.container, map[string]string{indexEnv: strconv.Itoa(i)})
		if err != nil {
			t.Fatal(err)
		}
		if len(args) == 0 || args[0] != "audit" {
			t.Fatalf("pod %d runs %q, want `audit ...`", i, args)
		}
		flags, inputs := cliArgs(args[1:], auditValued()...)
		if got, want := flags["--shard"], fmt.Sprintf("%d/%d", i, a.shards); len(got) != 1 || got[0] != want {
			t.Errorf("pod %d: --shard %q, want %s (completions is %d)", i, got, want, a.shards)
		}
		if _, ok := flags["--resume"]; !ok {
			t.Errorf("pod %d: no --resume: a retried pod would refuse the .partial file its predecessor left", i)
		}
		out := a.outputs[i]
		if path.Base(out) != fmt.Sprintf("shard-%d.jsonl", i) {
			t.Errorf("pod %d writes %s, want shard-%d.jsonl (the names merge --expect checks)", i, out, i)
		}
		if j, dup := seen[out]; dup {
			t.Errorf("pods %d and %d both write %s", j, i, out)
		}
		seen[out] = i
		m, ok := mountOf(a.container, out)
		if !ok || m.ReadOnly || a.claims[claimOf(spec.Template.Spec, m.Name)] == nil {
			t.Errorf("pod %d: --json %s is not on a writable claim of the kustomization", i, out)
		}
		if len(inputs) == 0 {
			t.Errorf("pod %d: no cards folder", i)
		}
		for _, in := range inputs {
			m, ok := mountOf(a.container, in)
			if !ok || !m.ReadOnly || a.claims[claimOf(spec.Template.Spec, m.Name)] == nil {
				t.Errorf("pod %d: input %s is not on a read-only mounted claim of the kustomization", i, in)
			}
		}
	}
}

func TestAuditJobClaims(t *testing.T) {
	a := loadAuditJob(t)
	spec := a.job.Spec.Template.Spec
	parallel := a.job.Spec.Parallelism != nil && *a.job.Spec.Parallelism > 1
	used := map[string]bool{}
	for _, v := range spec.Volumes {
		if v.PersistentVolumeClaim == nil {
			continue
		}
		name := v.PersistentVolumeClaim.ClaimName
		used[name] = true
		pvc, ok := a.claims[name]
		if !ok {
			t.Errorf("volume %s uses the claim %s, which the kustomization does not define", v.Name, name)
			continue
		}
		if pvc.Spec.Resources.Requests.Storage().IsZero() {
			t.Errorf("claim %s requests no storage", name)
		}
		writable := false
		for _, m := range a.container.VolumeMounts {
			writable = writable || (m.Name == v.Name && !m.ReadOnly)
		}
		modes := pvc.Spec.AccessModes
		switch {
		case writable && parallel && !slices.Contains(modes, corev1.ReadWriteMany):
			t.Errorf("claim %s is written by parallel pods, so it needs ReadWriteMany, not %v", name, modes)
		case !writable && parallel && !slices.Equal(modes, []corev1.PersistentVolumeAccessMode{corev1.ReadWriteMany}):
			// Read-only for the Job, but the loader pod writes the cards
			// in, and most provisioners cannot fill a ReadOnlyMany volume.
			t.Errorf("claim %s is filled by a pod and read by parallel pods, so it needs ReadWriteMany only, not %v", name, modes)
		case !writable && !v.PersistentVolumeClaim.ReadOnly:
			t.Errorf("claim %s holds the cards: mount it read-only (volume %s has readOnly false)", name, v.Name)
		}
	}
	for name := range a.claims {
		if !used[name] {
			t.Errorf("claim %s is not used by the Job", name)
		}
	}
}

func TestMergeJobReadsEveryShard(t *testing.T) {
	a := loadAuditJob(t)
	merge := only[*batchv1.Job](t, dirMerge, render(t, dirMerge))
	if merge.Spec.CompletionMode != nil && *merge.Spec.CompletionMode == batchv1.IndexedCompletion {
		t.Error("the merge Job is Indexed; one pod merges every shard")
	}
	if c := merge.Spec.Completions; c != nil && *c != 1 {
		t.Errorf("the merge Job has %d completions, want 1", *c)
	}
	if len(merge.Spec.Template.Spec.Containers) != 1 {
		t.Fatalf("the merge pod has %d containers, want 1", len(merge.Spec.Template.Spec.Containers))
	}
	c := merge.Spec.Template.Spec.Containers[0]
	args, err := expandArgs(c, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(args) == 0 || args[0] != "merge" {
		t.Fatalf("the merge pod runs %q, want `merge ...`", args)
	}
	flags, globs := cliArgs(args[1:], auditValued()...)
	if got := flags["--expect"]; len(got) != 1 || got[0] != strconv.Itoa(a.shards) {
		t.Errorf("--expect %q, want %d: the audit Job's completions", got, a.shards)
	}
	if len(globs) == 0 {
		t.Fatal("merge is given no shard files")
	}
	auditClaims := map[string]string{} // mount path → claim
	for _, m := range a.container.VolumeMounts {
		if cl := claimOf(a.job.Spec.Template.Spec, m.Name); cl != "" {
			auditClaims[m.MountPath] = cl
		}
	}
	sameClaim := func(p string) bool {
		m, ok := mountOf(c, p)
		if !ok {
			return false
		}
		cl := claimOf(merge.Spec.Template.Spec, m.Name)
		am, ok := mountOf(a.container, p)
		return ok && cl != "" && am.MountPath == m.MountPath && auditClaims[am.MountPath] == cl
	}
	matches := func(p string) bool {
		return slices.ContainsFunc(globs, func(g string) bool {
			ok, err := path.Match(g, p)
			if err != nil {
				t.Errorf("glob %q: %v", g, err)
			}
			return ok
		})
	}
	for i, out := range a.outputs {
		if !matches(out) {
			t.Errorf("shard %d's %s matches none of %q", i, out, globs)
		}
		if !sameClaim(out) {
			t.Errorf("shard %d's %s is not on the same claim and path in the merge pod", i, out)
		}
	}
	for _, f := range []string{"--json", "--report"} {
		v := flags[f]
		if len(v) != 1 {
			t.Errorf("%s given %d times, want once", f, len(v))
			continue
		}
		if m, ok := mountOf(c, v[0]); !ok || m.ReadOnly {
			t.Errorf("%s %s is not on a writable volume", f, v[0])
		}
		if matches(v[0]) || matches(v[0]+".partial") {
			t.Errorf("%s %s matches the shard glob: a second merge would read it", f, v[0])
		}
	}
}

func TestExpandArgs(t *testing.T) {
	env := []corev1.EnvVar{
		{Name: indexEnv, ValueFrom: &corev1.EnvVarSource{FieldRef: &corev1.ObjectFieldSelector{FieldPath: indexFieldPath}}},
		{Name: "N", Value: "8"},
	}
	tests := []struct {
		name    string
		args    []string
		env     []corev1.EnvVar
		want    []string
		wantErr bool
	}{
		{"declared", []string{"$(JOB_COMPLETION_INDEX)/$(N)"}, env, []string{"3/8"}, false},
		{"escaped", []string{"$$(N)", "a$b", "$"}, env, []string{"$(N)", "a$b", "$"}, false},
		{"undeclared", []string{"$(JOB_COMPLETION_INDEX)"}, nil, nil, true},
		{"unclosed", []string{"$(N"}, env, []string{"$(N"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := expandArgs(corev1.Container{Args: tt.args, Env: tt.env}, map[string]string{indexEnv: "3"})
			if (err != nil) != tt.wantErr {
				t.Fatalf("error %v, want one: %v", err, tt.wantErr)
			}
			if !tt.wantErr && !slices.Equal(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestAuditJobsSuspended(t *testing.T) {
	tests := []struct {
		dir     string
		suspend bool
		why     string
	}{
		// The cards are copied in after the claims exist: a Job that ran
		// at once would audit an empty or half-copied folder.
		{dirAudit, true, "it would start before the cards are copied in"},
		// Applied once the audit completed: nothing to wait for.
		{dirMerge, false, "nothing would resume it"},
	}
	for _, tt := range tests {
		t.Run(tt.dir, func(t *testing.T) {
			job := only[*batchv1.Job](t, tt.dir, render(t, tt.dir))
			got := job.Spec.Suspend != nil && *job.Spec.Suspend
			if got != tt.suspend {
				t.Errorf("Job %s: suspend %v, want %v: %s", job.Name, deref(job.Spec.Suspend), tt.suspend, tt.why)
			}
		})
	}
}

func TestAuditLoaderMountsTheClaims(t *testing.T) {
	a := loadAuditJob(t)
	pod := only[*corev1.Pod](t, dirLoader, render(t, dirLoader))
	if len(pod.Spec.Containers) != 1 {
		t.Fatalf("the loader pod has %d containers, want 1", len(pod.Spec.Containers))
	}
	c := pod.Spec.Containers[0]
	if rp := pod.Spec.RestartPolicy; rp != corev1.RestartPolicyNever {
		t.Errorf("restartPolicy %s, want Never: a throwaway pod", rp)
	}
	// Each claim of the audit, mounted writable: the cards are copied onto
	// one, an earlier run's shards are removed from the other.
	mounted := map[string]bool{}
	for _, m := range c.VolumeMounts {
		claim := claimOf(pod.Spec, m.Name)
		if claim == "" {
			continue
		}
		if _, ok := a.claims[claim]; !ok {
			t.Errorf("volume %s mounts the claim %s, which the audit kustomization does not define", m.Name, claim)
		}
		ro := m.ReadOnly
		for _, v := range pod.Spec.Volumes {
			if v.Name == m.Name {
				ro = ro || v.PersistentVolumeClaim.ReadOnly
			}
		}
		if ro {
			t.Errorf("the claim %s is mounted read-only on %s; the loader writes to it", claim, m.MountPath)
		}
		// The same paths as the audit pod's, so that the documented
		// commands name the folders the audit reads and writes.
		if am, ok := mountOf(a.container, m.MountPath); !ok || am.MountPath != m.MountPath || claimOf(a.job.Spec.Template.Spec, am.Name) != claim {
			t.Errorf("the loader mounts %s on %s; the audit pod does not mount it there", claim, m.MountPath)
		}
		mounted[claim] = true
	}
	for name := range a.claims {
		if !mounted[name] {
			t.Errorf("the loader does not mount the claim %s", name)
		}
	}
	if len(c.Command) == 0 || c.Command[0] != "sleep" {
		t.Errorf("the loader runs %q, want sleep: it waits for kubectl exec", c.Command)
	}
}
