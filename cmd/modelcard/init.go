package main

import (
	"fmt"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/terragonlabs/modelcard-generator/card"
	"github.com/terragonlabs/modelcard-generator/internal/atomicfile"
)

func initCommand(io stdio) *cli.Command {
	return &cli.Command{
		Name:  "init",
		Usage: "write a commented spec skeleton for a template family",
		Description: strings.TrimSpace(`
Prints a spec with every field explained, for the family's template: fill in
what you know, delete what you don't, then run ` + "`modelcard generate`" + `.

Examples:
   modelcard init --list
   modelcard init --family vision > spec.yaml
   modelcard init --family llm --out spec.yaml`),
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "family", Usage: "template family: " + familyList()},
			&cli.StringFlag{Name: "out", Aliases: []string{"o"}, Usage: "file to write instead of stdout"},
			&cli.BoolFlag{Name: "force", Usage: "overwrite --out if it exists"},
			&cli.BoolFlag{Name: "list", Usage: "list the families and the Hub tasks each one covers"},
		},
		Action: func(c *cli.Context) error { return runInit(c, io) },
	}
}

func familyList() string {
	ids := card.FamilyIDs()
	names := make([]string, len(ids))
	for i, id := range ids {
		names[i] = string(id)
	}
	return strings.Join(names, ", ")
}

func runInit(c *cli.Context, io stdio) error {
	if c.Bool("list") {
		for _, f := range card.Families() {
			tasks := strings.Join(f.Tasks, ", ")
			if tasks == "" {
				tasks = "(any other task)"
			}
			fmt.Fprintf(io.out, "%-17s %s\n%-17s tasks: %s\n", f.ID, f.Title, "", tasks)
		}
		return nil
	}
	name := c.String("family")
	if name == "" {
		return usagef("init needs --family; the families are: %s (or --list)", familyList())
	}
	if c.NArg() > 0 {
		return usagef("init takes no arguments, got %q; use --out to name the file", c.Args().First())
	}
	if _, ok := card.LookupFamily(card.FamilyID(name)); !ok {
		return usagef("--family %q: the families are: %s", name, familyList())
	}
	text, err := card.SpecSkeleton(card.FamilyID(name))
	if err != nil {
		return fmt.Errorf("build skeleton: %w", err)
	}
	if out := c.String("out"); out != "" && out != "-" {
		if err := atomicfile.Write(out, []byte(text), 0o644, c.Bool("force")); err != nil {
			return fmt.Errorf("write skeleton: %w", err)
		}
		fmt.Fprintf(io.err, "wrote %s; fill it in, then run: modelcard generate %s\n", out, out)
		return nil
	}
	_, err = io.out.Write([]byte(text))
	return err
}
