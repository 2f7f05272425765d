package main

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"os"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/terragonlabs/modelcard-generator/engine"
	"github.com/terragonlabs/modelcard-generator/internal/atomicfile"
)

// defaultPrune is the weight magnitude below which trained weights are
// dropped from the saved model; the evaluation report shows the model
// before and after, so its cost is measured on every run.
const defaultPrune = 0.1

// maxModelFileBytes is the size the saved model must stay under.
const maxModelFileBytes = 8 << 20

func trainCommand(io stdio) *cli.Command {
	return &cli.Command{
		Name:      "train",
		Usage:     "train the template-selection model on a labelled card corpus",
		ArgsUsage: " ",
		Description: strings.TrimSpace(`
Trains the model that predicts a card's Hub pipeline tag (and so its template
family) from the card's text, evaluates it, and writes it to --out.

The corpus folder holds index.tsv (tab-separated, with a header naming at
least the columns file, task, task_source, source_repo and source_path) and
the cards it lists (file is relative to the folder). Task labels are mapped
onto Hub pipeline tags ("Image Classification", OpenVINO's "detection",
TF Hub's "image-feature-vector", ...); cards without a label, or with one that
names no Hub task, are left out and counted.

The cards are split by owner (the organisation in the card's file name; one
group per template collection such as Qualcomm AI Hub or Azure ML): about 20%
of the owners form the validation side, which training never sees. The model
is a multinomial logistic regression over the hashed text features, trained
on the training side; the report compares it on the validation side with the
same model before pruning and half precision, with the model that also uses
the rubric features, and with two baselines (majority class, keyword rules).

With --cv N the report also holds an owner-grouped N-fold cross-validation
on the training side (never the validation side) of the training settings
and of variants that leave one of them out: the measurement the settings
were chosen by. It retrains the model N times per variant (minutes).

The same corpus, seed and flags give a byte-identical model file. The file
is written atomically; an existing one is replaced.

Examples:
   modelcard train --corpus ../shared/corpus --out engine/default_model.bin --seed 1
   modelcard --log-level info train --corpus corpus/ --out model.bin --report eval.md
   modelcard train --corpus ../shared/corpus --out /tmp/model.bin --cv 5 --report eval.md`),
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "corpus", Usage: "corpus folder holding index.tsv and the cards it lists (required)"},
			&cli.StringFlag{Name: "out", Aliases: []string{"o"}, Usage: "model file to write (required)"},
			&cli.Uint64Flag{Name: "seed", Value: 1, Usage: "seed of the example shuffling; the same seed gives the same model"},
			&cli.IntFlag{Name: "hash-bits", Value: engine.DefaultHashBits, Usage: "log2 of the number of hashed text features (8..24)"},
			&cli.IntFlag{Name: "epochs", Value: engine.DefaultTrainOptions(engine.DefaultFeatureSpace()).Epochs, Usage: "passes over the training cards"},
			&cli.Float64Flag{Name: "prune", Value: defaultPrune, Usage: "drop weights whose magnitude is below this from the saved model"},
			&cli.StringFlag{Name: "report", Usage: "also write the evaluation report to this Markdown file"},
			&cli.IntFlag{Name: "workers", Value: runtime.GOMAXPROCS(0), Usage: "goroutines reading and featurizing the corpus"},
			&cli.IntFlag{Name: "cv", Usage: "also cross-validate the settings and their variants on the training side with this many owner-grouped folds (0: no)"},
		},
		Action: func(c *cli.Context) error { return runTrain(c, io) },
	}
}

