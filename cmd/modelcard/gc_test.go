package main

import (
	"runtime/debug"
	"testing"
)

// TestWithGenerateGC checks that generation raises the collector's target
// unless GOGC is set, and that the previous target comes back.
func TestWithGenerateGC(t *testing.T) {
	const before = 150
	tests := []struct {
		name   string
		gogc   string
		during int
	}{
		{"GOGC unset", "", generateGCPercent},
		{"GOGC set", "100", before},
		{"GOGC off", "off", before},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			orig := debug.SetGCPercent(before)
			defer debug.SetGCPercent(orig)
			restore := withGenerateGC(func(key string) string {
				if key == "GOGC" {
					return tt.gogc
				}
				return ""
			})
			// SetGCPercent returns the target it replaces.
			if got := debug.SetGCPercent(tt.during); got != tt.during {
				t.Errorf("target during generation = %d, want %d", got, tt.during)
			}
			restore()
			if got := debug.SetGCPercent(before); got != before {
				t.Errorf("target after = %d, want %d restored", got, before)
			}
		})
	}
}
