// Package kubernetes holds the Kubernetes manifests of modelcard as
// kustomizations, and the tests that render them and check them:
//
//   - base: the daemon (`modelcard serve`) with its Service, ConfigMap,
//     HorizontalPodAutoscaler, PodDisruptionBudget, NetworkPolicy and
//     ServiceAccount;
//   - overlays/cpu and overlays/gpu: the daemon on the CPU image, or on the
//     CUDA image with one NVIDIA GPU per pod;
//   - audit-job: a sharded audit as an Indexed Job (created suspended) over
//     a claim of cards; audit-job/loader, the busybox pod that copies the
//     cards onto the claim; and audit-job/merge, the Job that merges the
//     shards' results.
//
// The package has no Go API: its tests render every kustomization with the
// kustomize library, decode each object strictly into its Kubernetes API
// type, and check the properties the deployment relies on.
package kubernetes
