package engine

import (
	"testing"

	"github.com/terragonlabs/modelcard-generator/internal/sharedtest"
)

// corpusEntry is one row of the corpus index.
type corpusEntry = sharedtest.Entry

// sharedDir returns the shared material's folder, failing the test when it
// is missing.
func sharedDir(t testing.TB) string { return sharedtest.Dir(t) }

// corpusEntries reads the corpus index.
func corpusEntries(t testing.TB) []corpusEntry { return sharedtest.Entries(t) }
