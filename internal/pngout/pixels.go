package pngout

import (
	"image"
	"image/color"
)

// Pixels writes the size×size image img into dst as (channels, size,
// size) in [−1, 1]: grey (ITU-R 601 luma) for 1 channel, RGB for 3. It is
// the inverse of Grid for one image.
func Pixels(img image.Image, size, channels int, dst []float32) {
	b := img.Bounds()
	plane := size * size
	for y := range size {
		for x := range size {
			c := img.At(b.Min.X+x, b.Min.Y+y)
			if channels == 1 {
				dst[y*size+x] = float32(color.GrayModel.Convert(c).(color.Gray).Y)/127.5 - 1
				continue
			}
			r, g, bl, _ := c.RGBA()
			for k, v := range []uint32{r, g, bl} {
				dst[k*plane+y*size+x] = float32(v>>8)/127.5 - 1
			}
		}
	}
}