func runTrain(c *cli.Context, io stdio) error {
	if c.NArg() > 0 {
		return usagef("train takes no arguments, got %q; give the corpus with --corpus", c.Args().First())
	}
	if c.String("corpus") == "" || c.String("out") == "" {
		return usagef("train needs --corpus DIR (a folder with index.tsv) and --out FILE (the model to write)")
	}
	space := engine.FeatureSpace{HashBits: c.Int("hash-bits")}
	if err := space.Check(); err != nil {
		return usagef("--hash-bits %d: give a number from 8 to 24", c.Int("hash-bits"))
	}
	if c.Int("epochs") < 1 {
		return usagef("--epochs %d: give at least 1", c.Int("epochs"))
	}
	if n := c.Int("cv"); n != 0 && (n < 2 || n > 20) {
		return usagef("--cv %d: give a number of folds from 2 to 20, or 0", n)
	}
	prune := c.Float64("prune")
	if !(prune >= 0 && prune < 1) {
		return usagef("--prune %v: give a number from 0 (keep every weight) to below 1", prune)
	}
	ctx := c.Context
	corpusDir, out := c.String("corpus"), c.String("out")
	if st, err := os.Stat(corpusDir); err != nil || !st.IsDir() {
		return usagef("--corpus %s is not a folder; give the folder that holds index.tsv and the cards", corpusDir)
	}
	// Found now, not after the training.
	if err := checkOutputFile("--out", out); err != nil {
		return err
	}

	start := time.Now()
	corpus, err := engine.LoadCorpus(ctx, corpusDir, space, c.Int("workers"))
	if err != nil {
		return err
	}
	st := corpus.Stats
	fmt.Fprintf(io.err, "read %d cards from %s: %d labelled, %d without a label, %d with a label that names no Hub task, %d unreadable (%s)\n",
		st.Listed, corpusDir, st.Labelled, st.Unlabelled, st.Unmapped, st.Unreadable, time.Since(start).Round(time.Millisecond))
	if len(corpus.Cards) == 0 {
		return fmt.Errorf("%s holds no labelled card: training needs cards whose index.tsv row gives a task that maps to a Hub pipeline tag (see docs/label-mapping.md)", corpusDir)
	}
	train, validation := engine.SplitCorpus(corpus.Cards)
	if len(train) == 0 || len(validation) == 0 {
		return fmt.Errorf("the split of %d labelled cards left %d for training and %d for validation; the corpus needs cards from more owners", len(corpus.Cards), len(train), len(validation))
	}

	opts := engine.DefaultTrainOptions(space)
	opts.Seed = c.Uint64("seed")
	opts.Epochs = c.Int("epochs")
	examples, err := engine.Examples(train, opts.Tasks)
	if err != nil {
		return err
	}
	start = time.Now()
	model, err := engine.Train(ctx, examples, opts)
	if err != nil {
		return err
	}
	fmt.Fprintf(io.err, "trained on %d cards, %d tasks, in %s\n", len(examples), len(model.Tasks), time.Since(start).Round(time.Millisecond))

	saved := model.Clone()
	kept := saved.Prune(float32(prune))
	data, err := saved.MarshalBinary()
	if err != nil {
		return err
	}
	loaded, err := engine.UnmarshalTaskModel(data)
	if err != nil {
		return fmt.Errorf("the model just encoded does not load back: %w", err)
	}
	if len(data) > maxModelFileBytes {
		return fmt.Errorf("the model is %d bytes, more than %d; raise --prune or lower --hash-bits", len(data), maxModelFileBytes)
	}

	withRubric := opts
	withRubric.UseRubric = true
	withRubric.Logger = slog.New(slog.DiscardHandler)
	rubricModel, err := engine.Train(ctx, examples, withRubric)
	if err != nil {
		return fmt.Errorf("train the comparison model with rubric features: %w", err)
	}

	report := engine.Evaluate([]engine.NamedModel{
		{Name: "logistic regression, as saved (pruned, half precision)", Model: loaded},
		{Name: "the same, float32, not pruned", Model: model},
		{Name: "logistic regression with rubric features (not saved)", Model: rubricModel},
	}, train, validation)

	var md strings.Builder
	fmt.Fprintf(&md, "Produced by `%s`.\n\n", trainCommandLine(c))
	fmt.Fprintf(&md, "Corpus: %d cards; %d labelled with a Hub pipeline tag, %d without a label, %d whose label names no Hub task (left out: %s), %d unreadable.\n\n",
		st.Listed, st.Labelled, st.Unlabelled, st.Unmapped, unmappedSummary(st.UnmappedLabels), st.Unreadable)
	md.WriteString(report.Markdown())
	fmt.Fprintf(&md, "\nModel file: %d bytes, %d tasks, %d nonzero weights (|w| ≥ %g) of %d.\n",
		len(data), len(loaded.Tasks), kept, prune, len(model.W))
	if folds := c.Int("cv"); folds > 0 {
		table, err := crossValidationTable(ctx, train, opts, folds, io)
		if err != nil {
			return err
		}
		md.WriteString(table)
	}
	fmt.Fprint(io.out, md.String())

	if path := c.String("report"); path != "" {
		if err := atomicfile.Write(path, []byte(md.String()), 0o644, true); err != nil {
			return fmt.Errorf("write the report: %w", err)
		}
	}
	if err := atomicfile.Write(out, data, 0o644, true); err != nil {
		return fmt.Errorf("write the model: %w", err)
	}
	fmt.Fprintf(io.err, "wrote %s (%d bytes)\n", out, len(data))
	return nil
}

