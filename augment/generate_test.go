package augment

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/diffusego/diffusego/diffusion"
	"github.com/diffusego/diffusego/diffusion/sampler"
	"github.com/diffusego/diffusego/diffusion/schedule"
	"github.com/diffusego/diffusego/models/classifier"
	"github.com/diffusego/diffusego/models/unet"
	"github.com/diffusego/diffusego/pipeline"
	"github.com/diffusego/diffusego/tensor"
)

// tinyPipeline is an untrained 3-class model of 8×8 grey images: its
// images are noise, but they are determined by the settings all the same.
func tinyPipeline(t *testing.T) *pipeline.Pipeline {
	t.Helper()
	cfg := unet.Config{ImageSize: 8, InChannels: 1, OutChannels: 1, Channels: 8, ChannelMult: []int{1, 2},
		ResBlocks: 1, AttentionResolutions: []int{}, Heads: 1, Classes: 3, Groups: 4}
	p, err := pipeline.New(pipeline.Model{UNet: cfg, Schedule: schedule.Config{Name: "linear", Steps: 100}, Target: diffusion.Eps}, 1)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

var fast = sampler.Spec{Name: "dpmpp2m", Steps: 2}

func TestGenerateImagesDeterministic(t *testing.T) {
	p := tinyPipeline(t)
	ctx := context.Background()
	classes := []string{"a", "b", "c"}
	opt := ImageOptions{Guidance: 2, Sampler: fast, Seed: 4, Batch: 2}
	x1, r1, err := GenerateImages(ctx, p, classes, []int{3, 0, 2}, opt)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(x1.Labels, []int{0, 0, 0, 2, 2}) || r1[0].Kept != 3 || r1[1].Kept != 0 || r1[2].Drawn != 2 {
		t.Fatalf("labels %v, reports %+v", x1.Labels, r1)
	}
	// Another batch size and more images of class b leave a's and c's images as they were.
	opt.Batch = 5
	x2, _, err := GenerateImages(ctx, p, classes, []int{3, 4, 2}, opt)
	if err != nil {
		t.Fatal(err)
	}
	per := 64
	if !slices.Equal(x1.X.Data[:3*per], x2.X.Data[:3*per]) || !slices.Equal(x1.X.Data[3*per:], x2.X.Data[7*per:]) {
		t.Error("class a or c changed with the batch size or class b's count")
	}
	if slices.Equal(x2.X.Data[:per], x2.X.Data[per:2*per]) {
		t.Error("two images of one class are equal")
	}
	opt.Seed = 5
	x3, _, _ := GenerateImages(ctx, p, classes, []int{3, 0, 2}, opt)
	if slices.Equal(x1.X.Data, x3.X.Data) {
		t.Error("another seed gave the same images")
	}
}

func TestGenerateImagesErrors(t *testing.T) {
	p := tinyPipeline(t)
	ctx := context.Background()
	var ce *ClassError
	_, _, err := GenerateImages(ctx, p, []string{"a", "b", "c", "d"}, []int{1, 1, 1, 1}, ImageOptions{Sampler: fast})
	if !errors.As(err, &ce) || !strings.Contains(err.Error(), "4 classes but the model knows 3") {
		t.Errorf("4 classes for a 3-class model: %v", err)
	}
	_, _, err = GenerateImages(ctx, p, []string{"a", "b"}, []int{1, 1}, ImageOptions{Sampler: fast, ModelClass: []int{0, 3}})
	if !errors.As(err, &ce) {
		t.Errorf("model class 3 of 3: %v", err)
	}
	_, _, err = GenerateImages(ctx, p, []string{"a", "b"}, []int{1, 1}, ImageOptions{Sampler: sampler.Spec{Name: "ddpm", Steps: 2}})
	if err == nil || !strings.Contains(err.Error(), "depend on their batch") {
		t.Errorf("ddpm: %v", err)
	}
	_, _, err = GenerateImages(ctx, p, []string{"a", "b"}, []int{1, 1}, ImageOptions{Sampler: fast, MinConfidence: 0.5})
	if err == nil || !strings.Contains(err.Error(), "classifier") {
		t.Errorf("confidence without a classifier: %v", err)
	}
}

// The filter keeps an image only at or above the threshold: at 0 every
// image passes, at 1 none does (softmax never reaches 1 here), and the
// drawing stops after MaxTries times the count.
func TestGenerateImagesFilter(t *testing.T) {
	p := tinyPipeline(t)
	ctx := context.Background()
	cfg := classifier.Config{InChannels: 1, Size: 8, Channels: [2]int{4, 4}, Hidden: 8, Classes: 2}
	filter := classifier.New(cfg, tensor.NewRNG(0))
	opt := ImageOptions{Sampler: fast, Filter: filter, MinConfidence: 1e-9, MaxTries: 2}
	x, r, err := GenerateImages(ctx, p, []string{"a", "b"}, []int{2, 1}, opt)
	if err != nil || x.Len() != 3 || r[0].Rejected != 0 {
		t.Fatalf("threshold ~0: %d images, %+v, %v", x.Len(), r, err)
	}
	opt.MinConfidence = 1
	x, r, err = GenerateImages(ctx, p, []string{"a", "b"}, []int{2, 1}, opt)
	if err != nil || x.Len() != 0 || r[0].Rejected != r[0].Drawn || r[0].Drawn < 4 || x.X.Dim(0) != 0 {
		t.Fatalf("threshold 1: %d images, %+v, %v", x.Len(), r, err)
	}
	conf := Confidence(filter, tensor.New(2, 1, 8, 8), 1)
	if len(conf) != 2 || conf[0] <= 0 || conf[0] >= 1 {
		t.Errorf("Confidence = %v, want probabilities", conf)
	}
}

// The same settings write the same files; an output folder in use is refused.
func TestWriteImagesSameBytes(t *testing.T) {
	p := tinyPipeline(t)
	ctx := context.Background()
	real := &Images{X: tensor.New(2, 1, 8, 8), Labels: []int{0, 1}, Classes: []string{"a", "b"}}
	write := func(dir string) {
		syn, rep, err := GenerateImages(ctx, p, real.Classes, []int{2, 1}, ImageOptions{Sampler: fast, Seed: 3, Guidance: 2})
		if err != nil {
			t.Fatal(err)
		}
		m := Manifest{Source: "test", Model: "tiny", ModelSHA256: "abc", Seed: 3, Guidance: 2, Request: Request{PerClass: 2},
			Classes: NewCounts(real.ClassCounts(), rep)}
		if err := WriteImages(dir, real, syn, m); err != nil {
			t.Fatal(err)
		}
	}
	a, b := t.TempDir(), t.TempDir()
	write(a)
	write(b)
	var files []string
	err := filepath.WalkDir(a, func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(a, path)
			files = append(files, rel)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 2+3+2 { // 2 real, 3 synthetic, labels.csv, manifest.json
		t.Fatalf("files %q", files)
	}
	for _, f := range files {
		x, _ := os.ReadFile(filepath.Join(a, f))
		y, err := os.ReadFile(filepath.Join(b, f))
		if err != nil || !bytes.Equal(x, y) {
			t.Errorf("%s differs between two runs (%v)", f, err)
		}
	}
	man, _ := os.ReadFile(filepath.Join(a, "manifest.json"))
	for _, want := range []string{`"model_sha256": "abc"`, `"seed": 3`, `"guidance": 2`, `"synthetic_total": 3`, `"kept": 2`} {
		if !bytes.Contains(man, []byte(want)) {
			t.Errorf("manifest lacks %s:\n%s", want, man)
		}
	}
	labels, _ := os.ReadFile(filepath.Join(a, "labels.csv"))
	if !bytes.Contains(labels, []byte("a/syn-a-000001.png,a,synthetic")) {
		t.Errorf("labels.csv:\n%s", labels)
	}
	if err := CheckImageOutput(a); err == nil {
		t.Error("a folder in use was accepted")
	}
}
