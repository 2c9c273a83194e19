package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// asCommand makes the test binary run the command itself (run's exit
// status) when the tests start it again with this variable set, so each
// case gets a fresh process: run parses the process-wide flag set and
// beam.Init, which a second call in one process cannot repeat.
const asCommand = "DIFFUSE_BEAM_TEST_AS_COMMAND"

func TestMain(m *testing.M) {
	if os.Getenv(asCommand) == "1" {
		os.Exit(run(os.Args[1:]))
	}
	os.Exit(m.Run())
}

// command runs diffuse-beam with args in a fresh process and returns its
// exit status, standard output and standard error.
func command(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), asCommand+"=1")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		return exit.ExitCode(), stdout.String(), stderr.String()
	case err != nil:
		t.Fatal(err)
	}
	return 0, stdout.String(), stderr.String()
}

// TestUsageErrors checks that each misuse exits with status 2 and a
// message naming what was wrong, before any pipeline starts and without
// writing the output.
func TestUsageErrors(t *testing.T) {
	out := filepath.Join(t.TempDir(), "samples")
	for _, c := range []struct {
		name string
		args []string
		want string
	}{
		{"unknown pipeline", []string{"paint", "--out", out}, `unknown pipeline "paint"`},
		{"no pipeline", []string{"--out", out}, `unknown pipeline ""`},
		{"extra argument", []string{"sample", "--out", out, "more"}, `unexpected argument "more"`},
		{"unknown flag", []string{"sample", "--colour", "red"}, "flag provided but not defined: -colour"},
		{"unknown runner", []string{"sample", "--runner", "quantum", "--out", out}, `--runner "quantum": unknown runner`},
		{"bad value", []string{"sample", "--n", "many", "--out", out}, `invalid value "many" for flag -n`},
	} {
		t.Run(c.name, func(t *testing.T) {
			status, _, stderr := command(t, c.args...)
			if status != 2 {
				t.Errorf("exit status %d, want 2; stderr:\n%s", status, stderr)
			}
			if !strings.Contains(stderr, c.want) {
				t.Errorf("stderr does not say %q:\n%s", c.want, stderr)
			}
			if _, err := os.Stat(out); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("%s was written (%v)", out, err)
			}
		})
	}
}

// TestSample runs the sample pipeline end to end on the prism runner
// (in this process, inside the loopback-only namespace where the machine
// allows one) with the shipped model: two images of two steps, written
// with the manifest the single-process command writes. Time budget: a few
// seconds.
func TestSample(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the prism runner")
	}
	out := filepath.Join(t.TempDir(), "samples")
	status, stdout, stderr := command(t, "sample", "--n", "2", "--steps", "2", "--out", out)
	if status != 0 {
		t.Fatalf("exit status %d; stderr:\n%s", status, stderr)
	}
	if !strings.Contains(stdout, "wrote "+out) {
		t.Errorf("stdout does not name the output:\n%s", stdout)
	}
	pngs, err := filepath.Glob(filepath.Join(out, "*.png"))
	if err != nil || len(pngs) < 2 {
		entries, _ := os.ReadDir(out)
		t.Errorf("want at least 2 PNG files in %s, got %v (%v); folder: %v", out, pngs, err, entries)
	}
}
