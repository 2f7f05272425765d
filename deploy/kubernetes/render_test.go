package kubernetes

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	kjson "k8s.io/apimachinery/pkg/runtime/serializer/json"
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/kyaml/filesys"
)

// Kustomization folders, relative to this package.
const (
	dirBase   = "base"
	dirCPU    = "overlays/cpu"
	dirGPU    = "overlays/gpu"
	dirAudit  = "audit-job"
	dirMerge  = "audit-job/merge"
	dirLoader = "audit-job/loader"
)

// allDirs are every kustomization of the package.
func allDirs() []string { return []string{dirBase, dirCPU, dirGPU, dirAudit, dirMerge, dirLoader} }

// serverDirs are the kustomizations of the daemon.
func serverDirs() []string { return []string{dirBase, dirCPU, dirGPU} }

// object is one rendered object, decoded into its API type.
type object struct {
	gvk  schema.GroupVersionKind
	name string
	obj  runtime.Object
	yaml []byte
}

// decoder decodes Kubernetes YAML strictly into the API types the
// manifests may use: an unknown field, a field spelled in another case, a
// duplicate field or a kind outside the scheme is an error.
type decoder struct{ ser *kjson.Serializer }

// newDecoder registers the API groups the manifests use.
func newDecoder(t testing.TB) decoder {
	t.Helper()
	scheme := runtime.NewScheme()
	for _, add := range []func(*runtime.Scheme) error{
		corev1.AddToScheme, appsv1.AddToScheme, autoscalingv2.AddToScheme,
		policyv1.AddToScheme, networkingv1.AddToScheme, batchv1.AddToScheme,
	} {
		if err := add(scheme); err != nil {
			t.Fatalf("register the Kubernetes API types: %v", err)
		}
	}
	return decoder{ser: kjson.NewSerializerWithOptions(kjson.DefaultMetaFactory, scheme, scheme,
		kjson.SerializerOptions{Yaml: true, Strict: true})}
}

// decode decodes one YAML document.
func (d decoder) decode(doc []byte) (runtime.Object, *schema.GroupVersionKind, error) {
	obj, gvk, err := d.ser.Decode(doc, nil, nil)
	if err != nil {
		return nil, gvk, fmt.Errorf("decode strictly into the Kubernetes API type: %w", err)
	}
	return obj, gvk, nil
}

// render builds the kustomization in dir, as `kubectl apply -k dir` would,
// and decodes every object strictly.
func render(t *testing.T, dir string) []object {
	t.Helper()
	k := krusty.MakeKustomizer(krusty.MakeDefaultOptions())
	m, err := k.Run(filesys.MakeFsOnDisk(), dir)
	if err != nil {
		t.Fatalf("kustomize build %s: %v", dir, err)
	}
	dec := newDecoder(t)
	var out []object
	for _, r := range m.Resources() {
		doc, err := r.AsYAML()
		if err != nil {
			t.Fatalf("%s: %s %s as YAML: %v", dir, r.GetKind(), r.GetName(), err)
		}
		obj, gvk, err := dec.decode(doc)
		if err != nil {
			t.Fatalf("%s: %s %s: %v\n%s", dir, r.GetKind(), r.GetName(), err, doc)
		}
		out = append(out, object{gvk: *gvk, name: r.GetName(), obj: obj, yaml: doc})
	}
	if len(out) == 0 {
		t.Fatalf("%s renders no object", dir)
	}
	return out
}

// only returns the single object of type T, failing unless there is
// exactly one.
func only[T runtime.Object](t *testing.T, dir string, objs []object) T {
	t.Helper()
	var found []T
	for _, o := range objs {
		if v, ok := o.obj.(T); ok {
			found = append(found, v)
		}
	}
	if len(found) != 1 {
		var zero T
		t.Fatalf("%s renders %d objects of type %T, want exactly 1", dir, len(found), zero)
	}
	return found[0]
}

// all returns the objects of type T.
func all[T runtime.Object](objs []object) []T {
	var found []T
	for _, o := range objs {
		if v, ok := o.obj.(T); ok {
			found = append(found, v)
		}
	}
	return found
}

// podTemplate is a pod template and what owns it.
type podTemplate struct {
	owner string
	spec  corev1.PodTemplateSpec
}

