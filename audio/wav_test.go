package audio

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/diffusego/diffusego/audio/audiotest"
)

// tone returns channels of a few hundred samples of distinct sines.
func tone(rate, channels, n int) *Audio {
	a := New(rate, channels, n)
	for c := range a.Data {
		for i := range a.Data[c] {
			a.Data[c][i] = 0.8 * math.Sin(2*math.Pi*float64(440*(c+1))*float64(i)/float64(rate))
		}
	}
	return a
}

func encode(t *testing.T, a *Audio, enc Encoding, info map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Encode(&buf, a, enc, info); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestWAVRoundTrip(t *testing.T) {
	for _, tc := range []struct {
		name     string
		enc      Encoding
		rate, ch int
		n        int
		tol      float64
	}{
		{"pcm16 mono 8k", PCM16, 8000, 1, 301, 0.5 / 32767},
		{"pcm16 stereo 44.1k", PCM16, 44100, 2, 200, 0.5 / 32767},
		{"float32 mono 22.05k", Float32, 22050, 1, 257, 1e-7},
		{"float32 stereo 7 Hz", Float32, 7, 2, 3, 1e-7},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := tone(tc.rate, tc.ch, tc.n)
			info := SettingsInfo(map[string]string{"seed": "7", "voice": "en-us+f3"})
			b := encode(t, a, tc.enc, info)
			got, h, err := Decode("x.wav", b)
			if err != nil {
				t.Fatal(err)
			}
			if got.Rate != tc.rate || got.Channels() != tc.ch || got.Len() != tc.n {
				t.Fatalf("got %d Hz %d ch %d samples, want %d Hz %d ch %d", got.Rate, got.Channels(), got.Len(), tc.rate, tc.ch, tc.n)
			}
			wantBits := map[Encoding]int{PCM16: 16, Float32: 32}[tc.enc]
			if h.Bits != wantBits {
				t.Errorf("bits = %d, want %d", h.Bits, wantBits)
			}
			for c := range a.Data {
				for i := range a.Data[c] {
					// PCM16 stores round(x·32767) and reads v/32768.
					want := a.Data[c][i]
					if tc.enc == PCM16 {
						want = math.Round(want*32767) / 32768
					}
					if d := math.Abs(got.Data[c][i] - want); d > tc.tol {
						t.Fatalf("channel %d sample %d = %v, want %v", c, i, got.Data[c][i], want)
					}
				}
			}
			s, err := ParseSettings(h.Info)
			if err != nil || s["seed"] != "7" || s["voice"] != "en-us+f3" || h.Info["ISFT"] != Software {
				t.Errorf("settings = %v, info = %v (%v), want seed 7 and voice en-us+f3", s, h.Info, err)
			}
		})
	}
}

func TestWAVPCM16Clips(t *testing.T) {
	a := Mono(8000, []float64{2, -3, 0.5})
	got, _, err := Decode("x.wav", encode(t, a, PCM16, nil))
	if err != nil {
		t.Fatal(err)
	}
	if got.Data[0][0] != 32767.0/32768 || got.Data[0][1] != -32767.0/32768 {
		t.Errorf("clipped samples = %v, want ±32767/32768", got.Data[0][:2])
	}
}

func TestDecodeOtherEncodings(t *testing.T) {
	for _, tc := range []struct {
		name   string
		format int
		bits   int
		data   []byte
		want   []float64
	}{
		{"8-bit unsigned", 1, 8, []byte{128, 0, 192}, []float64{0, -1, 0.5}},
		{"24-bit", 1, 24, []byte{0, 0, 0x40, 0, 0, 0xc0}, []float64{0.5, -0.5}},
		{"32-bit int", 1, 32, []byte{0, 0, 0, 0x40}, []float64{0.5}},
		{"64-bit float", 3, 64, binary.LittleEndian.AppendUint64(nil, math.Float64bits(-0.25)), []float64{-0.25}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, _, err := Decode("x.wav", audiotest.WAV(tc.format, 1, 8000, tc.bits, tc.data))
			if err != nil {
				t.Fatal(err)
			}
			for i, w := range tc.want {
				if a.Data[0][i] != w {
					t.Errorf("sample %d = %v, want %v", i, a.Data[0][i], w)
				}
			}
		})
	}
}

