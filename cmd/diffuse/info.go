package main

import (
	"fmt"
	"io"
	"os"
	"runtime"
	"slices"

	"github.com/diffusego/diffusego/data"
	"github.com/diffusego/diffusego/jobs"
	"github.com/diffusego/diffusego/models/shipped"
	"github.com/spf13/cobra"
	"golang.org/x/sys/cpu"
)

func newInfoCmd() *cobra.Command {
	var dataDir string
	cmd := &cobra.Command{
		Use:   "info",
		Short: "Print the build, the CPU features the kernels can use and, optionally, a data set summary",
		Long: `info prints the diffuse version, the Go release, GOMAXPROCS, the CPU
features the compute kernels dispatch on (AVX2, FMA, AVX-512F) and the
SHA-256 of the Fashion-MNIST model built into this binary (what sample,
eval and the other commands use without --checkpoint).

With --data DIR it also reads a Fashion-MNIST folder (the four IDX files,
gzip-compressed or not) and prints the number of images in each split and
how many of each class.`,
		Example: `  diffuse info
  diffuse info --data /usr/share/datasets/fashion-mnist`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			withData := cmd.Flags().Changed("data")
			if withData {
				if dataDir == "" {
					return usagef("--data wants a folder, got an empty string")
				}
				if st, err := os.Stat(dataDir); err != nil || !st.IsDir() {
					return fmt.Errorf("--data %s: not a folder", dataDir)
				}
			}
			out := cmd.OutOrStdout()
			printBuild(out)
			if !withData {
				return nil
			}
			return printFashionMNIST(out, dataDir)
		},
	}
	cmd.Flags().StringVar(&dataDir, "data", "", "summarise the Fashion-MNIST folder `DIR`")
	return cmd
}

// printBuild writes the version, runtime and CPU feature lines.
func printBuild(w io.Writer) {
	fmt.Fprintf(w, "version     %s\n", buildVersion())
	fmt.Fprintf(w, "go          %s %s/%s\n", runtime.Version(), runtime.GOOS, runtime.GOARCH)
	fmt.Fprintf(w, "GOMAXPROCS  %d (%d CPUs)\n", runtime.GOMAXPROCS(0), runtime.NumCPU())
	fmt.Fprintf(w, "cpu         %s\n", cpuFeatures())
	fmt.Fprintf(w, "shipped     %s sha256 %s\n", shipped.FashionMNISTName, jobs.SHA256(shipped.FashionMNIST()))
}

// cpuFeatures lists the SIMD extensions the kernels care about.
func cpuFeatures() string {
	switch runtime.GOARCH {
	case "amd64", "386":
		yes := map[bool]string{true: "yes", false: "no"}
		return fmt.Sprintf("AVX2 %s, FMA %s, AVX-512F %s",
			yes[cpu.X86.HasAVX2], yes[cpu.X86.HasFMA], yes[cpu.X86.HasAVX512F])
	case "arm64":
		return fmt.Sprintf("ASIMD %v (kernels use the generic Go code)", cpu.ARM64.HasASIMD)
	}
	return "no SIMD kernels for " + runtime.GOARCH + " (generic Go code)"
}

// printFashionMNIST loads both splits from dir and prints their sizes, pixel
// range and class histogram.
func printFashionMNIST(w io.Writer, dir string) error {
	splits := []string{"train", "test"}
	var hist [2][len(data.FashionMNISTClasses)]int
	fmt.Fprintf(w, "data        %s (Fashion-MNIST)\n", dir)
	for i, split := range splits {
		images, labels, err := data.LoadFashionMNIST(dir, split)
		if err != nil {
			return err
		}
		var sum float64
		for _, v := range images.Data {
			sum += float64(v)
		}
		fmt.Fprintf(w, "  %-6s    %d images %d×%d×%d, values in [%.0f, %.0f], mean %.4f\n",
			split, images.Dim(0), images.Dim(1), images.Dim(2), images.Dim(3),
			slices.Min(images.Data), slices.Max(images.Data), sum/float64(images.Len()))
		for _, l := range labels {
			hist[i][l]++
		}
	}
	fmt.Fprintf(w, "  %-16s %6s %6s\n", "class", "train", "test")
	for c, name := range data.FashionMNISTClasses {
		fmt.Fprintf(w, "  %d %-14s %6d %6d\n", c, name, hist[0][c], hist[1][c])
	}
	return nil
}
