package main

import (
	"github.com/diffusego/diffusego/internal/kernels"
	"github.com/spf13/cobra"
)

// precisionFlag is --precision of diffuse sample and diffuse train: the
// arithmetic of the network's forward products (kernels.Precision).
type precisionFlag struct{ name string }

// add registers --precision on cmd.
func (p *precisionFlag) add(cmd *cobra.Command) {
	cmd.Flags().StringVar(&p.name, "precision", "fp32", "arithmetic of the network's forward products: fp32 (the reference), or bf16 (operands rounded to bfloat16, sums in float32; gradients stay fp32; needs a CPU with AVX512_BF16)")
}

// apply sets the process's precision as the flag says (fp32 when it was
// not given), refusing bf16 where it cannot run with a usage error that
// names the flag and says why.
func (p *precisionFlag) apply() error {
	pr, err := kernels.ParsePrecision(p.name)
	if err != nil {
		return usagef("--precision: want fp32 or bf16, got %q", p.name)
	}
	if err := kernels.SetPrecision(pr); err != nil {
		return usagef("--precision %s: %v; use --precision fp32", p.name, err)
	}
	return nil
}
