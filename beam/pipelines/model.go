package pipelines

import (
	"context"
	"fmt"
	"sync"

	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem"
	"github.com/diffusego/diffusego/jobs"
	"github.com/diffusego/diffusego/pipeline"
)

// Model names the checkpoint a pipeline runs: its path (empty for the
// model shipped in the binary), the weights and the SHA-256 the launching
// process saw. It is part of every DoFn that needs the model, so it
// travels to the workers as JSON.
type Model struct {
	Path string // a file, local or gs://…; "" for the shipped model
	Raw  bool   // raw weights instead of the EMA
	Hash string // SHA-256 of the file, as the launching process read it
}

// ResolveModel loads the checkpoint at path (a file or a local run folder,
// as diffuse takes it) in the launching process and returns its Model, with
// the pipeline for what the launcher must know of it (its size, classes).
func ResolveModel(ctx context.Context, path string, raw bool) (Model, *pipeline.Pipeline, error) {
	m := Model{Raw: raw}
	if path == "" {
		p, hash, err := jobs.LoadModel("", raw)
		m.Hash = hash
		return m, p, err
	}
	if !hasScheme(path) {
		var err error
		if path, err = jobs.NewestCheckpoint(path); err != nil {
			return m, nil, err
		}
	}
	m.Path = path
	b, err := readFile(ctx, path)
	if err != nil {
		return m, nil, err
	}
	p, hash, err := jobs.LoadModelBytes(b, path, raw)
	m.Hash = hash
	return m, p, err
}

// staged holds the checkpoint bytes a worker process has read, by path:
// every DoFn instance of the process shares them.
var staged sync.Map // path → *stagedFile

type stagedFile struct {
	once sync.Once
	b    []byte
	err  error
}

// Load builds the model on a worker. The file is read once per worker
// process (and kept); each DoFn instance builds its own network from the
// bytes in its Setup, so no two goroutines share one. A file whose SHA-256
// is not the launcher's is refused.
func (m Model) Load(ctx context.Context) (*pipeline.Pipeline, error) {
	if m.Path == "" {
		p, hash, err := jobs.LoadModel("", m.Raw)
		if err != nil {
			return nil, err
		}
		return p, m.check(hash)
	}
	v, _ := staged.LoadOrStore(m.Path, &stagedFile{})
	f := v.(*stagedFile)
	f.once.Do(func() { f.b, f.err = readFile(ctx, m.Path) })
	if f.err != nil {
		return nil, f.err
	}
	p, hash, err := jobs.LoadModelBytes(f.b, m.Path, m.Raw)
	if err != nil {
		return nil, err
	}
	return p, m.check(hash)
}

// check refuses a checkpoint other than the launcher's.
func (m Model) check(hash string) error {
	if hash != m.Hash {
		name := m.Path
		if name == "" {
			name = "the shipped model"
		}
		return fmt.Errorf("checkpoint %s: this worker read sha256 %s, the pipeline was launched with %s: the file changed or differs between machines", name, hash, m.Hash)
	}
	return nil
}

// readFile reads a whole file through Beam's filesystem layer.
func readFile(ctx context.Context, path string) ([]byte, error) {
	fs, err := filesystem.New(ctx, path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	defer fs.Close()
	b, err := filesystem.Read(ctx, fs, path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return b, nil
}

// writeFile writes a whole file through Beam's filesystem layer.
func writeFile(ctx context.Context, path string, b []byte) error {
	fs, err := filesystem.New(ctx, path)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	defer fs.Close()
	if err := filesystem.Write(ctx, fs, path, b); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

// hasScheme reports whether path names a remote file system (gs://…).
func hasScheme(path string) bool {
	for i := 0; i+2 < len(path); i++ {
		switch c := path[i]; {
		case c == ':' && path[i+1] == '/' && path[i+2] == '/':
			return i > 0
		case !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.'):
			return false
		}
	}
	return false
}

// join joins a folder (local or remote) and a file name.
func join(dir, name string) string {
	if dir != "" && dir[len(dir)-1] == '/' {
		return dir + name
	}
	return dir + "/" + name
}