// renderedPods renders dir and returns its pod templates; it fails the
// test when there are none.
func renderedPods(t *testing.T, dir string) []podTemplate {
	t.Helper()
	pods := podTemplates(render(t, dir))
	if len(pods) == 0 {
		t.Fatal("no pod template")
	}
	return pods
}

// podTemplates returns the pod templates of the workloads among objs.
func podTemplates(objs []object) []podTemplate {
	var out []podTemplate
	for _, o := range objs {
		switch v := o.obj.(type) {
		case *appsv1.Deployment:
			out = append(out, podTemplate{"Deployment " + v.Name, v.Spec.Template})
		case *batchv1.Job:
			out = append(out, podTemplate{"Job " + v.Name, v.Spec.Template})
		case *corev1.Pod:
			out = append(out, podTemplate{"Pod " + v.Name, corev1.PodTemplateSpec{ObjectMeta: v.ObjectMeta, Spec: v.Spec}})
		case *appsv1.StatefulSet, *appsv1.DaemonSet, *batchv1.CronJob:
			out = append(out, podTemplate{owner: "unchecked " + o.gvk.Kind + " " + o.name})
		}
	}
	return out
}

func TestStrictDecoder(t *testing.T) {
	const valid = `apiVersion: v1
kind: Service
metadata:
  name: s
spec:
  ports:
    - name: http
      port: 8080
`
	tests := []struct {
		name    string
		doc     string
		wantErr string // "" for a document that must decode
	}{
		{"valid service", valid, ""},
		{"unknown field", strings.Replace(valid, "port: 8080", "port: 8080\n      portt: 8080", 1), `unknown field "spec.ports[0].portt"`},
		{"field in another case", strings.Replace(valid, "port: 8080", "Port: 8080", 1), `unknown field "spec.ports[0].Port"`},
		{"duplicate field", strings.Replace(valid, "port: 8080", "port: 8080\n      port: 8081", 1), `already set`},
		{"wrong type", strings.Replace(valid, "port: 8080", "port: [8080]", 1), "cannot unmarshal"},
		{"unknown kind", "apiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata:\n  name: m\n", "no kind"},
		{"kind of another version", "apiVersion: autoscaling/v1\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: h\n", "no kind"},
		{"unknown Deployment field", `apiVersion: apps/v1
kind: Deployment
metadata:
  name: d
spec:
  replica: 2
`, `unknown field "spec.replica"`},
	}
	dec := newDecoder(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := dec.decode([]byte(tt.doc))
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("a valid document is rejected: %v", err)
			case tt.wantErr != "" && err == nil:
				t.Fatalf("decoded without an error; want one containing %q", tt.wantErr)
			case tt.wantErr != "" && !strings.Contains(err.Error(), tt.wantErr):
				t.Fatalf("error %q does not contain %q", err, tt.wantErr)
			}
		})
	}
}

func TestRenderedObjects(t *testing.T) {
	// The kinds each kustomization must render, and may render only.
	tests := []struct {
		dir   string
		kinds map[string]int
	}{
		{dirBase, serverKinds()},
		{dirCPU, serverKinds()},
		{dirGPU, serverKinds()},
		{dirAudit, map[string]int{"Job": 1, "PersistentVolumeClaim": 2}},
		{dirMerge, map[string]int{"Job": 1}},
		{dirLoader, map[string]int{"Pod": 1}},
	}
	for _, tt := range tests {
		t.Run(tt.dir, func(t *testing.T) {
			objs := render(t, tt.dir)
			got := map[string]int{}
			for _, o := range objs {
				got[o.gvk.Kind]++
				labels := o.obj.(interface{ GetLabels() map[string]string }).GetLabels()
				for _, k := range []string{"app.kubernetes.io/name", "app.kubernetes.io/part-of", "app.kubernetes.io/managed-by", "app.kubernetes.io/version"} {
					if labels[k] == "" {
						t.Errorf("%s %s lacks the label %s", o.gvk.Kind, o.name, k)
					}
				}
				ns := o.obj.(interface{ GetNamespace() string }).GetNamespace()
				if o.gvk.Kind != "Namespace" && ns != "modelcard" {
					t.Errorf("%s %s is in namespace %q, want modelcard", o.gvk.Kind, o.name, ns)
				}
			}
			for kind, n := range tt.kinds {
				if got[kind] != n {
					t.Errorf("%d objects of kind %s, want %d", got[kind], kind, n)
				}
			}
			for kind, n := range got {
				if _, ok := tt.kinds[kind]; !ok {
					t.Errorf("%d unexpected objects of kind %s", n, kind)
				}
			}
			for _, p := range podTemplates(objs) {
				if strings.HasPrefix(p.owner, "unchecked ") {
					t.Errorf("%s: add its pod template to the checks", p.owner)
				}
				// The version label is modelcard's: it must match the
				// modelcard image, not a helper's such as busybox.
				image := p.spec.Spec.Containers[0].Image
				if name, _ := splitImage(image); filepath.Base(name) != "modelcard" {
					continue
				}
				for k, v := range p.spec.Labels {
					if k == "app.kubernetes.io/version" && v != imageVersion(t, image) {
						t.Errorf("%s: label %s=%s but the image is %s", p.owner, k, v, image)
					}
				}
			}
		})
	}
}

