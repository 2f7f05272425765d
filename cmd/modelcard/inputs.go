package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/terragonlabs/modelcard-generator/internal/jsonenc"
)

// inputFailure is an input that could not be read: a path given that
// does not exist, or a folder entry that could not be opened.
type inputFailure struct {
	path string
	err  error
}

// expandInputs turns the command line's files and folders into a sorted list
// of files: folders are walked recursively for names with one of the given
// extensions (hidden folders skipped); files are taken as given; "-" is kept
// as is and means standard input. A path that does not exist, and a folder
// entry that cannot be read, are returned as failures and the others are
// still listed; a folder that holds no such file is an error. skip, when
// not nil, leaves out the folders and files of a walk it returns true for
// (not the paths given).
func expandInputs(args []string, exts []string, skip func(path string, dir bool) bool) ([]string, []inputFailure, error) {
	var out []string
	var failures []inputFailure
	for _, a := range args {
		if a == "-" {
			out = append(out, a)
			continue
		}
		st, err := os.Stat(a)
		if err != nil {
			failures = append(failures, inputFailure{a, err})
			continue
		}
		if !st.IsDir() {
			out = append(out, a)
			continue
		}
		var found []string
		unreadable := 0
		err = filepath.WalkDir(a, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				if path == a {
					return err
				}
				failures = append(failures, inputFailure{path, err})
				unreadable++
				if d != nil && d.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
			if d.IsDir() {
				if path != a && (strings.HasPrefix(d.Name(), ".") || (skip != nil && skip(path, true))) {
					return filepath.SkipDir
				}
				return nil
			}
			if skip != nil && skip(path, false) {
				return nil
			}
			if slices.Contains(exts, strings.ToLower(filepath.Ext(path))) {
				found = append(found, path)
			}
			return nil
		})
		if err != nil {
			failures = append(failures, inputFailure{a, err})
			continue
		}
		if len(found) == 0 && unreadable == 0 {
			return nil, nil, fmt.Errorf("folder %s holds no %s files", a, strings.Join(exts, " or "))
		}
		slices.Sort(found)
		out = append(out, found...)
	}
	return out, failures, nil
}

// cardRecord is what the audit reads from one NDJSON record.
type cardRecord struct {
	// text is the card's markdown: the "text" field, else "card".
	text    []byte
	hasText bool
	// path is the "path" field, "" when absent.
	path string
	// id is the "id" field as a name: a string's value, else the JSON
	// text of the value; hasID is false when absent or null.
	id    string
	hasID bool
}

// ndjsonRecord is the encoding/json form of an NDJSON record.
type ndjsonRecord struct {
	Text *string         `json:"text"`
	Card *string         `json:"card"`
	Path string          `json:"path"`
	ID   json.RawMessage `json:"id"`
}

// decodeCardRecord decodes one NDJSON record. It tries scanCardRecord
// first and leaves the records that fall outside its subset of JSON to
// encoding/json, whose error it returns. line may be modified.
func decodeCardRecord(line []byte) (cardRecord, error) {
	if rec, ok := scanCardRecord(line); ok {
		return rec, nil
	}
	return unmarshalCardRecord(line)
}

// unmarshalCardRecord decodes an NDJSON record with encoding/json.
func unmarshalCardRecord(line []byte) (cardRecord, error) {
	var r ndjsonRecord
	if err := json.Unmarshal(line, &r); err != nil {
		return cardRecord{}, err
	}
	rec := cardRecord{path: r.Path}
	switch {
	case r.Text != nil:
		rec.text, rec.hasText = []byte(*r.Text), true
	case r.Card != nil:
		rec.text, rec.hasText = []byte(*r.Card), true
	}
	if len(r.ID) > 0 && string(r.ID) != "null" {
		rec.hasID = true
		if json.Unmarshal(r.ID, &rec.id) != nil {
			rec.id = string(r.ID)
		}
	}
	return rec, nil
}