// crossValidationTable cross-validates the training options and variants
// that leave one of them out on the training side, and renders the
// results as Markdown.
func crossValidationTable(ctx context.Context, train []engine.LabelledCard, opts engine.TrainOptions, folds int, io stdio) (string, error) {
	opts.Logger = slog.New(slog.DiscardHandler)
	variants := []struct {
		name string
		edit func(*engine.TrainOptions)
	}{
		{"the settings used", func(*engine.TrainOptions) {}},
		{"without per-family shared weights", func(o *engine.TrainOptions) { o.FamilyWeights = false }},
		{"without the family loss", func(o *engine.TrainOptions) { o.FamilyLoss = 0 }},
		{fmt.Sprintf("keeping the features of fewer than %d owners", opts.MinFeatureGroups), func(o *engine.TrainOptions) { o.MinFeatureGroups = 0 }},
		{fmt.Sprintf("features of fewer than 5 owners left out, not %d", opts.MinFeatureGroups), func(o *engine.TrainOptions) { o.MinFeatureGroups = 5 }},
		{fmt.Sprintf("task-name prior 8 instead of %g", opts.TaskNamePrior), func(o *engine.TrainOptions) { o.TaskNamePrior = 8 }},
		{"none of these four (the earlier settings)", func(o *engine.TrainOptions) {
			o.FamilyWeights, o.FamilyLoss, o.MinFeatureGroups, o.TaskNamePrior = false, 0, 0, 8
		}},
	}
	var b strings.Builder
	fmt.Fprintf(&b, "\nOwner-grouped %d-fold cross-validation on the training side (%d cards; each card predicted once, by the model trained on the other folds):\n\n", folds, len(train))
	b.WriteString("| training settings | pipeline tag top-1 | family of top-1 tag | family, probabilities summed |\n|---|---:|---:|---:|\n")
	for _, v := range variants {
		o := opts
		v.edit(&o)
		start := time.Now()
		r, err := engine.CrossValidate(ctx, train, o, folds)
		if err != nil {
			return "", fmt.Errorf("cross-validate %s: %w", v.name, err)
		}
		fmt.Fprintf(io.err, "cross-validated %s in %s\n", v.name, time.Since(start).Round(time.Millisecond))
		fmt.Fprintf(&b, "| %s | %.1f %% | %.1f %% | %.1f %% |\n", v.name, 100*r.Top1, 100*r.Family, 100*r.FamilyBySum)
	}
	return b.String(), nil
}

// trainCommandLine reconstructs the command that was run, for the report.
func trainCommandLine(c *cli.Context) string {
	var b bytes.Buffer
	fmt.Fprintf(&b, "modelcard train --corpus %s --out %s --seed %d", c.String("corpus"), c.String("out"), c.Uint64("seed"))
	for _, name := range []string{"hash-bits", "epochs", "prune", "cv"} {
		if c.IsSet(name) {
			fmt.Fprintf(&b, " --%s %v", name, c.Value(name))
		}
	}
	return b.String()
}

// unmappedSummary lists the left-out labels with their counts, most
// frequent first.
func unmappedSummary(labels map[string]int) string {
	names := make([]string, 0, len(labels))
	for l := range labels {
		names = append(names, l)
	}
	slices.SortFunc(names, func(a, b string) int {
		if labels[a] != labels[b] {
			return labels[b] - labels[a]
		}
		return strings.Compare(a, b)
	})
	parts := make([]string, len(names))
	for i, n := range names {
		parts[i] = fmt.Sprintf("%s %d", n, labels[n])
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}
