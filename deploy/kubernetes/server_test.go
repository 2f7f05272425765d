package kubernetes

import (
	"fmt"
	"net"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// gpuResource is the extended resource of the NVIDIA device plugin.
const gpuResource corev1.ResourceName = "nvidia.com/gpu"

// server is the rendered daemon of one kustomization.
type server struct {
	dir        string
	deploy     *appsv1.Deployment
	container  corev1.Container
	service    *corev1.Service
	config     *corev1.ConfigMap
	hpa        *autoscalingv2.HorizontalPodAutoscaler
	pdb        *policyv1.PodDisruptionBudget
	netpol     *networkingv1.NetworkPolicy
	account    *corev1.ServiceAccount
	settings   map[string]any // the daemon's config file, keys flattened
	configFile string         // its path in the container
}

// loadServer renders dir and picks out the daemon's objects.
func loadServer(t *testing.T, dir string) server {
	t.Helper()
	objs := render(t, dir)
	s := server{
		dir:     dir,
		deploy:  only[*appsv1.Deployment](t, dir, objs),
		service: only[*corev1.Service](t, dir, objs),
		config:  only[*corev1.ConfigMap](t, dir, objs),
		hpa:     only[*autoscalingv2.HorizontalPodAutoscaler](t, dir, objs),
		pdb:     only[*policyv1.PodDisruptionBudget](t, dir, objs),
		netpol:  only[*networkingv1.NetworkPolicy](t, dir, objs),
		account: only[*corev1.ServiceAccount](t, dir, objs),
	}
	cs := s.deploy.Spec.Template.Spec.Containers
	if len(cs) != 1 {
		t.Fatalf("%s: the Deployment has %d containers, want 1", dir, len(cs))
	}
	s.container = cs[0]
	s.configFile, s.settings = daemonSettings(t, s)
	return s
}

// daemonSettings follows the container's --config argument to the
// ConfigMap key mounted there and parses it.
func daemonSettings(t *testing.T, s server) (string, map[string]any) {
	t.Helper()
	args := s.container.Args
	if len(args) == 0 || args[0] != "serve" {
		t.Fatalf("%s: the container runs %q, want `serve ...`", s.dir, args)
	}
	path := flagValue(args, "--config")
	if path == "" {
		t.Fatalf("%s: serve is not given --config: %q", s.dir, args)
	}
	volume, key := "", ""
	for _, m := range s.container.VolumeMounts {
		if rel, ok := strings.CutPrefix(path, strings.TrimSuffix(m.MountPath, "/")+"/"); ok {
			volume, key = m.Name, rel
			if !m.ReadOnly {
				t.Errorf("%s: the config volume is mounted writable", s.dir)
			}
		}
	}
	var cm string
	for _, v := range s.deploy.Spec.Template.Spec.Volumes {
		if v.Name == volume && v.ConfigMap != nil {
			cm = v.ConfigMap.Name
		}
	}
	if cm != s.config.Name {
		t.Fatalf("%s: --config %s is not on a volume of the ConfigMap %s (mounted volume %q, ConfigMap %q)", s.dir, path, s.config.Name, volume, cm)
	}
	data, ok := s.config.Data[key]
	if !ok {
		t.Fatalf("%s: the ConfigMap %s has no key %q for --config %s", s.dir, cm, key, path)
	}
	return path, parseSettings(t, s.dir, []byte(data))
}

// flagValue returns the value after flag in args, or after flag=.
func flagValue(args []string, flag string) string {
	for i, a := range args {
		if a == flag && i+1 < len(args) {
			return args[i+1]
		}
		if v, ok := strings.CutPrefix(a, flag+"="); ok {
			return v
		}
	}
	return ""
}

// setting returns a daemon setting from the config file, or the default
// docs/daemon-config.md gives.
func (s server) setting(t *testing.T, key string) any {
	t.Helper()
	if v, ok := s.settings[key]; ok {
		return v
	}
	k, ok := daemonKeys(t)[key]
	if !ok {
		t.Fatalf("docs/daemon-config.md has no key %q", key)
	}
	return k.def
}

// port returns the port of a listen address setting.
func (s server) port(t *testing.T, key string) int32 {
	t.Helper()
	addr, _ := s.setting(t, key).(string)
	_, p, err := net.SplitHostPort(addr)
	n, err2 := strconv.Atoi(p)
	if err != nil || err2 != nil {
		t.Fatalf("%s: %s %q is not HOST:PORT", s.dir, key, addr)
	}
	return int32(n)
}

// containerPort resolves a probe or Service target port on the container.
func (s server) containerPort(p intstr.IntOrString) int32 {
	if p.Type == intstr.Int {
		return p.IntVal
	}
	for _, cp := range s.container.Ports {
		if cp.Name == p.StrVal {
			return cp.ContainerPort
		}
	}
	return -1
}

// podLabels are the labels of the daemon's pods.
func (s server) podLabels() labels.Set { return s.deploy.Spec.Template.Labels }

func TestServerPorts(t *testing.T) {
	for _, dir := range serverDirs() {
		t.Run(dir, func(t *testing.T) {
			s := loadServer(t, dir)
			want := map[string]int32{"http": 8080, "metrics": 9090}
			if got := s.containerPort(intstr.FromString("http")); got != want["http"] || s.port(t, "http_addr") != got {
				t.Errorf("container port http is %d and http_addr's port %d; want both 8080", got, s.port(t, "http_addr"))
			}
			if got := s.containerPort(intstr.FromString("metrics")); got != want["metrics"] || s.port(t, "metrics_addr") != got {
				t.Errorf("container port metrics is %d and metrics_addr's port %d; want both 9090", got, s.port(t, "metrics_addr"))
			}
			if len(s.container.Ports) != len(want) {
				t.Errorf("the container declares %d ports, want http and metrics only", len(s.container.Ports))
			}
			svc := map[string]corev1.ServicePort{}
			for _, p := range s.service.Spec.Ports {
				svc[p.Name] = p
			}
			for name, port := range want {
				p, ok := svc[name]
				switch {
				case !ok:
					t.Errorf("the Service has no port named %q", name)
				case p.Port != port || s.containerPort(p.TargetPort) != port:
					t.Errorf("Service port %s is %d → %d, want %d → %d", name, p.Port, s.containerPort(p.TargetPort), port, port)
				}
			}
			if len(svc) != len(want) {
				t.Errorf("the Service has %d ports, want http and metrics", len(svc))
			}
			if !labels.SelectorFromSet(s.service.Spec.Selector).Matches(s.podLabels()) || len(s.service.Spec.Selector) == 0 {
				t.Errorf("the Service selector %v does not select the pods %v", s.service.Spec.Selector, s.podLabels())
			}
			ann := s.deploy.Spec.Template.Annotations
			for k, v := range map[string]string{"prometheus.io/scrape": "true", "prometheus.io/port": "9090", "prometheus.io/path": "/metrics"} {
				if ann[k] != v {
					t.Errorf("pod annotation %s is %q, want %q", k, ann[k], v)
				}
			}
		})
	}
}

func TestServerProbes(t *testing.T) {
	for _, dir := range serverDirs() {
		t.Run(dir, func(t *testing.T) {
			s := loadServer(t, dir)
			probes := []struct {
				name  string
				probe *corev1.Probe
				path  string
			}{
				{"liveness", s.container.LivenessProbe, "/health"},
				{"readiness", s.container.ReadinessProbe, "/ready"},
				{"startup", s.container.StartupProbe, "/health"},
			}
			for _, p := range probes {
				switch {
				case p.probe == nil:
					t.Errorf("no %s probe", p.name)
				case p.probe.HTTPGet == nil:
					t.Errorf("the %s probe is not an HTTP GET", p.name)
				case p.probe.HTTPGet.Path != p.path || s.containerPort(p.probe.HTTPGet.Port) != 8080:
					t.Errorf("the %s probe gets %s on port %d, want %s on 8080", p.name, p.probe.HTTPGet.Path, s.containerPort(p.probe.HTTPGet.Port), p.path)
				}
			}
		})
	}
}

func TestServerShutdown(t *testing.T) {
	for _, dir := range serverDirs() {
		t.Run(dir, func(t *testing.T) {
			s := loadServer(t, dir)
			duration := func(key string) time.Duration {
				raw, _ := s.setting(t, key).(string)
				d, err := time.ParseDuration(raw)
				if err != nil {
					t.Fatalf("%s %q: %v", key, raw, err)
				}
				return d
			}
			// After SIGTERM the daemon answers for drain_delay, then
			// gives the requests in flight shutdown_timeout.
			drain := duration("drain_delay") + duration("shutdown_timeout")
			var sleep time.Duration
			if l := s.container.Lifecycle; l != nil && l.PreStop != nil {
				if l.PreStop.Sleep == nil {
					t.Fatal("the preStop hook is not a sleep action: the image has no shell")
				}
				sleep = time.Duration(l.PreStop.Sleep.Seconds) * time.Second
			}
			g := s.deploy.Spec.Template.Spec.TerminationGracePeriodSeconds
			if g == nil || time.Duration(*g)*time.Second <= sleep+drain {
				t.Errorf("terminationGracePeriodSeconds %v is not above the preStop sleep %v plus drain_delay and shutdown_timeout (%v)", deref(g), sleep, drain)
			}
		})
	}
}

func TestServerAccount(t *testing.T) {
	for _, dir := range serverDirs() {
		t.Run(dir, func(t *testing.T) {
			s := loadServer(t, dir)
			pod := s.deploy.Spec.Template.Spec
			if pod.ServiceAccountName != s.account.Name {
				t.Errorf("the pods run as %q, not the ServiceAccount %q", pod.ServiceAccountName, s.account.Name)
			}
			if a := s.account.AutomountServiceAccountToken; a == nil || *a {
				t.Errorf("the ServiceAccount's automountServiceAccountToken is %v, want false", deref(a))
			}
			if a := pod.AutomountServiceAccountToken; a == nil || *a {
				t.Errorf("the pod's automountServiceAccountToken is %v, want false", deref(a))
			}
		})
	}
}

func TestServerScaling(t *testing.T) {
	tests := []struct {
		dir         string
		maxReplicas int32 // at most
	}{
		{dirBase, 20},
		{dirCPU, 20},
		{dirGPU, 8}, // each replica holds a whole GPU
	}
	for _, tt := range tests {
		t.Run(tt.dir, func(t *testing.T) {
			s := loadServer(t, tt.dir)
			h := s.hpa.Spec
			if h.ScaleTargetRef.Kind != "Deployment" || h.ScaleTargetRef.Name != s.deploy.Name || h.ScaleTargetRef.APIVersion != "apps/v1" {
				t.Errorf("the HPA scales %+v, not the Deployment %s", h.ScaleTargetRef, s.deploy.Name)
			}
			if h.MinReplicas == nil || *h.MinReplicas < 1 || *h.MinReplicas > h.MaxReplicas || h.MaxReplicas > tt.maxReplicas {
				t.Errorf("replicas %v to %d; want 1 <= min <= max <= %d (TestServerAvailability wants min >= 2)", deref(h.MinReplicas), h.MaxReplicas, tt.maxReplicas)
			}
			cpu := false
			for _, m := range h.Metrics {
				if m.Type == autoscalingv2.ResourceMetricSourceType && m.Resource != nil && m.Resource.Name == corev1.ResourceCPU &&
					m.Resource.Target.Type == autoscalingv2.UtilizationMetricType && m.Resource.Target.AverageUtilization != nil {
					u := *m.Resource.Target.AverageUtilization
					cpu = true
					if u < 10 || u > 95 {
						t.Errorf("CPU utilisation target %d%%, want 10 to 95", u)
					}
				}
			}
			if !cpu {
				t.Errorf("the HPA has no CPU utilisation target: %+v", h.Metrics)
			}
			if s.container.Resources.Requests.Cpu().IsZero() {
				t.Error("no CPU request: CPU utilisation has nothing to be measured against")
			}
			if h.Behavior == nil || h.Behavior.ScaleDown == nil || h.Behavior.ScaleDown.StabilizationWindowSeconds == nil ||
				*h.Behavior.ScaleDown.StabilizationWindowSeconds < 60 {
				t.Error("scale-down has no stabilization window of at least 60 s: replicas would flap")
			}
		})
	}
}

// disruptionsAllowed is how many of n healthy pods the PodDisruptionBudget
// lets be evicted at once, as the disruption controller computes it: a
// percentage of maxUnavailable or minAvailable is rounded up.
func disruptionsAllowed(pdb policyv1.PodDisruptionBudgetSpec, n int) (int, error) {
	var healthy int
	switch {
	case pdb.MaxUnavailable != nil && pdb.MinAvailable != nil:
		return 0, fmt.Errorf("both minAvailable and maxUnavailable are set")
	case pdb.MaxUnavailable != nil:
		u, err := intstr.GetScaledValueFromIntOrPercent(pdb.MaxUnavailable, n, true)
		if err != nil {
			return 0, fmt.Errorf("maxUnavailable: %w", err)
		}
		healthy = n - u
	case pdb.MinAvailable != nil:
		m, err := intstr.GetScaledValueFromIntOrPercent(pdb.MinAvailable, n, true)
		if err != nil {
			return 0, fmt.Errorf("minAvailable: %w", err)
		}
		healthy = m
	default:
		return 0, fmt.Errorf("neither minAvailable nor maxUnavailable is set")
	}
	return max(n-max(healthy, 0), 0), nil
}

func TestDisruptionsAllowed(t *testing.T) {
	one, two, zero := intstr.FromInt32(1), intstr.FromInt32(2), intstr.FromInt32(0)
	half, all := intstr.FromString("50%"), intstr.FromString("100%")
	tests := []struct {
		name    string
		pdb     policyv1.PodDisruptionBudgetSpec
		n       int
		want    int
		wantErr bool
	}{
		{"maxUnavailable 1 of 2", policyv1.PodDisruptionBudgetSpec{MaxUnavailable: &one}, 2, 1, false},
		{"maxUnavailable 1 of 1", policyv1.PodDisruptionBudgetSpec{MaxUnavailable: &one}, 1, 1, false},
		{"maxUnavailable 2 of 4", policyv1.PodDisruptionBudgetSpec{MaxUnavailable: &two}, 4, 2, false},
		{"maxUnavailable 2 of 1", policyv1.PodDisruptionBudgetSpec{MaxUnavailable: &two}, 1, 1, false},
		{"maxUnavailable 0", policyv1.PodDisruptionBudgetSpec{MaxUnavailable: &zero}, 3, 0, false},
		{"maxUnavailable 50% of 3 rounds up", policyv1.PodDisruptionBudgetSpec{MaxUnavailable: &half}, 3, 2, false},
		{"minAvailable 1 of 1", policyv1.PodDisruptionBudgetSpec{MinAvailable: &one}, 1, 0, false},
		{"minAvailable 1 of 3", policyv1.PodDisruptionBudgetSpec{MinAvailable: &one}, 3, 2, false},
		{"minAvailable 50% of 3 rounds up", policyv1.PodDisruptionBudgetSpec{MinAvailable: &half}, 3, 1, false},
		{"minAvailable 100%", policyv1.PodDisruptionBudgetSpec{MinAvailable: &all}, 4, 0, false},
		{"neither", policyv1.PodDisruptionBudgetSpec{}, 2, 0, true},
		{"both", policyv1.PodDisruptionBudgetSpec{MinAvailable: &one, MaxUnavailable: &one}, 2, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := disruptionsAllowed(tt.pdb, tt.n)
			if (err != nil) != tt.wantErr {
				t.Fatalf("error %v, want one: %v", err, tt.wantErr)
			}
			if got != tt.want {
				t.Errorf("got %d, want %d", got, tt.want)
			}
		})
	}
}

