package main

import (
	"fmt"
	"slices"
)

// checkClasses refuses a data.classes list with an id outside [0, known)
// or a repeated id, naming the key; known is the number of classes of
// the source (10 for Fashion-MNIST, the sub-folders of a folder).
func checkClasses(classes []int, known int, source string) error {
	for i, c := range classes {
		if c < 0 || c >= known {
			return fmt.Errorf("config: data.classes[%d]: unknown class %d: %s has classes 0 … %d", i, c, source, known-1)
		}
		if slices.Contains(classes[:i], c) {
			return fmt.Errorf("config: data.classes[%d]: class %d is listed twice", i, c)
		}
	}
	return nil
}