func TestDecodeRefusesBadInput(t *testing.T) {
	good := encode(t, tone(8000, 1, 100), PCM16, nil)
	claim := append([]byte(nil), good...)
	binary.LittleEndian.PutUint32(claim[40:], 1<<20) // data chunk size at byte 40
	for _, tc := range []struct {
		name, field string
		b           []byte
	}{
		{"empty file", "RIFF header", nil},
		{"not a WAV file", "RIFF header", []byte("\x89PNG\r\n\x1a\n0000000000000000")},
		{"AIFF form", "RIFF form type", []byte("RIFF\x04\x00\x00\x00AIFF")},
		{"truncated", `"data" chunk size`, good[:len(good)-7]},
		{"header claims more data", `"data" chunk size`, claim},
		{"µ-law", "audio format", audiotest.WAV(audiotest.MuLaw, 1, 8000, 8, []byte{1, 2, 3})},
		{"12-bit PCM", "bits per sample", audiotest.WAV(audiotest.PCM, 1, 8000, 12, []byte{1, 2, 3, 4})},
		{"zero-length audio", "data chunk size", audiotest.WAV(audiotest.PCM, 1, 8000, 16, nil)},
		{"half a frame", "data chunk size", audiotest.WAV(audiotest.PCM, 2, 8000, 16, []byte{1, 2, 3, 4, 5, 6})},
		{"no channels", "channels", audiotest.WAV(audiotest.PCM, 0, 8000, 16, []byte{1, 2})},
		{"zero rate", "sample rate", audiotest.WAV(audiotest.PCM, 1, 0, 16, []byte{1, 2})},
		{"no data chunk", "data chunk", good[:36]},
		{"NaN float", "sample", audiotest.WAV(audiotest.Float, 1, 8000, 32, binary.LittleEndian.AppendUint32(nil, 0x7fc00000))},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := Decode("bad.wav", tc.b)
			var fe *FormatError
			if !errors.As(err, &fe) {
				t.Fatalf("error = %v, want a *FormatError", err)
			}
			if !strings.Contains(err.Error(), "bad.wav") || !strings.Contains(fe.Field, tc.field) {
				t.Errorf("error = %q, want the file name and field %q", err, tc.field)
			}
		})
	}
	if _, _, err := Decode("mu.wav", audiotest.WAV(audiotest.MuLaw, 1, 8000, 8, []byte{1})); err == nil || !strings.Contains(err.Error(), "µ-law") {
		t.Errorf("µ-law error = %v, want it named", err)
	}
}

func TestWriteFileWritesNothingOnError(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.wav")
	for _, tc := range []struct {
		name string
		a    *Audio
		info map[string]string
	}{
		{"zero length", New(8000, 1, 0), nil},
		{"NaN", Mono(8000, []float64{0, math.NaN()}), nil},
		{"ragged", &Audio{Rate: 8000, Data: [][]float64{{0, 1}, {0}}}, nil},
		{"bad info id", tone(8000, 1, 10), map[string]string{"comment": "x"}},
	} {
		if err := WriteFile(path, tc.a, PCM16, tc.info); err == nil {
			t.Errorf("%s: WriteFile succeeded, want an error", tc.name)
		}
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 0 {
		t.Errorf("directory holds %d files after failed writes, want 0", len(ents))
	}
	if err := WriteFile(path, tone(8000, 2, 10), Float32, nil); err != nil {
		t.Fatal(err)
	}
	a, err := ReadFile(path)
	if err != nil || a.Channels() != 2 || a.Len() != 10 {
		t.Fatalf("ReadFile = %v, %v; want 2 channels of 10 samples", a, err)
	}
	if _, err := ReadFile(filepath.Join(dir, "missing.wav")); err == nil || !strings.Contains(err.Error(), "missing.wav") {
		t.Errorf("missing file error = %v, want it named", err)
	}
}

func TestDecodeSkipsUnknownChunksAndOddPadding(t *testing.T) {
	// A 3-byte "junk" chunk (padded to 4) between fmt and data.
	b := audiotest.WAV(audiotest.PCM, 1, 8000, 8, []byte{128, 255})
	withJunk := append(append(append([]byte(nil), b[:36]...), []byte("junk\x03\x00\x00\x00abc\x00")...), b[36:]...)
	a, _, err := Decode("x.wav", withJunk)
	if err != nil || a.Len() != 2 {
		t.Fatalf("Decode = %v, %v; want 2 samples", a, err)
	}
}

func TestDecodeExtensible(t *testing.T) {
	// WAVE_FORMAT_EXTENSIBLE, 24-bit PCM in a 40-byte fmt chunk.
	var b bytes.Buffer
	le := func(v any) { binary.Write(&b, binary.LittleEndian, v) }
	data := []byte{0, 0, 0x40, 0, 0, 0xc0}
	b.WriteString("RIFF")
	le(uint32(4 + 48 + 8 + len(data)))
	b.WriteString("WAVEfmt ")
	le(uint32(40))
	le(uint16(0xFFFE))
	le(uint16(1))
	le(uint32(48000))
	le(uint32(48000 * 3))
	le(uint16(3))
	le(uint16(24))
	le(uint16(22))                                                            // cbSize
	le(uint16(24))                                                            // valid bits
	le(uint32(4))                                                             // channel mask: front centre
	le(uint16(1))                                                             // sub-format: PCM …
	b.WriteString("\x00\x00\x00\x00\x10\x00\x80\x00\x00\xaa\x00\x38\x9b\x71") // … KSDATAFORMAT suffix
	b.WriteString("data")
	le(uint32(len(data)))
	b.Write(data)
	a, h, err := Decode("ext.wav", b.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if h.Format != 1 || h.Bits != 24 || a.Rate != 48000 || a.Len() != 2 || a.Data[0][0] != 0.5 || a.Data[0][1] != -0.5 {
		t.Errorf("got format %d, %d bits, %d Hz, samples %v; want PCM 24-bit 48 kHz [0.5 -0.5]", h.Format, h.Bits, a.Rate, a.Data[0])
	}
	bad := append([]byte(nil), b.Bytes()...)
	bad[20+24+2] = 0xEE // corrupt the GUID suffix
	if _, _, err := Decode("ext.wav", bad); err == nil || !strings.Contains(err.Error(), "sub-format") {
		t.Errorf("corrupt GUID: error %v, want the sub-format named", err)
	}
}
