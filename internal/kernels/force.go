package kernels

import "os"

// genericForced is set by DIFFUSEGO_KERNELS=generic in the environment:
// every kernel then takes its pure-Go path, whatever the CPU has, so that
// one binary can time the assembly against the fallback (the purego build
// tag does the same at compile time). It is read once, at start-up.
var genericForced = os.Getenv("DIFFUSEGO_KERNELS") == "generic"
