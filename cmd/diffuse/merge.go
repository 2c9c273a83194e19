package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/diffusego/diffusego/anomaly"
	"github.com/diffusego/diffusego/checkpoint"
	"github.com/diffusego/diffusego/search"
	"github.com/diffusego/diffusego/tensor"
	"github.com/spf13/cobra"
)

func newMergeCmd() *cobra.Command {
	var out, dir string
	var seed uint64
	cmd := &cobra.Command{
		Use:   "merge --out FILE PART...",
		Short: "Join the parts of a sharded index, eval or anomaly run",
		Long: `merge joins the files that the N processes of a sharded run wrote
(--shard I --shards N) into what one unsharded run writes:

  index parts (.safetensors from diffuse index)   one index, the same file
  eval parts (.safetensors from diffuse eval)     the eval report, as diffuse eval prints it
  anomaly parts (.csv from diffuse anomaly)       one CSV in global order

Every part records its shard, the shard count, its images and the
checkpoint's SHA-256. merge refuses, naming the file, parts of different
shard counts, a missing, duplicated or out-of-range shard, and parts made
with different checkpoints; it then writes nothing.`,
		Example: `  diffuse merge --out photos.safetensors part-*.safetensors
  diffuse merge --out scores.csv scores-*.csv
  diffuse merge --out report.json eval-*.safetensors`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 || out == "" {
				return usagef("merge: want --out FILE and the part files")
			}
			switch kind, err := partKind(args); {
			case err != nil:
				return err
			case kind == "index":
				return mergeIndex(cmd, out, args)
			case kind == "anomaly":
				return mergeAnomaly(cmd, out, args)
			default:
				return mergeEval(cmd, out, args, dir, seed)
			}
		},
	}
	cmd.Flags().StringVar(&out, "out", "", "file to write: the index, the CSV, or the eval report (JSON)")
	cmd.Flags().StringVar(&dir, "data", defaultFashionDir, "Fashion-MNIST folder (eval parts: the real test images)")
	cmd.Flags().Uint64Var(&seed, "seed", 1, "eval parts: seed of the real subsets drawn, as diffuse eval --seed")
	return cmd
}

// partKind tells from the parts' names which kind they are: .csv for
// anomaly scores, else an index or eval part by its header.
func partKind(files []string) (string, error) {
	kind := func(f string) (string, error) {
		if strings.HasSuffix(strings.ToLower(f), ".csv") {
			return "anomaly", nil
		}
		isEval, err := isEvalPart(f)
		if err != nil {
			return "", err
		}
		if isEval {
			return "eval", nil
		}
		return "index", nil
	}
	first, err := kind(files[0])
	if err != nil {
		return "", err
	}
	for _, f := range files[1:] {
		k, err := kind(f)
		if err != nil {
			return "", err
		}
		if k != first {
			return "", usagef("merge: %s is an %s part, %s an %s part: merge one kind at a time", f, k, files[0], first)
		}
	}
	return first, nil
}

// partRecord is what every part says about its place in the whole.
type partRecord struct {
	file               string
	shard, shards      int
	first, count, size int // images [first, first+count) of size
	checkpoint         string
	chunk              int // > 0: the parts split whole chunks (shard.chunkSpan)
}

// checkParts orders the parts by shard and checks that they are one whole:
// the same shard count, size and checkpoint, each shard once, in range,
// with the images its shard number gives it.
func checkParts(recs []partRecord) ([]partRecord, error) {
	a := recs[0]
	seen := map[int]string{}
	for _, r := range recs {
		switch {
		case r.shards != a.shards:
			return nil, fmt.Errorf("merge: %s is part of %d shards, %s of %d", r.file, r.shards, a.file, a.shards)
		case r.shard < 0 || r.shard >= r.shards:
			return nil, fmt.Errorf("merge: %s: shard %d out of range 0..%d", r.file, r.shard, r.shards-1)
		case seen[r.shard] != "":
			return nil, fmt.Errorf("merge: %s and %s are both shard %d of %d", seen[r.shard], r.file, r.shard, r.shards)
		case r.checkpoint != a.checkpoint:
			return nil, fmt.Errorf("merge: %s was made with checkpoint sha256 %s, %s with %s", r.file, r.checkpoint, a.file, a.checkpoint)
		case r.size != a.size:
			return nil, fmt.Errorf("merge: %s is a part of %d images, %s of %d", r.file, r.size, a.file, a.size)
		case r.chunk != a.chunk:
			return nil, fmt.Errorf("merge: %s was scored in chunks of %d, %s in chunks of %d", r.file, r.chunk, a.file, a.chunk)
		}
		lo, hi := shard{r.shard, r.shards}.span(r.size)
		if r.chunk > 0 {
			lo, hi = shard{r.shard, r.shards}.chunkSpan(r.size, r.chunk)
		}
		if r.first != lo || r.count != hi-lo {
			return nil, fmt.Errorf("merge: %s holds images %d..%d, shard %d of %d should hold %d..%d", r.file, r.first, r.first+r.count-1, r.shard, r.shards, lo, hi-1)
		}
		seen[r.shard] = r.file
	}
	for i := range a.shards {
		if seen[i] == "" {
			return nil, fmt.Errorf("merge: shard %d of %d is missing (have %d parts, first %s)", i, a.shards, len(recs), a.file)
		}
	}
	recs = slices.Clone(recs)
	slices.SortFunc(recs, func(x, y partRecord) int { return x.shard - y.shard })
	return recs, nil
}

