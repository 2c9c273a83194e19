package unet

import "github.com/diffusego/diffusego/nn"

// MACs returns the multiply-adds of one image's forward pass, counted as
// bench/UNET_SPEC.md counts them ("FLOPs"): every convolution
// (C_out·H_out·W_out·C_in/groups·k²), every linear layer (out·in,
// including the time MLP and each ResBlock's embedding projection) and
// the two attention matmuls (2·HW·HW·C per block); not norms,
// activations, softmax, additions or upsampling. Forward FLOPs are
// 2·MACs, and a training step is usually counted as three forwards.
func (m *Model) MACs() int64 {
	var total int64
	conv := func(c *nn.Conv2d, hw int) { // hw: output positions
		total += int64(c.Cout) * int64(hw) * int64(c.Cin/c.Groups) * int64(c.Kernel*c.Kernel)
	}
	lin := func(l *nn.Linear) { total += int64(l.In) * int64(l.Out) }
	res := func(r *ResBlock, hw int) {
		conv(r.Conv1, hw)
		lin(r.Temb)
		conv(r.Conv2, hw)
		if r.Skip != nil {
			conv(r.Skip, hw)
		}
	}
	attn := func(a *AttnBlock, hw int) {
		conv(a.QKV, hw)
		conv(a.Proj, hw)
		total += 2 * int64(hw) * int64(hw) * int64(a.Norm.Weight.V.Value.Len())
	}
	lin(m.Temb.FC1)
	lin(m.Temb.FC2)
	s := m.ImageSize
	conv(m.Stem, s*s)
	for _, l := range m.Down {
		for j, r := range l.Res {
			res(r, s*s)
			if len(l.Attn) > 0 {
				attn(l.Attn[j], s*s)
			}
		}
		if l.Down != nil {
			s /= 2
			conv(l.Down.Conv, s*s)
		}
	}
	res(m.MidRes1, s*s)
	attn(m.MidAttn, s*s)
	res(m.MidRes2, s*s)
	for i := len(m.Up) - 1; i >= 0; i-- {
		l := m.Up[i]
		for j, r := range l.Res {
			res(r, s*s)
			if len(l.Attn) > 0 {
				attn(l.Attn[j], s*s)
			}
		}
		if l.Up != nil {
			s *= 2
			conv(l.Up.Conv, s*s)
		}
	}
	conv(m.OutConv, s*s)
	return total
}
