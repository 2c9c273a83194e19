package main

import (
	"github.com/diffusego/diffusego/checkpoint"
	"github.com/diffusego/diffusego/jobs"
	"github.com/diffusego/diffusego/models/classifier"
	"github.com/spf13/cobra"
)

// evalReport is what diffuse eval writes as JSON (jobs.EvalReport).
type evalReport = jobs.EvalReport

func newEvalCmd() *cobra.Command {
	var samples, reference, real, out string
	var seed uint64
	var sf shardFlags
	cmd := &cobra.Command{
		Use:   "eval",
		Short: "Score generated images: Fréchet distance, precision/recall, class accuracy, PSNR/SSIM",
		Long: `eval scores a folder of 28×28 grey PNG images (as diffuse sample writes).

Distribution scores compare them with the Fashion-MNIST test set in the
feature space of the classifier shipped with diffuse (models/classifier):
Fréchet distance, and k-NN precision and recall (Kynkäänniemi et al. 2019,
k = 3). The same scores between two disjoint halves of real data of the
same size (the real-vs-real floor) are printed beside them: no model can be
expected to beat the floor at that count. When file names carry the asked
class (INDEX_cK.png), the classifier's agreement with it is reported too.

With --reference DIR, images are also paired by file name with those in DIR
and scored with PSNR and SSIM (Wang et al. 2004, 11×11 Gaussian window).

The JSON report (--out) always states the sample count.

With --shard I --shards N (or JOB_COMPLETION_INDEX for I), a process only
extracts the features of images [I·n/N, (I+1)·n/N) of the folder (sorted by
name) and writes them to --out (a .safetensors part); diffuse merge joins the N parts and prints the report diffuse eval
prints for the whole folder.`,
		Example: `  diffuse eval --samples samples
  diffuse eval --samples samples --out report.json
  diffuse eval --samples denoised --reference clean
  diffuse eval --samples big --shard 2 --shards 8 --out eval-2.safetensors`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if samples == "" {
				return usagef("--samples: want a folder of PNG images")
			}
			part, sharded, err := sf.resolve(cmd)
			if err != nil {
				return err
			}
			if sharded {
				if out == "" || reference != "" {
					return usagef("--shards: want --out FILE for the part (and no --reference: score pairs unsharded)")
				}
				return writeEvalPart(cmd.OutOrStdout(), samples, out, part)
			}
			rep, err := runEval(samples, reference, real, seed)
			if err != nil {
				return err
			}
			jobs.PrintEval(cmd.OutOrStdout(), rep)
			if out != "" {
				return checkpoint.WriteJSON(out, rep)
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&samples, "samples", "", "folder of generated PNG images")
	f.StringVar(&reference, "reference", "", "folder of reference images with the same file names, for PSNR and SSIM")
	f.StringVar(&real, "data", "/usr/share/datasets/fashion-mnist", "Fashion-MNIST folder (the real test images)")
	f.StringVar(&out, "out", "", "write the report as JSON to this file")
	f.Uint64Var(&seed, "seed", 1, "seed of the real subsets drawn")
	sf.add(cmd)
	return cmd
}

func runEval(samples, reference, realDir string, seed uint64) (*evalReport, error) {
	x, names, labels, _, err := jobs.ReadSamples(samples, nil)
	if err != nil {
		return nil, err
	}
	clf, err := classifier.LoadFashionMNIST()
	if err != nil {
		return nil, err
	}
	fake := clf.Embed(x)
	right := -1
	if labels != nil {
		right = jobs.CorrectClasses(clf, x, labels)
	}
	rep, err := jobs.ScoreFeatures(clf, samples, fake, right, realDir, seed)
	if err != nil {
		return nil, err
	}
	if reference != "" {
		if err := jobs.PairScores(rep, x, names, reference); err != nil {
			return nil, err
		}
	}
	return rep, nil
}
