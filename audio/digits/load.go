package digits

import (
	"fmt"
	"path/filepath"

	"github.com/diffusego/diffusego/audio"
	"github.com/diffusego/diffusego/tensor"
)

// Load reads the clips of one split of the data set in dir (limit > 0
// keeps the first limit, in manifest order) as a batch for a model:
// x: (N, 1, Samples) float32 in [-1, 1], with the digit of each clip in
// labels and the manifest rows in clips. Every file must be Rate Hz mono
// with exactly Samples samples; one that is not is refused by name.
func Load(dir, split string, limit int) (x *tensor.Tensor, labels []int, clips []Clip, err error) {
	all, err := ReadManifest(filepath.Join(dir, ManifestName))
	if err != nil {
		return nil, nil, nil, err
	}
	clips = Select(all, split)
	if limit > 0 && len(clips) > limit {
		clips = clips[:limit]
	}
	if len(clips) == 0 {
		return nil, nil, nil, fmt.Errorf("digits: %s: no %q clips", filepath.Join(dir, ManifestName), split)
	}
	x = tensor.New(len(clips), 1, Samples)
	labels = make([]int, len(clips))
	for i, c := range clips {
		path := filepath.Join(dir, c.File)
		a, err := audio.ReadFile(path)
		if err != nil {
			return nil, nil, nil, err
		}
		if a.Rate != Rate || a.Channels() != 1 || a.Len() != Samples {
			return nil, nil, nil, fmt.Errorf("digits: %s: %d Hz, %d channels, %d samples: want %d Hz mono, %d samples",
				path, a.Rate, a.Channels(), a.Len(), Rate, Samples)
		}
		row := x.Data[i*Samples : (i+1)*Samples]
		for j, v := range a.Data[0] {
			row[j] = float32(v)
		}
		labels[i] = c.Digit
	}
	return x, labels, clips, nil
}
