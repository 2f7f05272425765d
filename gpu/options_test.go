package gpu

import "testing"

// TestOptions holds each option to its documented effect, in both builds:
// a value in range replaces the default, one out of range keeps it, and a
// later option wins over an earlier one.
func TestOptions(t *testing.T) {
	defaults := defaultConfig()
	tests := []struct {
		name string
		opts []Option
		want config
	}{
		{"none", nil, defaults},
		{"chunk rows", []Option{WithChunkRows(64)}, with(defaults, func(c *config) { c.chunkRows = 64 })},
		{"chunk rows zero keeps the default", []Option{WithChunkRows(0)}, defaults},
		{"chunk rows negative keeps the default", []Option{WithChunkRows(-5)}, defaults},
		{"chunk values", []Option{WithChunkNNZ(1000)}, with(defaults, func(c *config) { c.chunkNNZ = 1000 })},
		{"chunk values zero keeps the default", []Option{WithChunkNNZ(0)}, defaults},
		{"pool cap zero keeps nothing", []Option{WithPoolCap(0)}, with(defaults, func(c *config) { c.poolCap = 0 })},
		{"pool cap negative keeps the default", []Option{WithPoolCap(-1)}, defaults},
		{"devices", []Option{WithDevices(2)}, with(defaults, func(c *config) { c.devices = 2 })},
		{"devices zero means all", []Option{WithDevices(0)}, defaults},
		{"the last option wins", []Option{WithChunkRows(8), WithChunkRows(16)}, with(defaults, func(c *config) { c.chunkRows = 16 })},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := newConfig(tt.opts); got != tt.want {
				t.Errorf("newConfig = %+v, want %+v", got, tt.want)
			}
		})
	}
	if defaults.devices != 0 || defaults.chunkRows <= 0 || defaults.chunkNNZ <= 0 || defaults.poolCap <= 0 {
		t.Errorf("defaults %+v: want every device and positive chunk and pool sizes", defaults)
	}
}

// with returns c changed by set.
func with(c config, set func(*config)) config {
	set(&c)
	return c
}