func TestServerAvailability(t *testing.T) {
	// Every overlay keeps a pod serving through a rollout and a drain: at
	// least 2 replicas, a PodDisruptionBudget that lets exactly one go at
	// a time (a drain never blocks and never takes them all), and a
	// rolling update that starts a new pod before it stops an old one.
	tests := []struct {
		dir            string
		maxSurge       intstr.IntOrString
		maxUnavailable intstr.IntOrString
	}{
		{dirBase, intstr.FromInt32(1), intstr.FromInt32(0)},
		{dirCPU, intstr.FromInt32(1), intstr.FromInt32(0)},
		// A third GPU for the surge pod (see patch-deployment.yaml).
		{dirGPU, intstr.FromInt32(1), intstr.FromInt32(0)},
	}
	for _, tt := range tests {
		t.Run(tt.dir, func(t *testing.T) {
			s := loadServer(t, tt.dir)
			h := s.hpa.Spec
			if h.MinReplicas == nil || *h.MinReplicas < 2 {
				t.Fatalf("the HPA's minReplicas is %v, want at least 2: one pod is a full outage on every rollout and drain", deref(h.MinReplicas))
			}
			lo, hi := int(*h.MinReplicas), int(h.MaxReplicas)
			if r := s.deploy.Spec.Replicas; r == nil || int(*r) < lo || int(*r) > hi {
				t.Errorf("the Deployment's replicas %v, want within the HPA's %d to %d", deref(r), lo, hi)
			}
			sel, err := metav1.LabelSelectorAsSelector(s.pdb.Spec.Selector)
			if err != nil || sel.Empty() || !sel.Matches(s.podLabels()) {
				t.Errorf("the PodDisruptionBudget selector %v does not select the pods %v (%v)", s.pdb.Spec.Selector, s.podLabels(), err)
			}
			for n := lo; n <= hi; n++ {
				d, err := disruptionsAllowed(s.pdb.Spec, n)
				if err != nil {
					t.Fatalf("the PodDisruptionBudget: %v", err)
				}
				if d != 1 {
					t.Errorf("with %d replicas the PodDisruptionBudget allows %d disruptions, want 1", n, d)
				}
			}
			st := s.deploy.Spec.Strategy
			if st.Type != appsv1.RollingUpdateDeploymentStrategyType || st.RollingUpdate == nil ||
				st.RollingUpdate.MaxSurge == nil || st.RollingUpdate.MaxUnavailable == nil {
				t.Fatalf("strategy %+v, want RollingUpdate with maxSurge and maxUnavailable", st)
			}
			if *st.RollingUpdate.MaxSurge != tt.maxSurge || *st.RollingUpdate.MaxUnavailable != tt.maxUnavailable {
				t.Errorf("rolling update maxSurge %s maxUnavailable %s, want %s and %s",
					st.RollingUpdate.MaxSurge.String(), st.RollingUpdate.MaxUnavailable.String(), tt.maxSurge.String(), tt.maxUnavailable.String())
			}
			for n := lo; n <= hi; n++ {
				// The Deployment controller rounds maxUnavailable down.
				u, err := intstr.GetScaledValueFromIntOrPercent(st.RollingUpdate.MaxUnavailable, n, false)
				if err != nil {
					t.Fatalf("maxUnavailable: %v", err)
				}
				if u > 1 {
					t.Errorf("with %d replicas a rollout stops %d pods at once, want at most 1", n, u)
				}
			}
		})
	}
}

