package sampler

import (
	"slices"
	"strings"
	"testing"
)

// TestItemNoise checks that an image's initial noise depends only on its
// stream: images 2…4 of a run of 5 equal a run of 3 with first 2, and
// items naming the same streams give the same images in any order.
func TestItemNoise(t *testing.T) {
	whole := ItemNoise(7, 0, nil, 10, 1, 5, 1, 3, 4)
	part := ItemNoise(7, 2, nil, 10, 1, 3, 1, 3, 4)
	per := 12
	if !slices.Equal(whole.Data[2*per:], part.Data) {
		t.Fatalf("images 2…4 of a run of 5 differ from a run of 3 with first 2")
	}
	items := ItemNoise(99, 0, []Item{{7, 4}, {7, 0}}, 10, 1, 2, 1, 3, 4)
	if !slices.Equal(items.Data[:per], whole.Data[4*per:]) || !slices.Equal(items.Data[per:], whole.Data[:per]) {
		t.Fatalf("items {7,4}, {7,0} do not give images 4 and 0 of seed 7")
	}
	if slices.Equal(whole.Data[:per], whole.Data[per:2*per]) {
		t.Fatalf("images 0 and 1 share their noise")
	}
}

// TestCheckItems checks the refusals of CheckItems.
func TestCheckItems(t *testing.T) {
	euler := Spec{Name: "euler", Steps: 2}
	for _, c := range []struct {
		items []Item
		spec  Spec
		want  string
	}{
		{nil, Spec{Name: "ddpm", Steps: 2}, ""},
		{[]Item{{1, 0}, {1, 1}}, euler, ""},
		{[]Item{{1, 0}}, euler, "1 streams for 2 prompts"},
		{[]Item{{1, 0}, {1, 1}}, Spec{Name: "ddpm", Steps: 2}, "couples the images"},
		{[]Item{{1, 0}, {1, 1}}, Spec{Name: "ddim", Steps: 2, Eta: 1}, "couples the images"},
		{[]Item{{1, 0}, {1, -1}}, euler, "items[1].index"},
	} {
		err := CheckItems(c.items, 2, "prompts", c.spec)
		if c.want == "" && err != nil || c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)) {
			t.Errorf("CheckItems(%v, %s): got %v, want %q", c.items, c.spec.Name, err, c.want)
		}
	}
}