func serverKinds() map[string]int {
	return map[string]int{
		"Namespace": 1, "ServiceAccount": 1, "ConfigMap": 1, "Deployment": 1, "Service": 1,
		"HorizontalPodAutoscaler": 1, "PodDisruptionBudget": 1, "NetworkPolicy": 1,
	}
}

// imageVersion is the version part of an image tag such as cpu-0.1.0.
func imageVersion(t *testing.T, image string) string {
	t.Helper()
	_, tag := splitImage(image)
	_, v, ok := strings.Cut(tag, "-")
	if !ok {
		return tag
	}
	return v
}

// splitImage splits an image reference into name and tag ("" when none);
// a digest counts as a tag.
func splitImage(image string) (name, tag string) {
	if n, d, ok := strings.Cut(image, "@"); ok {
		return n, d
	}
	slash := strings.LastIndex(image, "/")
	if colon := strings.LastIndex(image, ":"); colon > slash {
		return image[:colon], image[colon+1:]
	}
	return image, ""
}

func TestImagesCarryAVersionTag(t *testing.T) {
	tests := []struct {
		dir       string
		image     string // the image's last path element
		tagPrefix string
	}{
		{dirBase, "modelcard", "cpu-"},
		{dirCPU, "modelcard", "cpu-"},
		{dirGPU, "modelcard", "cuda-"},
		{dirAudit, "modelcard", "cpu-"},
		{dirMerge, "modelcard", "cpu-"},
		{dirLoader, "busybox", ""},
	}
	for _, tt := range tests {
		t.Run(tt.dir, func(t *testing.T) {
			pods := podTemplates(render(t, tt.dir))
			if len(pods) == 0 {
				t.Fatal("no pod template")
			}
			for _, p := range pods {
				cs := append(append([]corev1.Container{}, p.spec.Spec.InitContainers...), p.spec.Spec.Containers...)
				for _, c := range cs {
					name, tag := splitImage(c.Image)
					switch {
					case tag == "" || tag == "latest":
						t.Errorf("%s container %s: image %q has no version tag", p.owner, c.Name, c.Image)
					case !strings.HasPrefix(tag, tt.tagPrefix):
						t.Errorf("%s container %s: image tag %q, want %s<version>", p.owner, c.Name, tag, tt.tagPrefix)
					}
					if filepath.Base(name) != tt.image {
						t.Errorf("%s container %s: image %q is not %s", p.owner, c.Name, c.Image, tt.image)
					}
				}
			}
		})
	}
}

func TestPodSecurity(t *testing.T) {
	for _, dir := range allDirs() {
		t.Run(dir, func(t *testing.T) {
			pods := renderedPods(t, dir)
			for _, p := range pods {
				checkPodSecurity(t, p)
			}
		})
	}
}

