package kubernetes

import (
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
)

// goImages tells, for each image the manifests run, whether its program is
// written in Go and so reads GOMEMLIMIT.
var goImages = map[string]bool{
	"modelcard": true,
	"busybox":   false,
}

// The share of the container's memory limit GOMEMLIMIT may take: below the
// limit by enough for the memory outside the Go heap (goroutine stacks,
// the runtime's own, the CUDA driver's host memory), and not so low that
// the collector runs all the time.
const (
	minMemLimitShare = 0.70
	maxMemLimitShare = 0.90
)

// parseGoMemLimit parses GOMEMLIMIT as the Go runtime does: a byte count
// with an optional unit B, KiB, MiB, GiB or TiB ("off" and an empty value
// set no limit, an error here).
func parseGoMemLimit(s string) (int64, error) {
	units := []struct {
		suffix string
		factor int64
	}{{"TiB", 1 << 40}, {"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}, {"B", 1}}
	num, factor := s, int64(1)
	for _, u := range units {
		if n, ok := strings.CutSuffix(s, u.suffix); ok {
			num, factor = n, u.factor
			break
		}
	}
	if num == "" || strings.ContainsAny(num[:1], "+-") {
		return 0, fmt.Errorf("GOMEMLIMIT %q is not a byte count such as 870MiB", s)
	}
	n, err := strconv.ParseUint(num, 10, 63)
	if err != nil || n > uint64(1<<63-1)/uint64(factor) {
		return 0, fmt.Errorf("GOMEMLIMIT %q is not a byte count such as 870MiB", s)
	}
	return int64(n) * factor, nil
}

func TestParseGoMemLimit(t *testing.T) {
	tests := []struct {
		in      string
		want    int64
		wantErr bool
	}{
		{"870MiB", 870 << 20, false},
		{"1740MiB", 1740 << 20, false},
		{"3GiB", 3 << 30, false},
		{"1TiB", 1 << 40, false},
		{"512KiB", 512 << 10, false},
		{"1000B", 1000, false},
		{"1000", 1000, false},
		{"", 0, true},
		{"off", 0, true},
		{"MiB", 0, true},
		{"-1MiB", 0, true},
		{"+1MiB", 0, true},
		{"1Gi", 0, true}, // Kubernetes' spelling; Go wants GiB
		{"1.5GiB", 0, true},
		{"1GB", 0, true},
		{"16777216TiB", 0, true}, // overflows int64
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := parseGoMemLimit(tt.in)
			if (err != nil) != tt.wantErr {
				t.Fatalf("parseGoMemLimit(%q) = %d, %v; want an error: %v", tt.in, got, err, tt.wantErr)
			}
			if got != tt.want {
				t.Errorf("parseGoMemLimit(%q) = %d, want %d", tt.in, got, tt.want)
			}
		})
	}
}

func TestGoMemLimitBelowMemoryLimit(t *testing.T) {
	for _, dir := range allDirs() {
		t.Run(dir, func(t *testing.T) {
			pods := renderedPods(t, dir)
			for _, p := range pods {
				for _, c := range append(append([]corev1.Container{}, p.spec.Spec.InitContainers...), p.spec.Spec.Containers...) {
					where := fmt.Sprintf("%s container %s", p.owner, c.Name)
					name, _ := splitImage(c.Image)
					isGo, known := goImages[filepath.Base(name)]
					if !known {
						t.Errorf("%s: image %s: say in goImages whether it runs a Go program", where, c.Image)
						continue
					}
					limit, hasLimit := c.Resources.Limits[corev1.ResourceMemory]
					if !isGo || !hasLimit {
						continue
					}
					var values []string
					for _, e := range c.Env {
						if e.Name != "GOMEMLIMIT" {
							continue
						}
						if e.ValueFrom != nil {
							// A resourceFieldRef gives the whole limit, and
							// cannot take a share of it.
							t.Errorf("%s: GOMEMLIMIT comes from %+v; give an explicit value below the limit", where, e.ValueFrom)
						}
						values = append(values, e.Value)
					}
					if len(values) != 1 {
						t.Errorf("%s: GOMEMLIMIT is set %d times, want once for the memory limit %s", where, len(values), limit.String())
						continue
					}
					v, err := parseGoMemLimit(values[0])
					if err != nil {
						t.Errorf("%s: %v", where, err)
						continue
					}
					share := float64(v) / float64(limit.Value())
					if share < minMemLimitShare || share > maxMemLimitShare {
						t.Errorf("%s: GOMEMLIMIT %s is %.1f %% of the memory limit %s, want %.0f to %.0f %%",
							where, values[0], 100*share, limit.String(), 100*minMemLimitShare, 100*maxMemLimitShare)
					}
				}
			}
		})
	}
}
