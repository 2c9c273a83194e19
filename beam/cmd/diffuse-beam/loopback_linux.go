package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"syscall"

	"golang.org/x/sys/unix"
)

// isolatedEnv marks the copy of the command that runs inside the private
// network namespace.
const isolatedEnv = "DIFFUSE_BEAM_LOOPBACK_ONLY"

// loopbackOnly makes sure prism's servers can be reached from this machine
// only. Prism's job server listens on every interface (Beam v2.78 has no
// option to bind it), so the command runs itself again in a new network
// namespace whose only interface is loopback: every port it opens is then
// private to it. It returns done = true with the exit status when the
// copy has run; inside the copy it brings the loopback interface up and
// returns done = false.
func loopbackOnly(args []string) (done bool, status int, err error) {
	if os.Getenv(isolatedEnv) == "1" {
		return false, 0, loopbackUp()
	}
	cmd := exec.Command("/proc/self/exe", args...)
	cmd.Args[0] = os.Args[0]
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	cmd.Env = append(os.Environ(), isolatedEnv+"=1")
	attr := &syscall.SysProcAttr{Cloneflags: syscall.CLONE_NEWNET}
	if uid, gid := os.Getuid(), os.Getgid(); uid != 0 {
		// an unprivileged user gets its own user namespace, as unshare -rn
		attr.Cloneflags |= syscall.CLONE_NEWUSER
		attr.UidMappings = []syscall.SysProcIDMap{{ContainerID: 0, HostID: uid, Size: 1}}
		attr.GidMappings = []syscall.SysProcIDMap{{ContainerID: 0, HostID: gid, Size: 1}}
		attr.GidMappingsEnableSetgroups = false
	}
	cmd.SysProcAttr = attr
	if err := cmd.Start(); err != nil {
		return true, 1, fmt.Errorf("prism listens on every interface, and this machine refused the private network namespace that keeps it on loopback (%v); allow user namespaces, or run with --loopback=false behind a firewall that closes its ports (docs/beam.md)", err)
	}
	err = cmd.Wait()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return true, exit.ExitCode(), nil
	}
	if err != nil {
		return true, 1, err
	}
	return true, 0, nil
}

// loopbackUp brings up the loopback interface of this network namespace
// (it starts down).
func loopbackUp() error {
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("loopback: %w", err)
	}
	defer unix.Close(fd)
	ifr, err := unix.NewIfreq("lo")
	if err != nil {
		return fmt.Errorf("loopback: %w", err)
	}
	if err := unix.IoctlIfreq(fd, unix.SIOCGIFFLAGS, ifr); err != nil {
		return fmt.Errorf("loopback: %w", err)
	}
	ifr.SetUint16(ifr.Uint16() | unix.IFF_UP)
	if err := unix.IoctlIfreq(fd, unix.SIOCSIFFLAGS, ifr); err != nil {
		return fmt.Errorf("loopback: bring lo up: %w", err)
	}
	return nil
}
