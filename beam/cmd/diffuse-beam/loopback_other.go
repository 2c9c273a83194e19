//go:build !linux

package main

import "fmt"

// loopbackOnly refuses to run prism where diffuse-beam cannot keep its job
// server (which listens on every interface) on loopback.
func loopbackOnly(args []string) (done bool, status int, err error) {
	return true, 2, fmt.Errorf("prism listens on every interface, and only on Linux can diffuse-beam keep it on loopback (a private network namespace); run with --loopback=false behind a firewall that closes its ports (docs/beam.md)")
}