func TestServerNetworkPolicy(t *testing.T) {
	// The peers each port admits: namespace name → pod labels ("" for any pod).
	want := map[int32]map[string]string{
		8080: {"ingress-nginx": ""},
		9090: {"monitoring": "app.kubernetes.io/name=prometheus"},
	}
	for _, dir := range serverDirs() {
		t.Run(dir, func(t *testing.T) {
			s := loadServer(t, dir)
			np := s.netpol.Spec
			sel, err := metav1.LabelSelectorAsSelector(&np.PodSelector)
			if err != nil || sel.Empty() || !sel.Matches(s.podLabels()) {
				t.Errorf("the policy's podSelector %v does not select the pods %v", np.PodSelector, s.podLabels())
			}
			if !slices.Contains(np.PolicyTypes, networkingv1.PolicyTypeIngress) {
				t.Errorf("policyTypes %v lack Ingress", np.PolicyTypes)
			}
			if slices.Contains(np.PolicyTypes, networkingv1.PolicyTypeEgress) && len(np.Egress) > 0 {
				t.Errorf("the daemon makes no outgoing connection, yet %d egress rules admit some", len(np.Egress))
			}
			got := map[int32]map[string]string{}
			for i, r := range np.Ingress {
				if len(r.Ports) == 0 {
					t.Errorf("ingress rule %d admits every port", i)
				}
				if len(r.From) == 0 {
					t.Errorf("ingress rule %d admits every source", i)
				}
				for _, p := range r.Ports {
					if p.Port == nil || p.Port.Type != intstr.Int || p.EndPort != nil {
						t.Errorf("ingress rule %d: port %+v is not one port number", i, p)
						continue
					}
					if p.Protocol != nil && *p.Protocol != corev1.ProtocolTCP {
						t.Errorf("ingress rule %d: protocol %s, want TCP", i, *p.Protocol)
					}
					port := p.Port.IntVal
					if _, ok := want[port]; !ok {
						t.Errorf("ingress rule %d admits port %d; only 8080 and 9090 may be reached", i, port)
						continue
					}
					for _, peer := range r.From {
						if peer.IPBlock != nil || peer.NamespaceSelector == nil {
							t.Errorf("ingress rule %d: peer %+v is not a namespace (with pods)", i, peer)
							continue
						}
						ns := peer.NamespaceSelector.MatchLabels["kubernetes.io/metadata.name"]
						if ns == "" || len(peer.NamespaceSelector.MatchLabels) != 1 || len(peer.NamespaceSelector.MatchExpressions) > 0 {
							t.Errorf("ingress rule %d: namespaceSelector %v does not name one namespace", i, peer.NamespaceSelector)
						}
						pods := ""
						if peer.PodSelector != nil {
							pods = labels.Set(peer.PodSelector.MatchLabels).String()
						}
						if got[port] == nil {
							got[port] = map[string]string{}
						}
						got[port][ns] = pods
					}
				}
			}
			for port, peers := range want {
				for ns, pods := range peers {
					if g, ok := got[port][ns]; !ok || g != pods {
						t.Errorf("port %d: namespace %s pods %q admitted? %v (pods %q)", port, ns, pods, ok, g)
					}
				}
				if len(got[port]) != len(peers) {
					t.Errorf("port %d admits %v, want %v", port, got[port], peers)
				}
			}
		})
	}
}

