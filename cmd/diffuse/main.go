// Command diffuse trains, samples, evaluates and serves diffusion models,
// all in one static Go binary. Its subcommands:
//
//	diffuse train      fit an image U-Net (Fashion-MNIST or a folder of images)
//	diffuse sample     generate images from a checkpoint or the shipped model
//	diffuse eval       Fréchet distance, precision/recall, class accuracy, PSNR/SSIM
//	diffuse denoise    remove Gaussian noise from images
//	diffuse inpaint    fill a masked region (RePaint)
//	diffuse index      embed a folder of images (or Fashion-MNIST) for search
//	diffuse search     the indexed images most similar to a query image
//	diffuse tabular    train, sample, evaluate synthetic tables and score rows for anomaly
//	diffuse augment    add synthetic examples to a labelled image folder or table
//	diffuse text       train, sample and evaluate character-level text models (MDLM)
//	diffuse graph      train, sample and evaluate graph diffusion (DiGress)
//	diffuse autoencoder, textimage   latent autoencoder; text-to-image
//	diffuse audio      spoken-digit generation and speech denoising (DiffWave-style)
//	diffuse series     impute and forecast time series (CSDI-style)
//	diffuse network    spreading on networks: simulate, choose seeds, fit outbreaks
//	diffuse serve      the job API, web page and rating studies
//	diffuse ratings    export stored ratings and their statistics
//	diffuse merge      join the parts of a sharded index, eval or anomaly run
//	diffuse distill    few-step students of a guided model (progressive distillation)
//	diffuse export     a sampling-only copy of a checkpoint
//	diffuse info       version, CPU features, optionally a data set summary
//	diffuse version    the version line
//
// Exit status: 0 on success, 1 when a command fails, 2 for a usage error
// (unknown command or flag, bad argument).
package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"
)

// version is set at link time: go build -ldflags "-X main.version=v0.1.0".
var version = "dev"

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// usageError marks an error in how the command was called (exit status 2).
type usageError struct{ err error }

func (e *usageError) Error() string { return e.err.Error() }
func (e *usageError) Unwrap() error { return e.err }

// usagef returns a *usageError with a formatted message.
func usagef(format string, args ...any) error {
	return &usageError{fmt.Errorf(format, args...)}
}

// run executes the command line args, writing to stdout and stderr, and
// returns the exit status. Tests call it in-process.
func run(args []string, stdout, stderr io.Writer) (status int) {
	defer func() {
		// A bug must not crash a user's shell script with a stack trace
		// and status 2, which would read as a usage error.
		if r := recover(); r != nil {
			fmt.Fprintf(stderr, "diffuse: internal error: %v\n", r)
			status = 1
		}
	}()
	root := newRootCmd()
	root.SetArgs(args)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.Execute()
	if err == nil {
		return 0
	}
	fmt.Fprintf(stderr, "diffuse: %v\n", err)
	var ue *usageError
	if errors.As(err, &ue) {
		fmt.Fprintln(stderr, "Run 'diffuse --help' for usage.")
		return 2
	}
	return 1
}

// newRootCmd builds the command tree; each subcommand lives in its own file.
func newRootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:   "diffuse",
		Short: "Train, sample, evaluate and serve diffusion models",
		Long: `diffuse trains, samples, evaluates and serves diffusion models.
It is one static Go binary: no Python, no cgo, no GPU required.`,
		Example: `  diffuse info
  diffuse info --data /usr/share/datasets/fashion-mnist
  diffuse version`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return usagef("unknown command %q for %q", args[0], cmd.CommandPath())
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			return cmd.Help()
		},
		SilenceErrors: true, // run prints the error once, with the right status
		SilenceUsage:  true, // a failed command should not bury its error under help
	}
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error {
		return &usageError{err}
	})
	root.AddCommand(newInfoCmd(), newVersionCmd(), newTrainCmd(), newSampleCmd(), newEvalCmd(),
		newDenoiseCmd(), newInpaintCmd(), newTabularCmd(), newExportCmd(), newIndexCmd(), newSearchCmd(),
		newAnomalyCmd(), newMergeCmd(), newAugmentCmd(), newDistillCmd())
	root.AddCommand(newAutoencoderCmd(), newTextImageCmd())
	root.AddCommand(newSuperResCmd(), newTranslateCmd())
	root.AddCommand(newTextCmd(), newNetworkCmd(), newGraphCmd(), newAudioCmd(), newSeriesCmd())
	root.AddCommand(newServeCmd(), newRatingsCmd())
	return root
}

// noArgs is cobra.NoArgs reported as a usage error.
func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return usagef("%s takes no arguments, got %q", cmd.CommandPath(), args)
	}
	return nil
}
