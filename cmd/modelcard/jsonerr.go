package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
)

// describeJSONError words an error of encoding/json for the user, by the
// JSON key and the JSON kinds involved rather than Go's type names: `the
// "text" field is a number; it must be a string`.
func describeJSONError(err error) string {
	var ute *json.UnmarshalTypeError
	var se *json.SyntaxError
	switch {
	case errors.As(err, &ute):
		where := "the value"
		if ute.Field != "" {
			where = fmt.Sprintf("the %q field", ute.Field)
		}
		return fmt.Sprintf("%s is %s; it must be %s", where, withArticle(ute.Value), jsonKind(ute.Type))
	case errors.As(err, &se):
		return fmt.Sprintf("not valid JSON at byte %d: %s", se.Offset, trimJSONPrefix(se.Error()))
	case err != nil:
		return trimJSONPrefix(err.Error())
	}
	return ""
}

// describedError is an error shown with describeJSONError's words that
// still wraps the error of encoding/json.
type describedError struct {
	msg string
	err error
}

func (e *describedError) Error() string { return e.msg }
func (e *describedError) Unwrap() error { return e.err }

// jsonKind names the JSON kind that decodes into a Go type.
func jsonKind(t reflect.Type) string {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nil {
		return "a value"
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.Map, reflect.Struct:
		return "an object"
	}
	return "a value"
}

// withArticle puts "a" or "an" before a JSON kind as encoding/json names
// it ("number", "string", "array", "object", "bool", "number 1.5").
func withArticle(kind string) string {
	switch {
	case kind == "":
		return "a value of another kind"
	case kind == "bool":
		return "true or false"
	case kind[0] == 'a' || kind[0] == 'o':
		return "an " + kind
	}
	return "a " + kind
}

// trimJSONPrefix drops encoding/json's "json: " prefix.
func trimJSONPrefix(msg string) string {
	const prefix = "json: "
	if len(msg) >= len(prefix) && msg[:len(prefix)] == prefix {
		return msg[len(prefix):]
	}
	return msg
}