// scanCardRecord decodes the common form of an NDJSON record quickly, with
// no copy of the card's text: a JSON object whose keys are plain ASCII
// strings and whose values are strings, numbers, true, false or null. It
// returns what encoding/json would decode, or ok false, leaving line as
// it was, for anything else: other values (objects, arrays, a number
// where a string belongs), keys with escapes or that match a field only
// ignoring case, strings that are not valid UTF-8, and invalid JSON. The
// strings it returns are unquoted in place, in line.
func scanCardRecord(line []byte) (rec cardRecord, ok bool) {
	var text, cardText, path, id jsonSpan
	i := skipSpace(line, 0)
	if i == len(line) || line[i] != '{' {
		return rec, false
	}
	i = skipSpace(line, i+1)
	if i < len(line) && line[i] == '}' {
		i++
	} else {
		for {
			if i == len(line) || line[i] != '"' {
				return rec, false
			}
			ks := i + 1
			ke := ks
			for ke < len(line) && line[ke] != '"' {
				if c := line[ke]; c < 0x20 || c >= utf8.RuneSelf || c == '\\' {
					return rec, false
				}
				ke++
			}
			if ke == len(line) {
				return rec, false
			}
			i = skipSpace(line, ke+1)
			if i == len(line) || line[i] != ':' {
				return rec, false
			}
			i = skipSpace(line, i+1)
			var v jsonSpan
			if v, i, ok = scanValue(line, i); !ok {
				return rec, false
			}
			var field *jsonSpan
			switch key := line[ks:ke]; string(key) {
			case "text":
				field = &text
			case "card":
				field = &cardText
			case "path":
				field = &path
			case "id":
				field = &id
			default:
				for _, name := range []string{"text", "card", "path", "id"} {
					if bytes.EqualFold(key, []byte(name)) {
						// encoding/json matches keys ignoring case.
						return rec, false
					}
				}
			}
			switch {
			case field == nil:
			case field == &id:
				// Any value names the card; null unsets it.
				*field = v
			case !v.set:
				// null sets text and card (pointers) to nil and leaves
				// path (a string) as it was.
				if field != &path {
					*field = v
				}
			case !v.str:
				// A number or true or false where a string belongs is an
				// error: encoding/json words it.
				return rec, false
			default:
				*field = v
			}
			i = skipSpace(line, i)
			if i == len(line) {
				return rec, false
			}
			if line[i] == '}' {
				i++
				break
			}
			if line[i] != ',' {
				return rec, false
			}
			i = skipSpace(line, i+1)
		}
	}
	if skipSpace(line, i) != len(line) {
		return rec, false
	}
	// The record is valid: unquote the strings used.
	value := func(s jsonSpan) []byte {
		if !s.esc {
			return line[s.start:s.end]
		}
		return unquoteInPlace(line[s.start:s.end])
	}
	switch {
	case text.set:
		rec.text, rec.hasText = value(text), true
	case cardText.set:
		rec.text, rec.hasText = value(cardText), true
	}
	if path.set {
		rec.path = string(value(path))
	}
	if id.set {
		rec.id, rec.hasID = string(value(id)), true
	}
	return rec, true
}

// jsonSpan is where a JSON value lies in a line: a string's contents
// between its quotes, or the text of another value.
type jsonSpan struct {
	start, end int
	set        bool // present and not null
	str        bool // a string
	esc        bool // a string with escapes
}

