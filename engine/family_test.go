package engine

import (
	"context"
	"math"
	"slices"
	"testing"

	"github.com/terragonlabs/modelcard-generator/card"
)

// TestChooseFamiliesHostScores checks that the completeness computed on the
// host for re-rendered cards equals what scoring them again gives.
func TestChooseFamiliesHostScores(t *testing.T) {
	e := testEngine(t, biasedTaskModel("automatic-speech-recognition", "text-classification", "image-classification"), 8, 1)
	specs := []string{
		"model_id: org/plain\n",
		"model_id: org/with-task\npipeline_tag: text-classification\nlicense: mit\ndescription: A classifier of short reviews.\n",
		"model_id: org/described\nlicense: apache-2.0\ndescription: Transcribes speech recorded in meetings.\nbias_risks_limitations: Noisy rooms lower accuracy.\ntraining_data: Recorded meetings.\n",
	}
	parse := func() []*card.Card {
		var cs []*card.Card
		for i, s := range specs {
			c, err := card.ParseSpec([]byte(s), "spec.yaml")
			if err != nil {
				t.Fatalf("spec %d: %v", i, err)
			}
			cs = append(cs, c)
		}
		return cs
	}
	cases := []struct {
		name      string
		standards []Standard
	}{
		{"host", e.Standards()},
		{"scored again", nil},
	}
	results := make([][]FamilyChoice, len(cases))
	parsedSpecs := make([][]*card.Card, len(cases))
	for k, tc := range cases {
		parsedSpecs[k] = parse()
		ch, err := ChooseFamilies(context.Background(), e.Decide, tc.standards, parsedSpecs[k])
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		results[k] = ch
	}
	host, again := results[0], results[1]
	predicted := 0
	for i := range specs {
		if host[i].Family != again[i].Family || host[i].Source != again[i].Source {
			t.Errorf("spec %d: family %s/%s vs %s/%s", i, host[i].Family, host[i].Source, again[i].Family, again[i].Source)
		}
		if host[i].Source == "predicted" {
			predicted++
		}
		for id, want := range again[i].Decision.Scores {
			if got := host[i].Decision.Scores[id]; math.Abs(got-want) > 1e-6 {
				t.Errorf("spec %d %s: host completeness %v, scored %v", i, id, got, want)
			}
			if !slices.Equal(host[i].Decision.Missing[id], again[i].Decision.Missing[id]) {
				t.Errorf("spec %d %s: host missing %v, scored %v", i, id, host[i].Decision.Missing[id], again[i].Decision.Missing[id])
			}
		}
		for k, ch := range []FamilyChoice{host[i], again[i]} {
			want, err := card.RenderHF(&card.Card{Content: parsedSpecs[k][i].Content, Meta: parsedSpecs[k][i].Meta, Family: ch.Family})
			if err != nil {
				t.Fatal(err)
			}
			if string(ch.Rendered) != string(want) {
				t.Errorf("spec %d (%s): Rendered is not the card's Hub rendering in family %s", i, cases[k].name, ch.Family)
			}
		}
		if len(host[i].Decision.Scores) != len(e.Standards()) {
			t.Errorf("spec %d: %d scores, want one per standard", i, len(host[i].Decision.Scores))
		}
	}
	if predicted == 0 {
		t.Fatal("no spec had its family predicted: the host path was not exercised")
	}
}

// TestChooseFamiliesPredictedGeneric checks that a card predicted to be of
// the generic family, the one it was first rendered in, is not rendered and
// scored a second time.
func TestChooseFamiliesPredictedGeneric(t *testing.T) {
	e := testEngine(t, biasedTaskModel("a-task-of-no-family", "text-classification"), 8, 1)
	calls := 0
	decide := func(ctx context.Context, cards []*card.Card) ([]Decision, error) {
		calls++
		return e.Decide(ctx, cards)
	}
	c, err := card.ParseSpec([]byte("model_id: org/plain\n"), "spec.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, standards := range [][]Standard{e.Standards(), nil} {
		calls = 0
		c.Family = ""
		ch, err := ChooseFamilies(context.Background(), decide, standards, []*card.Card{c})
		if err != nil {
			t.Fatal(err)
		}
		if ch[0].Family != card.FamilyGeneric || ch[0].Source != "predicted" {
			t.Fatalf("family %s from %s, want generic predicted", ch[0].Family, ch[0].Source)
		}
		if calls != 1 {
			t.Errorf("decide called %d times, want 1", calls)
		}
		want, err := card.RenderHF(c)
		if err != nil {
			t.Fatal(err)
		}
		if string(ch[0].Rendered) != string(want) {
			t.Error("Rendered is not the card's generic rendering")
		}
		if len(ch[0].Decision.Scores) != len(e.Standards()) {
			t.Errorf("%d scores, want one per standard", len(ch[0].Decision.Scores))
		}
	}
}
