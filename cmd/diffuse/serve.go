package main

import (
	"context"
	"errors"
	"fmt"
	"github.com/diffusego/diffusego/jobs"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/diffusego/diffusego/audio/melgen"
	melmodel "github.com/diffusego/diffusego/audio/melgen/model"
	"github.com/diffusego/diffusego/data"
	"github.com/diffusego/diffusego/graph/molgen"
	"github.com/diffusego/diffusego/models/shipped"
	"github.com/diffusego/diffusego/series/csdi"
	"github.com/diffusego/diffusego/serve"
	"github.com/diffusego/diffusego/tabular"
	"github.com/spf13/cobra"
)

func newServeCmd() *cobra.Command {
	var addr, dir, token, fashion string
	var models, tables, texts, audios, seriesModels, graphs, prompted []string
	var limits serve.Limits
	var grace time.Duration
	var spreading bool
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve the models over HTTP: a job API, a web page and rating studies",
		Long: `serve keeps models loaded and runs jobs for HTTP clients and the web page at /:
sample, denoise, inpaint, superres, translate, anomaly and tabular_sample;
text_sample, text_complete and text_infill (--text, the shipped fortunes
model by default); audio_sample and audio_denoise (--audio, the shipped
mel digit model by default); series_impute
and series_forecast (--series); molecule_sample (--graph); network_simulate
(spreading on an uploaded graph, --network); textimage_sample (--textimage,
the shipped emoji text-to-image model by default), with the parameters of
the CLI commands. Jobs are stored in DIR/jobs.db
(SQLite) and their outputs under DIR/outputs; after a crash queued jobs
run again and running ones are marked interrupted. The API is described
at /openapi.json; see docs/serve.md.

It listens on 127.0.0.1 unless told otherwise, and any other address needs
--token (clients send "Authorization: Bearer TOKEN"; the page takes
/?token=TOKEN once). Ctrl-C lets running jobs finish for --grace, then
puts them back in the queue for the next start.`,
		Example: `  diffuse serve
  diffuse serve --addr 127.0.0.1:9000 --data serve-data --model fashion= --model sr=runs/superres-x2
  diffuse serve --audio digits=runs/gen --audio clean=runs/den --series weather=runs/weather --graph mol=runs/mol
  diffuse serve --textimage emoji= --textimage mine=runs/emoji-latent
  diffuse serve --addr 0.0.0.0:8080 --token "$(openssl rand -hex 16)"`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			host, _, err := net.SplitHostPort(addr)
			if err != nil {
				return usagef("--addr %q: want HOST:PORT", addr)
			}
			if ip := net.ParseIP(host); token == "" && (ip == nil || !ip.IsLoopback()) && host != "localhost" {
				return usagef("--addr %s is not a loopback address: give --token to require bearer authentication", addr)
			}
			cfg := serve.Config{Data: dir, Token: token, Limits: limits, Log: cmd.ErrOrStderr(),
				Classes: data.FashionMNISTClasses[:]}
			for _, spec := range models {
				name, path, ok := strings.Cut(spec, "=")
				if !ok || name == "" {
					return usagef("--model %q: want NAME=CHECKPOINT (an empty CHECKPOINT for the shipped model)", spec)
				}
				p, hash, err := jobs.LoadModel(path, false)
				if err != nil {
					return fmt.Errorf("--model %s: %w", name, err)
				}
				cfg.Models = append(cfg.Models, &serve.Model{Name: name, Pipeline: p, Hash: hash})
			}
			for _, spec := range tables {
				name, path, ok := strings.Cut(spec, "=")
				if !ok || name == "" || path == "" {
					return usagef("--tabular %q: want NAME=MODEL_DIR", spec)
				}
				m, err := tabular.Load(path)
				if err != nil {
					return fmt.Errorf("--tabular %s: %w", name, err)
				}
				cfg.Models = append(cfg.Models, &serve.Model{Name: name, Tabular: m})
			}
			extra, err := loadServeModels(texts, audios, seriesModels, graphs)
			if err != nil {
				return err
			}
			cfg.Models = append(cfg.Models, extra...)
			if extra, err = loadPromptServeModels(prompted); err != nil {
				return err
			}
			cfg.Models = append(cfg.Models, extra...)
			if spreading {
				cfg.Models = append(cfg.Models, &serve.Model{Name: "network", Network: true})
			}
			if fashion != "" {
				x, labels, err := data.LoadFashionMNIST(fashion, "test")
				if err != nil {
					fmt.Fprintf(cmd.ErrOrStderr(), "no real images for rating studies: %v\n", err)
				} else {
					cfg.Real, cfg.RealLabels = x, labels
				}
			}
			return runServe(cmd.Context(), cfg, addr, grace, cmd)
		},
	}
	f := cmd.Flags()
	f.StringVar(&addr, "addr", "127.0.0.1:8080", "HOST:PORT to listen on")
	f.StringVar(&dir, "data", "diffuse-serve", "data folder: the job database and outputs (created)")
	f.StringVar(&token, "token", "", "bearer token every request must carry (required off loopback)")
	f.StringArrayVar(&models, "model", []string{"fashion="}, "NAME=CHECKPOINT of an image model to serve (repeatable; empty CHECKPOINT: the shipped model)")
	f.StringArrayVar(&tables, "tabular", nil, "NAME=MODEL_DIR of a tabular model to serve (repeatable)")
	f.StringArrayVar(&texts, "text", []string{"fortunes="}, "NAME=CHECKPOINT of a text model to serve (repeatable; empty CHECKPOINT: the shipped fortunes model)")
	f.StringArrayVar(&audios, "audio", []string{"digits="}, "NAME=CHECKPOINT of an audio model (diffuse audio train: waveform or mel generation, or denoising) to serve (repeatable; empty CHECKPOINT: the shipped mel model)")
	f.StringArrayVar(&seriesModels, "series", nil, "NAME=CHECKPOINT of a time-series model (diffuse series train) to serve (repeatable)")
	f.StringArrayVar(&graphs, "graph", nil, "NAME=CHECKPOINT of a molecule model (diffuse graph train --data molecules) to serve (repeatable)")
	f.StringArrayVar(&prompted, "textimage", []string{"emoji="}, "NAME=CHECKPOINT of a text-to-image model (diffuse train --latent or --text: a run folder, a checkpoint or its export) to serve (repeatable; empty CHECKPOINT: the shipped emoji model)")
	f.BoolVar(&spreading, "network", true, "serve network_simulate jobs (spreading on uploaded graphs; no model needed) under the model name network")
	f.StringVar(&fashion, "fashion-mnist", "/usr/share/datasets/fashion-mnist", "Fashion-MNIST folder: its test images are the real images of rating studies")
	f.IntVar(&limits.Queue, "queue", 64, "jobs that may wait; more get 429 with Retry-After")
	f.Int64Var(&limits.MaxBody, "max-body", 8<<20, "largest request body in bytes")
	f.IntVar(&limits.MaxUpload, "max-upload", 2<<20, "largest uploaded file (PNG, WAV, CSV or graph) in bytes")
	f.IntVar(&limits.MaxImages, "max-images", 64, "most images (texts, clips, molecules) in one job")
	f.IntVar(&limits.Batch, "batch", 64, "most images in one sampling call shared by compatible sample jobs (1: no sharing)")
	f.DurationVar(&grace, "grace", 30*time.Second, "on shutdown, how long running jobs may finish before they are put back in the queue")
	return cmd
}

