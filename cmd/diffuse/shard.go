package main

import (
	"errors"
	"os"
	"strconv"

	"github.com/diffusego/diffusego/jobs"

	"github.com/spf13/cobra"
)

// jobIndexEnv is the variable a Kubernetes Indexed Job sets to the index of
// each of its pods.
const jobIndexEnv = "JOB_COMPLETION_INDEX"

// shardFlags are --shard and --shards, shared by the commands that can
// split their work over many processes.
type shardFlags struct {
	index, count int
}

// add registers --shard and --shards on cmd.
func (s *shardFlags) add(cmd *cobra.Command) {
	cmd.Flags().IntVar(&s.index, "shard", -1, "this process's part, 0..shards-1 (default: $"+jobIndexEnv+" when --shards is given)")
	cmd.Flags().IntVar(&s.count, "shards", 0, "split the work into this many parts, one per process (0: one unsharded run)")
}

// shard is part I of N of a job (jobs.Shard).
type shard = jobs.Shard

// asUsage turns a request the jobs package refuses (*jobs.RequestError)
// into a usage error.
func asUsage(err error) error {
	var re *jobs.RequestError
	if errors.As(err, &re) {
		return &usageError{err}
	}
	return err
}

// resolve returns the shard the flags and the environment name, and false
// for an unsharded run. --shard wins over JOB_COMPLETION_INDEX; the two
// disagreeing is an error, as is either without --shards.
func (s *shardFlags) resolve(cmd *cobra.Command) (shard, bool, error) {
	flagSet := cmd.Flags().Changed("shard")
	env, envSet := os.LookupEnv(jobIndexEnv)
	if s.count == 0 && !cmd.Flags().Changed("shards") {
		if flagSet {
			return shard{}, false, usagef("--shard %d: --shards N is required with it", s.index)
		}
		if envSet {
			return shard{}, false, usagef("%s=%s is set but --shards is not: give --shards N (or unset it)", jobIndexEnv, env)
		}
		return shard{}, false, nil
	}
	if s.count < 1 {
		return shard{}, false, usagef("--shards: want ≥ 1, got %d", s.count)
	}
	i := s.index
	if envSet {
		e, err := strconv.Atoi(env)
		if err != nil {
			return shard{}, false, usagef("%s=%q: want an integer", jobIndexEnv, env)
		}
		if flagSet && e != i {
			return shard{}, false, usagef("--shard %d conflicts with %s=%d", i, jobIndexEnv, e)
		}
		i = e
	} else if !flagSet {
		return shard{}, false, usagef("--shards %d: give --shard I (or set %s)", s.count, jobIndexEnv)
	}
	if i < 0 || i >= s.count {
		return shard{}, false, usagef("--shard %d: want 0..%d for --shards %d", i, s.count-1, s.count)
	}
	return shard{I: i, N: s.count}, true, nil
}
