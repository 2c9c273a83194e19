package main

import (
	"fmt"
	"github.com/diffusego/diffusego/jobs"
	"path/filepath"
	"strings"

	"github.com/diffusego/diffusego/internal/pngout"
	"github.com/diffusego/diffusego/search"
	"github.com/diffusego/diffusego/tensor"
	"github.com/spf13/cobra"
)

// defaultFashionDir is where Debian's dataset-fashion-mnist package puts
// the data.
const defaultFashionDir = "/usr/share/datasets/fashion-mnist"

func newIndexCmd() *cobra.Command {
	var ckpt, images, out, dir, layers string
	var raw bool
	var limit, t, grid int
	var seed uint64
	var sf shardFlags
	def := search.DefaultOptions()
	cmd := &cobra.Command{
		Use:   "index",
		Short: "Index a folder of images (or Fashion-MNIST) for similarity search",
		Long: `index embeds every image with the model's encoder and writes the vectors,
the image names and the checkpoint's SHA-256 to a safetensors file for
diffuse search. An image is noised lightly with a fixed noise image
(step --t), run through the U-Net's encoder and middle block with no label,
and the bottleneck activations are averaged over a --grid × --grid
partition of the plane (2×2 cells of the shipped model's 14×14) and scaled
to unit length; search ranks by cosine similarity. The defaults were chosen on a
validation split of the Fashion-MNIST training set (docs/search.md).

--images is a folder of PNG or JPEG images of the model's size and
channels (class sub-folders allowed; other sizes are refused, not resized),
or fashion-mnist:test / fashion-mnist:train read from --data.

With --shard I --shards N (or JOB_COMPLETION_INDEX for I), a process embeds
only images [I·n/N, (I+1)·n/N) of the sorted list and writes a partial index;
diffuse merge joins the N parts into the file one unsharded run writes.`,
		Example: `  diffuse index --images fashion-mnist:test --out fmnist-test.safetensors
  diffuse index --checkpoint run/ --images photos/ --out photos.safetensors
  diffuse index --images photos/ --shard 0 --shards 4 --out part-0.safetensors`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if images == "" || out == "" {
				return usagef("--images and --out: want a folder (or fashion-mnist:test) and an output file")
			}
			if limit < 0 {
				return usagef("--limit %d: want ≥ 0 (0 = all)", limit)
			}
			part, sharded, err := sf.resolve(cmd)
			if err != nil {
				return err
			}
			var partp *shard
			if sharded {
				partp = &part
			}
			p, hash, err := jobs.LoadModel(ckpt, raw)
			if err != nil {
				return err
			}
			if !cmd.Flags().Changed("grid") { // the default, on a bottleneck smaller than 7×7
				grid = jobs.BottleneckGrid(p, grid)
			}
			spec := jobs.IndexSpec{Images: images, Data: dir, Limit: limit, Raw: raw, Options: search.Options{T: t, Seed: seed, Layers: layers, Grid: grid}}
			ix, err := spec.Index(p, hash, partp)
			if err != nil {
				return asUsage(err)
			}
			if err := ix.Save(out); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "indexed %d images (%d values each: t %d, %s layers, grid %d) to %s\n", ix.Len(), ix.Dim(), t, layers, grid, out)
			return nil
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&ckpt, "checkpoint", "", "checkpoint file or run folder (default: the shipped Fashion-MNIST model)")
	fs.BoolVar(&raw, "raw", false, "use the raw weights instead of the EMA")
	fs.StringVar(&images, "images", "", "image folder, or fashion-mnist:test / fashion-mnist:train")
	fs.StringVar(&dir, "data", defaultFashionDir, "Fashion-MNIST directory (for fashion-mnist:SPLIT)")
	fs.StringVar(&out, "out", "", "index file to write (safetensors)")
	fs.IntVar(&limit, "limit", 0, "index only the first N images (0 = all)")
	fs.IntVar(&t, "t", def.T, "time step of the noised input")
	fs.StringVar(&layers, "layers", def.Layers, "mid (the bottleneck) or all (every encoder level too)")
	fs.IntVar(&grid, "grid", def.Grid, "pool over a grid×grid partition (1 = global mean; the default is cut to the bottleneck's side)")
	fs.Uint64Var(&seed, "seed", def.Seed, "seed of the fixed noise image")
	sf.add(cmd)
	return cmd
}

