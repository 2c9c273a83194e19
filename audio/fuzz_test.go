package audio

import (
	"bytes"
	"testing"

	"github.com/diffusego/diffusego/audio/audiotest"
)

// FuzzReadWAV feeds Decode arbitrary bytes: it must never panic, and what
// it accepts must be valid audio that survives a Float32 round trip.
func FuzzReadWAV(f *testing.F) {
	for _, enc := range []Encoding{PCM16, Float32} {
		var b bytes.Buffer
		if err := Encode(&b, tone(8000, 2, 5), enc, SettingsInfo(map[string]string{"k": "v"})); err != nil {
			f.Fatal(err)
		}
		f.Add(b.Bytes())
	}
	f.Add(audiotest.WAV(audiotest.PCM, 1, 8000, 24, []byte{1, 2, 3}))
	f.Add(audiotest.WAV(0xFFFE, 1, 8000, 16, []byte{1, 2}))
	f.Add([]byte("RIFF\x00\x00\x00\x00WAVE"))
	f.Fuzz(func(t *testing.T, b []byte) {
		a, h, err := Decode("fuzz.wav", b)
		if err != nil {
			return
		}
		if err := a.Validate(); err != nil {
			t.Fatalf("Decode accepted invalid audio: %v", err)
		}
		if h.Channels != a.Channels() || h.Rate != a.Rate {
			t.Fatalf("header %+v disagrees with audio (%d ch, %d Hz)", h, a.Channels(), a.Rate)
		}
		var out bytes.Buffer
		if err := Encode(&out, a, Float32, nil); err != nil {
			t.Fatalf("re-encoding: %v", err)
		}
		back, _, err := Decode("again.wav", out.Bytes())
		if err != nil || back.Len() != a.Len() {
			t.Fatalf("round trip: %v", err)
		}
	})
}