func TestServerBackends(t *testing.T) {
	tests := []struct {
		dir      string
		backend  string
		gpu      bool
		minBatch float64
	}{
		{dirBase, "auto", false, 1},
		{dirCPU, "cpu", false, 1},
		{dirGPU, "cuda", true, 256},
	}
	for _, tt := range tests {
		t.Run(tt.dir, func(t *testing.T) {
			s := loadServer(t, tt.dir)
			if b := s.setting(t, "backend"); b != tt.backend {
				t.Errorf("backend %v, want %s", b, tt.backend)
			}
			if b, _ := s.setting(t, "batch_size").(float64); b < tt.minBatch {
				t.Errorf("batch_size %v, want at least %v", b, tt.minBatch)
			}
			pod := s.deploy.Spec.Template.Spec
			gpuLimit, hasLimit := s.container.Resources.Limits[gpuResource]
			_, hasRequest := s.container.Resources.Requests[gpuResource]
			tolerates := slices.ContainsFunc(pod.Tolerations, func(t corev1.Toleration) bool {
				return t.Key == string(gpuResource) && t.Effect == corev1.TaintEffectNoSchedule &&
					(t.Operator == corev1.TolerationOpExists || t.Operator == "")
			})
			selects := pod.NodeSelector["nvidia.com/gpu.present"] == "true"
			if tt.gpu {
				if !hasLimit || gpuLimit.Value() != 1 {
					t.Errorf("limits %s = %v, want 1", gpuResource, s.container.Resources.Limits[gpuResource])
				}
				if !tolerates {
					t.Errorf("no toleration of the %s:NoSchedule taint: %+v", gpuResource, pod.Tolerations)
				}
				if !selects {
					t.Errorf("nodeSelector %v does not pick GPU nodes (nvidia.com/gpu.present: \"true\")", pod.NodeSelector)
				}
				return
			}
			if hasLimit || hasRequest || tolerates || selects || len(pod.Tolerations) > 0 || len(pod.NodeSelector) > 0 {
				t.Errorf("a CPU deployment asks for GPU nodes: resources %+v, tolerations %+v, nodeSelector %v",
					s.container.Resources, pod.Tolerations, pod.NodeSelector)
			}
		})
	}
}
