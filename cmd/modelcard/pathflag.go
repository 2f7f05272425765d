package main

import (
	"encoding/json"
	"strings"

	"github.com/urfave/cli/v2"
)

// pathList is the value of a repeatable flag of file paths. Unlike a
// string slice flag it does not split a value on commas: a path may hold
// one.
type pathList []string

// serializedPaths starts the form Serialize gives a list in: the CLI
// library copies a flag's value between its names (--against and -a)
// through it, and Set then takes the whole list back.
const serializedPaths = "\x00paths:"

// Set adds one path, or takes a whole list in the form Serialize gives.
func (p *pathList) Set(v string) error {
	if rest, ok := strings.CutPrefix(v, serializedPaths); ok {
		var list []string
		if err := json.Unmarshal([]byte(rest), &list); err != nil {
			return err
		}
		*p = list
		return nil
	}
	*p = append(*p, v)
	return nil
}

// Serialize gives the list in a form Set takes back whole.
func (p *pathList) Serialize() string {
	data, _ := json.Marshal([]string(*p)) // a list of strings always encodes
	return serializedPaths + string(data)
}

// String lists the paths for --help.
func (p *pathList) String() string {
	if p == nil {
		return ""
	}
	return strings.Join(*p, ", ")
}

// pathListFlag is a repeatable flag of paths; read it with paths.
func pathListFlag(name string, aliases []string, usage string) cli.Flag {
	return &cli.GenericFlag{Name: name, Aliases: aliases, Usage: usage, Value: &pathList{}}
}

// paths returns the paths given to a pathListFlag.
func paths(c *cli.Context, name string) []string {
	if p, ok := c.Generic(name).(*pathList); ok && p != nil {
		return *p
	}
	return nil
}
