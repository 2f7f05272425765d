package main

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestDescribeJSONError(t *testing.T) {
	type record struct {
		Path   string             `json:"path"`
		Text   *string            `json:"text"`
		Bytes  int                `json:"bytes"`
		Scores map[string]float64 `json:"scores"`
		Flag   bool               `json:"flag"`
	}
	tests := []struct {
		line string
		want string
	}{
		{`{"text": 123}`, `the "text" field is a number; it must be a string`},
		{`{"path": ["a"]}`, `the "path" field is an array; it must be a string`},
		{`{"bytes": "12"}`, `the "bytes" field is a string; it must be a whole number`},
		{`{"bytes": 1.5}`, `the "bytes" field is a number 1.5; it must be a whole number`},
		{`{"scores": {"hf-hub": "high"}}`, `the "scores" field is a string; it must be a number`},
		{`{"flag": "yes"}`, `the "flag" field is a string; it must be true or false`},
		{`{"path": true}`, `the "path" field is true or false; it must be a string`},
		{`[1, 2]`, `the value is an array; it must be an object`},
		{`{"text": "x"`, `not valid JSON at byte 12: unexpected end of JSON input`},
		{`{"text" "x"}`, `not valid JSON at byte 9: invalid character '"' after object key`},
	}
	for _, tt := range tests {
		var r record
		err := json.Unmarshal([]byte(tt.line), &r)
		if err == nil {
			t.Fatalf("%s: no error", tt.line)
		}
		got := describeJSONError(err)
		if got != tt.want {
			t.Errorf("%s: %q, want %q", tt.line, got, tt.want)
		}
		if strings.Contains(got, "Go ") || strings.Contains(got, "record.") {
			t.Errorf("%s: %q names Go types", tt.line, got)
		}
	}
}
