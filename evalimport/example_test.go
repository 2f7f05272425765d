package evalimport_test

import (
	"fmt"
	"log"

	"github.com/terragonlabs/modelcard-generator/card"
	"github.com/terragonlabs/modelcard-generator/evalimport"
)

func ExampleImport() {
	im, err := evalimport.Import("testdata/lmeval/results_v04.json")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(im.Kind, im.Facts[evalimport.FactModelName])
	for _, r := range im.Results[:3] {
		fmt.Println(r.DatasetType, r.DatasetSplit, r.MetricType, r.MetricConfig, r.MetricValue, r.MetricArgs["stderr"])
	}
	// Output:
	// lm-evaluation-harness acme-labs/falcon-mini-1b
	// allenai/ai2_arc test acc  0.4121 0.0144
	// allenai/ai2_arc test acc_norm  0.4437 0.0145
	// gsm8k test exact_match strict-match 0.3351 0.013
}

func ExampleMerge() {
	fromCard := []card.EvalResult{
		{TaskType: "text-classification", DatasetType: "imdb", DatasetName: "IMDb", DatasetSplit: "test", MetricType: "accuracy", MetricValue: 0.88},
	}
	fromRun := []card.EvalResult{
		{TaskType: "text-classification", DatasetType: "imdb", DatasetSplit: "test", MetricType: "accuracy", MetricValue: 0.91},
		{TaskType: "text-classification", DatasetType: "imdb", DatasetSplit: "test", MetricType: "f1", MetricValue: 0.9},
	}
	merged, err := evalimport.Merge(fromCard, fromRun)
	if err != nil {
		log.Fatal(err)
	}
	for _, r := range merged {
		fmt.Println(r.DatasetName, r.MetricType, r.MetricValue)
	}
	// Output:
	// IMDb accuracy 0.91
	//  f1 0.9
}