// runServe serves until ctx ends or SIGINT/SIGTERM, then shuts down: no
// new requests, running jobs get grace to finish, the database is closed.
func runServe(ctx context.Context, cfg serve.Config, addr string, grace time.Duration, cmd *cobra.Command) error {
	srv, err := serve.New(cfg)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		srv.Close(context.Background())
		return fmt.Errorf("--addr: %w", err)
	}
	hs := serve.NewHTTPServer(addr, srv.Handler())
	fmt.Fprintf(cmd.OutOrStdout(), "serving on http://%s/ (data in %s)\n", ln.Addr(), cfg.Data)
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err = <-errc:
	case <-ctx.Done():
	}
	fmt.Fprintln(cmd.ErrOrStderr(), "shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	hs.Shutdown(sctx) // event streams end when their jobs do or at the grace
	if cerr := srv.Close(sctx); err == nil {
		err = cerr
	}
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	return err
}

// loadServeModels loads the text, audio, series and molecule models of
// diffuse serve's flags (each NAME=CHECKPOINT; a checkpoint file or a run
// folder for its newest checkpoint).
func loadServeModels(texts, audios, seriesModels, graphs []string) ([]*serve.Model, error) {
	var out []*serve.Model
	each := func(flag string, specs []string, emptyOK bool, load func(name, path string) (*serve.Model, error)) error {
		ms, err := loadNamedModels(flag, specs, emptyOK, load)
		out = append(out, ms...)
		return err
	}
	hash := func(file string) (string, error) {
		b, err := os.ReadFile(file)
		if err != nil {
			return "", err
		}
		return jobs.SHA256(b), nil
	}
	err := each("--text", texts, true, func(name, path string) (*serve.Model, error) {
		m, source, err := loadTextModel(path, false)
		if err != nil {
			return nil, err
		}
		sum := jobs.SHA256(shipped.Fortunes())
		if path != "" {
			if sum, err = hash(source); err != nil {
				return nil, err
			}
		}
		return &serve.Model{Text: m, Source: source, Hash: sum}, nil
	})
	if err == nil {
		err = each("--audio", audios, true, func(name, path string) (*serve.Model, error) {
			if path == "" {
				g, err := melmodel.Load()
				return &serve.Model{Mel: g, Source: melmodel.Source, Hash: melmodel.SHA256()}, err
			}
			if file, kind, err := audioCheckpoint(path); err != nil {
				return nil, err
			} else if kind == kindMel {
				g, err := melgen.Load(file, true)
				if err != nil {
					return nil, err
				}
				sum, err := hash(file)
				return &serve.Model{Mel: g, Source: file, Hash: sum}, err
			}
			m, file, sum, err := loadAudioModel(path, false)
			if err != nil {
				return nil, err
			}
			return &serve.Model{Audio: m, Source: file, Hash: sum}, nil
		})
	}
	if err == nil {
		err = each("--series", seriesModels, false, func(name, path string) (*serve.Model, error) {
			file, err := jobs.NewestCheckpoint(path)
			if err != nil {
				return nil, err
			}
			m, err := csdi.Load(file, true)
			if err != nil {
				return nil, err
			}
			sum, err := hash(file)
			return &serve.Model{Series: m, Source: file, Hash: sum}, err
		})
	}
	if err == nil {
		err = each("--graph", graphs, false, func(name, path string) (*serve.Model, error) {
			m, meta, file, err := loadGraphModel(path, false)
			if err != nil {
				return nil, err
			}
			v, ok, err := molgen.VocabFromMeta(meta, file)
			if err != nil {
				return nil, err
			}
			if !ok {
				return nil, usagef("--graph %s: %s is not a molecule model (only molecule sampling is served)", name, file)
			}
			sum, err := hash(file)
			return &serve.Model{Molecule: &molgen.Generator{Model: m, Vocab: v}, Source: file, Hash: sum}, err
		})
	}
	return out, err
}

