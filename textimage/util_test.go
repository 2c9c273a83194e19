package textimage

import (
	"fmt"
	"os"
)

func fmtInts(x []int) string { return fmt.Sprint(x) }

func removeAll(p string) error { return os.RemoveAll(p) }

func copyFile(src, dst string) error {
	b, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	return os.WriteFile(dst, b, 0o644)
}
