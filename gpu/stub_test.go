//go:build cpu

package gpu

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/terragonlabs/modelcard-generator/engine/enginetest"
)

func TestStubRefuses(t *testing.T) {
	m := enginetest.RandomModel(rand.New(rand.NewPCG(1, 2)), 16, 3, 1)
	be, err := Factory(m)
	if err == nil || be != nil {
		t.Fatalf("Factory = %v, %v; want no backend and an error", be, err)
	}
	for _, err := range []error{err, Available()} {
		if !strings.Contains(err.Error(), "built without CUDA") {
			t.Errorf("error %q does not say the build lacks CUDA", err)
		}
	}
}