// skipSpace returns the index of the first byte from i on that is not JSON
// white space.
func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// scanValue checks the JSON value at b[i:] when it is a string, number,
// true, false or null, and returns its span (a string's contents without
// quotes) and the index after it; ok is false for other values and
// invalid ones.
func scanValue(b []byte, i int) (v jsonSpan, next int, ok bool) {
	if i == len(b) {
		return v, i, false
	}
	switch c := b[i]; {
	case c == '"':
		v.start, v.set, v.str = i+1, true, true
		for j := i + 1; j < len(b); {
			j = jsonenc.SkipPlain(b, j)
			if j == len(b) {
				break
			}
			switch c := b[j]; {
			case c == '"':
				v.end = j
				return v, j + 1, true
			case c == '\\':
				v.esc = true
				if j+1 == len(b) {
					return v, j, false
				}
				switch b[j+1] {
				case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
					j += 2
				case 'u':
					if hex4(b[j+2:]) < 0 {
						return v, j, false
					}
					j += 6
				default:
					return v, j, false
				}
			case c < 0x20:
				return v, j, false
			case c < utf8.RuneSelf:
				j++
			default:
				r, size := utf8.DecodeRune(b[j:])
				if r == utf8.RuneError && size == 1 {
					// encoding/json writes U+FFFD for it, which is longer
					// than the byte: no unquoting in place.
					return v, j, false
				}
				j += size
			}
		}
		return v, len(b), false
	case c == 'n':
		if bytes.HasPrefix(b[i:], []byte("null")) {
			return v, i + 4, true
		}
	case c == 't':
		if bytes.HasPrefix(b[i:], []byte("true")) {
			v.start, v.end, v.set = i, i+4, true
			return v, i + 4, true
		}
	case c == 'f':
		if bytes.HasPrefix(b[i:], []byte("false")) {
			v.start, v.end, v.set = i, i+5, true
			return v, i + 5, true
		}
	case c == '-' || ('0' <= c && c <= '9'):
		if j := scanNumber(b, i); j > i {
			v.start, v.end, v.set = i, j, true
			return v, j, true
		}
	}
	return v, i, false
}

// scanNumber returns the index after the JSON number at b[i:], or i when
// there is none.
func scanNumber(b []byte, i int) int {
	j := i
	if j < len(b) && b[j] == '-' {
		j++
	}
	switch {
	case j < len(b) && b[j] == '0':
		j++
	case j < len(b) && '1' <= b[j] && b[j] <= '9':
		j = skipDigits(b, j)
	default:
		return i
	}
	if j < len(b) && b[j] == '.' {
		k := skipDigits(b, j+1)
		if k == j+1 {
			return i
		}
		j = k
	}
	if j < len(b) && (b[j] == 'e' || b[j] == 'E') {
		j++
		if j < len(b) && (b[j] == '+' || b[j] == '-') {
			j++
		}
		k := skipDigits(b, j)
		if k == j {
			return i
		}
		j = k
	}
	return j
}

func skipDigits(b []byte, i int) int {
	for i < len(b) && '0' <= b[i] && b[i] <= '9' {
		i++
	}
	return i
}

// hex4 decodes the four hex digits of a \u escape after its "\u" (the
// start of b), or returns -1.
func hex4(b []byte) rune {
	if len(b) < 4 {
		return -1
	}
	var r rune
	for _, c := range b[:4] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c -= 'a' - 10
		case 'A' <= c && c <= 'F':
			c -= 'A' - 10
		default:
			return -1
		}
		r = r<<4 | rune(c)
	}
	return r
}

// unquoteInPlace decodes the escapes of the contents of a JSON string that
// scanValue checked, as encoding/json does (a lone UTF-16 surrogate
// becomes U+FFFD), writing over s, and returns the decoded prefix of s.
// Decoding never lengthens a checked string, so it fits.
func unquoteInPlace(s []byte) []byte {
	w := 0
	for r := 0; r < len(s); {
		k := bytes.IndexByte(s[r:], '\\')
		if k < 0 {
			w += copy(s[w:], s[r:])
			break
		}
		w += copy(s[w:], s[r:r+k])
		r += k
		switch c := s[r+1]; c {
		case 'b':
			s[w] = '\b'
		case 'f':
			s[w] = '\f'
		case 'n':
			s[w] = '\n'
		case 'r':
			s[w] = '\r'
		case 't':
			s[w] = '\t'
		case 'u':
			rr := hex4(s[r+2:])
			r += 6
			if utf16.IsSurrogate(rr) {
				var rr1 rune = -1
				if r+1 < len(s) && s[r] == '\\' && s[r+1] == 'u' {
					rr1 = hex4(s[r+2:])
				}
				if dec := utf16.DecodeRune(rr, rr1); dec != unicode.ReplacementChar {
					r += 6
					w += utf8.EncodeRune(s[w:], dec)
					continue
				}
				rr = unicode.ReplacementChar
			}
			w += utf8.EncodeRune(s[w:], rr)
			continue
		default: // '"', '\\', '/'
			s[w] = c
		}
		w++
		r += 2
	}
	return s[:w]
}