func newSearchCmd() *cobra.Command {
	var ckpt, indexPath, query, sheet, dir string
	var raw bool
	var k int
	cmd := &cobra.Command{
		Use:   "search",
		Short: "Find the images of an index most similar to a query image",
		Long: `search embeds the query image as diffuse index embedded the indexed ones
(the same checkpoint and weights are required: the index records the
checkpoint's SHA-256) and prints the k most similar images by cosine
similarity, most similar first. --sheet writes a PNG contact sheet: the
query, then the k hits, in one row.`,
		Example: `  diffuse search --index fmnist-test.safetensors --query shoe.png --k 10 --sheet sheet.png
  diffuse search --checkpoint run/ --index photos.safetensors --query cat.jpg`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if indexPath == "" || query == "" {
				return usagef("--index and --query: want an index file and an image")
			}
			if sheet != "" && !strings.EqualFold(filepath.Ext(sheet), ".png") {
				return usagef("--sheet %q: want a .png file", sheet)
			}
			ix, err := search.Load(indexPath)
			if err != nil {
				return err
			}
			if !cmd.Flags().Changed("k") {
				k = min(k, ix.Len()) // the default asks for at most the whole index
			}
			if k < 1 || k > ix.Len() {
				return usagef("--k %d: want 1..%d (the index holds %d images)", k, ix.Len(), ix.Len())
			}
			p, hash, err := jobs.LoadModel(ckpt, raw)
			if err != nil {
				return err
			}
			if err := ix.CheckModel(hash, jobs.WeightsName(raw)); err != nil {
				return fmt.Errorf("index %s: %w; pass the --checkpoint (and --raw) it was built with", indexPath, err)
			}
			e, err := search.NewEmbedder(p.Net, p.Schedule, ix.Meta.Options)
			if err != nil {
				return fmt.Errorf("index %s: %w", indexPath, err)
			}
			shape := ix.Meta.Shape
			q := tensor.New(1, shape[0], shape[1], shape[2])
			if err := jobs.ReadImage(query, shape[1], shape[0], q.Data); err != nil {
				return err
			}
			hits, err := ix.Search(e, q, k)
			if err != nil {
				return err
			}
			w := cmd.OutOrStdout()
			names := make([]string, k)
			for r, h := range hits[0] {
				names[r] = ix.Names[h.Index]
				fmt.Fprintf(w, "%2d  %.4f  %s\n", r+1, h.Similarity, names[r])
			}
			if sheet == "" {
				return nil
			}
			found, err := sheetImages(ix.Meta.Source, dir, names, shape)
			if err != nil {
				return err
			}
			all := tensor.New(k+1, shape[0], shape[1], shape[2])
			copy(all.Data, q.Data)
			copy(all.Data[len(q.Data):], found.Data)
			img, err := pngout.Grid(all, k+1, 2)
			if err != nil {
				return err
			}
			meta := map[string]string{"query": query, "index": indexPath, "k": fmt.Sprint(k), "hits": strings.Join(names, " ")}
			if err := pngout.WriteFile(sheet, img, meta); err != nil {
				return err
			}
			fmt.Fprintf(w, "wrote %s (the query, then the %d hits)\n", sheet, k)
			return nil
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&ckpt, "checkpoint", "", "the checkpoint the index was built with (default: the shipped Fashion-MNIST model)")
	fs.BoolVar(&raw, "raw", false, "use the raw weights instead of the EMA (as the index did)")
	fs.StringVar(&indexPath, "index", "", "index file from diffuse index")
	fs.StringVar(&query, "query", "", "query image (PNG or JPEG, the model's size and channels)")
	fs.IntVar(&k, "k", 10, "how many images to return (cut to the index size when not given)")
	fs.StringVar(&sheet, "sheet", "", "write a PNG contact sheet here: the query, then the hits")
	fs.StringVar(&dir, "data", defaultFashionDir, "Fashion-MNIST directory (for an index of fashion-mnist:SPLIT)")
	return cmd
}
