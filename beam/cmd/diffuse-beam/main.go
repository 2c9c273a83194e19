// Command diffuse-beam runs diffuse's sample, eval, index and anomaly jobs
// as Apache Beam pipelines: in this process on the prism runner (the
// default), or on Flink, Spark or Google Cloud Dataflow. Each shard of a
// job runs the function diffuse runs for --shard I --shards N, and the
// parts are merged as diffuse merge merges them, so the outputs are the
// single-process command's. See docs/beam.md.
//
//	diffuse-beam sample --n 2000 --steps 20 --out samples
//	diffuse-beam eval --samples samples --out report.json
//	diffuse-beam index --images fashion-mnist:test --out test.safetensors
//	diffuse-beam anomaly --checkpoint runs/dress --images photos/ --val normal/ --out scores.csv
//	diffuse-beam sample --runner flink --endpoint localhost:8099 --environment_type LOOPBACK --n 100000 --out /shared/big
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/runners"
	"github.com/diffusego/diffusego/beam/pipelines"
)

func main() {
	os.Exit(run(os.Args[1:]))
}

const usage = `usage: diffuse-beam PIPELINE [flags]

pipelines: sample, eval, index, anomaly (the diffuse commands of the same
names, flags named as theirs); --runner prism (default, in this process),
flink, spark or dataflow, with Beam's options for them (docs/beam.md).
diffuse-beam -h lists every flag.`

// run runs the command with args and returns the exit status: 2 for a
// usage error, 1 for a failed pipeline.
func run(args []string) int {
	var f pipelines.Flags
	f.Register(flag.CommandLine)
	loopback := flag.Bool("loopback", true, "prism: run in a private network namespace whose only interface is loopback, so that no other machine reaches prism's job server (Linux)")
	name := ""
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		name, args = args[0], args[1:]
	}
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, usage)
		flag.PrintDefaults()
	}
	if err := flag.CommandLine.Parse(args); err != nil {
		return 2
	}
	// A worker started by a runner never returns from Init.
	beam.Init()
	if flag.NArg() > 0 {
		fmt.Fprintf(os.Stderr, "diffuse-beam: unexpected argument %q\n%s\n", flag.Arg(0), usage)
		return 2
	}
	if !slices.Contains(pipelines.Pipelines, name) {
		fmt.Fprintf(os.Stderr, "diffuse-beam: unknown pipeline %q\n%s\n", name, usage)
		return 2
	}
	runner := *runners.Runner
	if runner == "" {
		runner = "prism"
	}
	if err := pipelines.CheckRunner(runner); err != nil {
		fmt.Fprintf(os.Stderr, "diffuse-beam: %v\n", err)
		return 2
	}
	if runner == "prism" && *loopback {
		done, status, err := loopbackOnly(os.Args[1:])
		if err != nil {
			fmt.Fprintf(os.Stderr, "diffuse-beam: %v\n", err)
			return max(status, 1)
		}
		if done {
			return status
		}
	}
	ctx := context.Background()
	p, err := f.Build(ctx, name)
	if err != nil {
		fmt.Fprintf(os.Stderr, "diffuse-beam %s: %v\n", name, err)
		return 2
	}
	if err := pipelines.Run(ctx, runner, p); err != nil {
		fmt.Fprintf(os.Stderr, "diffuse-beam %s: %v\n", name, err)
		return 1
	}
	fmt.Printf("diffuse-beam %s: wrote %s\n", name, f.Out)
	return 0
}