// loadNamedModels loads the models of one of diffuse serve's repeatable
// NAME=CHECKPOINT flags, each with load (an empty CHECKPOINT only when
// emptyOK) and named NAME. An error names the flag and NAME; the models
// loaded before it are returned with it.
func loadNamedModels(flag string, specs []string, emptyOK bool, load func(name, path string) (*serve.Model, error)) ([]*serve.Model, error) {
	var out []*serve.Model
	for _, spec := range specs {
		name, path, ok := strings.Cut(spec, "=")
		if !ok || name == "" || (path == "" && !emptyOK) {
			return out, usagef("%s %q: want NAME=CHECKPOINT", flag, spec)
		}
		m, err := load(name, path)
		if err != nil {
			return out, fmt.Errorf("%s %s: %w", flag, name, err)
		}
		m.Name = name
		out = append(out, m)
	}
	return out, nil
}

// loadPromptServeModels loads the text-to-image models of diffuse serve's
// --textimage flags (NAME=CHECKPOINT: a run folder for its newest
// checkpoint, a checkpoint or an export; empty for the shipped emoji
// model), as diffuse sample --prompt loads them (loadPromptModel), with
// their EMA weights.
func loadPromptServeModels(specs []string) ([]*serve.Model, error) {
	return loadNamedModels("--textimage", specs, true, func(_, path string) (*serve.Model, error) {
		m, file, sum, err := loadPromptModel(path, "", true)
		if err != nil {
			return nil, err
		}
		return &serve.Model{TextImage: m, Source: file, Hash: sum}, nil
	})
}
