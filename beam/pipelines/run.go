package pipelines

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
	"github.com/diffusego/diffusego/jobs"

	// the runners diffuse-beam offers
	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/runners/dataflow"
	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/runners/flink"
	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/runners/prism"
	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/runners/spark"

	// the file systems outputs and checkpoints may live on
	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem/gcs"
	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem/local"
)

// Runners are the runners a pipeline may run on: prism runs it in this
// process; the others submit it to a cluster or service (docs/beam.md).
var Runners = []string{"prism", "flink", "spark", "dataflow"}

// CheckRunner refuses a runner that is not one of Runners.
func CheckRunner(name string) error {
	if !slices.Contains(Runners, name) {
		return fmt.Errorf("--runner %q: unknown runner; want one of %s", name, strings.Join(Runners, ", "))
	}
	return nil
}

// Run runs p on the runner and waits for it to finish. An unknown runner
// is refused before anything starts (Beam itself would exit the process).
func Run(ctx context.Context, runner string, p *beam.Pipeline) error {
	if err := CheckRunner(runner); err != nil {
		return err
	}
	_, err := beam.Run(ctx, runner, p)
	return err
}

// shardCount is the number of shards a job of n items (or chunks) is split
// into: want when it is given (at most n), else about one per per items.
func shardCount(n, want, per int) int {
	if want <= 0 {
		want = (n + per - 1) / per
	}
	return max(1, min(want, n))
}

// shardIndices is the PCollection 0, 1, …, k−1, reshuffled so that a
// runner spreads the shards over its workers.
func shardIndices(s beam.Scope, k int) beam.PCollection {
	idx := make([]int, k)
	for i := range idx {
		idx[i] = i
	}
	return beam.Reshuffle(s, beam.CreateList(s, idx))
}

// gather collects every element of parts into one call of merge, which
// sees them through an iterator (a side input to one impulse).
func gather(s beam.Scope, merge any, parts beam.PCollection) {
	beam.ParDo0(s, merge, beam.Impulse(s), beam.SideInput{Input: parts})
}

// readParts drains a side-input iterator.
func readParts(iter func(*[]byte) bool) [][]byte {
	var out [][]byte
	var b []byte
	for iter(&b) {
		out = append(out, b)
	}
	return out
}

// shard is shard i of the job's k.
func shard(i, k int) jobs.Shard { return jobs.Shard{I: i, N: k} }

func init() {
	register.Emitter1[[]byte]()
	register.Emitter1[string]()
	register.Iter1[[]byte]()
}
