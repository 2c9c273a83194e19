package audiotest_test

import (
	"bytes"
	"testing"

	"github.com/diffusego/diffusego/audio"
	"github.com/diffusego/diffusego/audio/audiotest"
)

// TestWAVReads checks that a header made here is one the project's reader
// takes: two 16-bit mono samples at 8 kHz come back as written.
func TestWAVReads(t *testing.T) {
	b := audiotest.WAV(audiotest.PCM, 1, 8000, 16, []byte{0x00, 0x40, 0x00, 0xc0}) // 16384, −16384
	if len(b) != 44+4 || !bytes.Equal(b[:4], []byte("RIFF")) {
		t.Fatalf("want a 48-byte RIFF file, got %d bytes %q", len(b), b[:4])
	}
	clip, _, err := audio.Decode("two.wav", b)
	if err != nil {
		t.Fatal(err)
	}
	if clip.Rate != 8000 || len(clip.Data) != 1 || len(clip.Data[0]) != 2 || clip.Data[0][0] != 0.5 || clip.Data[0][1] != -0.5 {
		t.Errorf("read %+v, want two samples 0.5, −0.5 at 8000 Hz mono", clip)
	}
}