// mergeIndex joins partial indices into the index of the whole set.
func mergeIndex(cmd *cobra.Command, out string, files []string) error {
	parts := map[string]*search.Index{}
	var recs []partRecord
	for _, f := range files {
		ix, err := search.Load(f)
		if err != nil {
			return err
		}
		p := ix.Meta.Part
		if p == nil {
			return fmt.Errorf("merge: %s is a whole index, not a part of a sharded one", f)
		}
		parts[f] = ix
		recs = append(recs, partRecord{file: f, shard: p.Shard, shards: p.Shards, first: p.First, count: ix.Len(), size: p.Total, checkpoint: ix.Meta.Model})
	}
	recs, err := checkParts(recs)
	if err != nil {
		return err
	}
	first := parts[recs[0].file]
	whole := &search.Index{Meta: first.Meta}
	whole.Meta.Part = nil
	d := first.Dim()
	whole.Features = tensor.New(recs[0].size, d)
	for _, r := range recs {
		ix := parts[r.file]
		m := ix.Meta
		m.Part = nil
		if fmt.Sprint(m) != fmt.Sprint(whole.Meta) {
			return fmt.Errorf("merge: %s was indexed with other settings (%+v) than %s (%+v)", r.file, m, recs[0].file, whole.Meta)
		}
		if ix.Dim() != d {
			return fmt.Errorf("merge: %s has %d values per image, %s %d", r.file, ix.Dim(), recs[0].file, d)
		}
		whole.Names = append(whole.Names, ix.Names...)
		copy(whole.Features.Data[r.first*d:], ix.Features.Data)
	}
	if err := whole.Save(out); err != nil {
		return err
	}
	fmt.Fprintf(cmd.OutOrStdout(), "merged %d parts: %d images to %s\n", len(recs), whole.Len(), out)
	return nil
}

// partSuffix names the record a sharded anomaly run writes beside its CSV.
const partSuffix = ".part.json"

// anomalyPart is OUT.part.json of a sharded diffuse anomaly run.
type anomalyPart struct {
	Shard      int                `json:"shard"`
	Shards     int                `json:"shards"`
	First      int                `json:"first"` // global index of the CSV's first row
	Count      int                `json:"count"`
	Total      int                `json:"total"` // images in the whole run
	Chunk      int                `json:"chunk"`
	Checkpoint string             `json:"checkpoint_sha256"`
	Thresholds anomaly.Thresholds `json:"thresholds"`
}

// mergeAnomaly joins the score CSVs of a sharded anomaly run, in global
// order, into the CSV of the whole run.
func mergeAnomaly(cmd *cobra.Command, out string, files []string) error {
	recs := make([]partRecord, len(files))
	parts := map[string]anomalyPart{}
	bodies := map[string][]byte{}
	var header []byte
	for i, f := range files {
		var p anomalyPart
		if err := checkpoint.ReadJSON(f+partSuffix, &p); err != nil {
			return fmt.Errorf("merge: %s: its record %s: %w (is it from a sharded diffuse anomaly run?)", f, f+partSuffix, err)
		}
		b, err := os.ReadFile(f)
		if err != nil {
			return fmt.Errorf("merge: %w", err)
		}
		h, body, _ := bytes.Cut(b, []byte("\n"))
		if header == nil {
			header = h
		} else if !bytes.Equal(h, header) {
			return fmt.Errorf("merge: %s: header %q, %s has %q", f, h, files[0], header)
		}
		if rows := bytes.Count(body, []byte("\n")); rows != p.Count {
			return fmt.Errorf("merge: %s: %d rows, its record says %d", f, rows, p.Count)
		}
		parts[f], bodies[f] = p, body
		recs[i] = partRecord{file: f, shard: p.Shard, shards: p.Shards, first: p.First, count: p.Count, size: p.Total, checkpoint: p.Checkpoint, chunk: p.Chunk}
	}
	recs, err := checkParts(recs)
	if err != nil {
		return err
	}
	a := parts[recs[0].file]
	for _, r := range recs[1:] {
		if p := parts[r.file]; p.Thresholds != a.Thresholds {
			return fmt.Errorf("merge: %s has thresholds %+v, %s %+v: the shards scored other --val images or --quantile", r.file, p.Thresholds, recs[0].file, a.Thresholds)
		}
	}
	err = checkpoint.WriteAtomic(out, func(w io.Writer) error {
		if _, err := fmt.Fprintf(w, "%s\n", header); err != nil {
			return err
		}
		for _, r := range recs {
			if _, err := w.Write(bodies[r.file]); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(cmd.OutOrStdout(), "merged %d parts: %d rows to %s\n", len(recs), a.Total, out)
	return nil
}