// checkPodSecurity checks the restricted Pod Security Standard and more:
// non-root user 65532, read-only root, no privilege escalation, no
// capabilities, the runtime's seccomp profile, no service account token,
// and a writable emptyDir on /tmp.
func checkPodSecurity(t *testing.T, p podTemplate) {
	t.Helper()
	spec := p.spec.Spec
	psc := spec.SecurityContext
	if psc == nil {
		t.Errorf("%s: no pod securityContext", p.owner)
		psc = &corev1.PodSecurityContext{}
	}
	if spec.AutomountServiceAccountToken == nil || *spec.AutomountServiceAccountToken {
		t.Errorf("%s: automountServiceAccountToken is not false", p.owner)
	}
	if spec.HostNetwork || spec.HostPID || spec.HostIPC {
		t.Errorf("%s: uses a host namespace", p.owner)
	}
	for _, v := range spec.Volumes {
		if v.HostPath != nil {
			t.Errorf("%s: volume %s is a hostPath", p.owner, v.Name)
		}
	}
	emptyDirs := map[string]bool{}
	for _, v := range spec.Volumes {
		if v.EmptyDir != nil {
			emptyDirs[v.Name] = true
		}
	}
	if len(spec.Containers) == 0 {
		t.Errorf("%s: no container", p.owner)
	}
	for _, c := range append(append([]corev1.Container{}, spec.InitContainers...), spec.Containers...) {
		where := fmt.Sprintf("%s container %s", p.owner, c.Name)
		sc := c.SecurityContext
		if sc == nil {
			t.Errorf("%s: no securityContext", where)
			sc = &corev1.SecurityContext{}
		}
		nonRoot := firstBool(sc.RunAsNonRoot, psc.RunAsNonRoot)
		if nonRoot == nil || !*nonRoot {
			t.Errorf("%s: runAsNonRoot is not true", where)
		}
		if uid := firstInt64(sc.RunAsUser, psc.RunAsUser); uid == nil || *uid != 65532 {
			t.Errorf("%s: runAsUser is %v, want 65532", where, deref(uid))
		}
		if sc.ReadOnlyRootFilesystem == nil || !*sc.ReadOnlyRootFilesystem {
			t.Errorf("%s: readOnlyRootFilesystem is not true", where)
		}
		if sc.AllowPrivilegeEscalation == nil || *sc.AllowPrivilegeEscalation {
			t.Errorf("%s: allowPrivilegeEscalation is not false", where)
		}
		if sc.Privileged != nil && *sc.Privileged {
			t.Errorf("%s: privileged", where)
		}
		if sc.Capabilities == nil || len(sc.Capabilities.Drop) != 1 || sc.Capabilities.Drop[0] != "ALL" {
			t.Errorf("%s: capabilities do not drop ALL: %+v", where, sc.Capabilities)
		} else if len(sc.Capabilities.Add) > 0 {
			t.Errorf("%s: adds capabilities %v", where, sc.Capabilities.Add)
		}
		seccomp := sc.SeccompProfile
		if seccomp == nil {
			seccomp = psc.SeccompProfile
		}
		if seccomp == nil || seccomp.Type != corev1.SeccompProfileTypeRuntimeDefault {
			t.Errorf("%s: seccompProfile is %+v, want RuntimeDefault", where, seccomp)
		}
		tmp := false
		for _, m := range c.VolumeMounts {
			tmp = tmp || (m.MountPath == "/tmp" && emptyDirs[m.Name] && !m.ReadOnly)
		}
		if !tmp {
			t.Errorf("%s: no writable emptyDir on /tmp", where)
		}
		if c.Resources.Requests.Cpu().IsZero() || c.Resources.Requests.Memory().IsZero() ||
			c.Resources.Limits.Cpu().IsZero() || c.Resources.Limits.Memory().IsZero() {
			t.Errorf("%s: resources need cpu and memory requests and limits: %+v", where, c.Resources)
		}
		for name, req := range c.Resources.Requests {
			if lim, ok := c.Resources.Limits[name]; ok && req.Cmp(lim) > 0 {
				t.Errorf("%s: %s request %s is above its limit %s", where, name, req.String(), lim.String())
			}
		}
	}
}

func firstBool(vs ...*bool) *bool {
	for _, v := range vs {
		if v != nil {
			return v
		}
	}
	return nil
}

func firstInt64(vs ...*int64) *int64 {
	for _, v := range vs {
		if v != nil {
			return v
		}
	}
	return nil
}

func deref[T any](p *T) any {
	if p == nil {
		return "unset"
	}
	return *p
}

// readRepoFile reads a file of the repository, relative to its root.
func readRepoFile(t *testing.T, rel string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", filepath.FromSlash(rel)))
	if err != nil {
		t.Fatalf("read %s of the repository: %v", rel, err)
	}
	return data
}
