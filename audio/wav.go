package audio

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"os"

	"github.com/diffusego/diffusego/checkpoint"
)

// MaxChannels is the most channels ReadFile accepts.
const MaxChannels = 32

// MaxFileSize is the largest WAV file ReadFile reads (1 GiB).
const MaxFileSize = 1 << 30

// Encoding is how WriteFile stores samples.
type Encoding int

const (
	// PCM16 is 16-bit signed integer PCM: round(x·32767), with x clipped
	// to [-1, 1].
	PCM16 Encoding = iota + 1
	// Float32 is 32-bit IEEE float (WAVE_FORMAT_IEEE_FLOAT), unclipped.
	Float32
)

// String names the encoding as in error messages and settings.
func (e Encoding) String() string {
	switch e {
	case PCM16:
		return "pcm16"
	case Float32:
		return "float32"
	}
	return fmt.Sprintf("Encoding(%d)", int(e))
}

// WAVE format tags (the fmt chunk's first field).
const (
	formatPCM        = 1
	formatFloat      = 3
	formatExtensible = 0xFFFE
)

// Header is what a WAV file says about itself.
type Header struct {
	Format   int               // 1 integer PCM, 3 IEEE float (after resolving WAVE_FORMAT_EXTENSIBLE)
	Bits     int               // bits per sample: 8, 16, 24, 32 or 64
	Channels int               // channel count
	Rate     int               // samples per second per channel
	Info     map[string]string // LIST/INFO entries by four-letter id (ICMT, ISFT, …); nil when none
}

// FormatError reports a WAV file that is not what it should be: File, the
// byte Offset where the problem is, the Field, what was wanted and what
// was found.
type FormatError struct {
	File   string
	Offset int64
	Field  string
	Want   string
	Got    string
}

func (e *FormatError) Error() string {
	return fmt.Sprintf("audio: %s: byte %d: %s: want %s, got %s", e.File, e.Offset, e.Field, e.Want, e.Got)
}

// ReadFile reads the WAV file at path.
func ReadFile(path string) (*Audio, error) {
	a, _, err := ReadFileHeader(path)
	return a, err
}

// ReadFileHeader reads the WAV file at path and also returns its header.
func ReadFileHeader(path string) (*Audio, *Header, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, fmt.Errorf("audio: %w", err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, nil, fmt.Errorf("audio: %s: %w", path, err)
	}
	if len(b) > MaxFileSize {
		return nil, nil, &FormatError{File: path, Offset: MaxFileSize, Field: "file size", Want: "at most 1 GiB", Got: "more"}
	}
	return Decode(path, b)
}

// Decode parses the bytes b of a WAV file; name is used in errors. It
// needs a RIFF/WAVE header, a fmt chunk before a data chunk, a supported
// encoding and at least one whole sample frame. A data chunk that claims
// more bytes than the file holds is refused (the file is truncated), as is
// data that is not a whole number of sample frames. Chunks other than fmt,
// data and LIST/INFO are skipped; the RIFF size field is not trusted.
func Decode(name string, b []byte) (*Audio, *Header, error) {
	bad := func(off int, field, want, got string) error {
		return &FormatError{File: name, Offset: int64(off), Field: field, Want: want, Got: got}
	}
	if len(b) < 12 {
		return nil, nil, bad(0, "RIFF header", "12 bytes \"RIFF\" size \"WAVE\"", fmt.Sprintf("a %d-byte file", len(b)))
	}
	if string(b[0:4]) != "RIFF" {
		return nil, nil, bad(0, "RIFF header", `"RIFF" (a WAV file)`, fmt.Sprintf("%q", b[0:4]))
	}
	if string(b[8:12]) != "WAVE" {
		return nil, nil, bad(8, "RIFF form type", `"WAVE"`, fmt.Sprintf("%q", b[8:12]))
	}
	var h *Header
	var data []byte
	var info map[string]string
	dataOff := -1
	off := 12
	for off+8 <= len(b) {
		id := string(b[off : off+4])
		size := int64(binary.LittleEndian.Uint32(b[off+4 : off+8]))
		body := off + 8
		if size > int64(len(b)-body) {
			return nil, nil, bad(off+4, fmt.Sprintf("%q chunk size", id),
				fmt.Sprintf("at most the %d bytes left in the file", len(b)-body), fmt.Sprintf("%d (truncated file?)", size))
		}
		chunk := b[body : body+int(size)]
		switch id {
		case "fmt ":
			if h != nil {
				return nil, nil, bad(off, "fmt chunk", "one fmt chunk", "a second one")
			}
			var err error
			if h, err = parseFmt(name, body, chunk); err != nil {
				return nil, nil, err
			}
		case "data":
			if h == nil {
				return nil, nil, bad(off, "data chunk", "a fmt chunk before the data chunk", "data first")
			}
			if data == nil {
				data, dataOff = chunk, body
			}
		case "LIST":
			if len(chunk) >= 4 && string(chunk[:4]) == "INFO" {
				var err error
				if info, err = parseInfo(name, body, chunk); err != nil {
					return nil, nil, err
				}
			}
		}
		off = body + int(size) + int(size&1) // chunks are padded to even length
	}
	if h == nil {
		return nil, nil, bad(12, "fmt chunk", "a fmt chunk", "none")
	}
	if data == nil {
		return nil, nil, bad(len(b), "data chunk", "a data chunk", "none")
	}
	h.Info = info
	frame := h.Channels * h.Bits / 8
	if len(data) == 0 {
		return nil, nil, bad(dataOff-4, "data chunk size", "at least one sample frame (zero-length audio)", "0 bytes")
	}
	if len(data)%frame != 0 {
		return nil, nil, bad(dataOff-4, "data chunk size", fmt.Sprintf("a multiple of the %d-byte sample frame", frame), fmt.Sprintf("%d bytes", len(data)))
	}
	n := len(data) / frame
	a := New(h.Rate, h.Channels, n)
	bytesPer := h.Bits / 8
	for i := range n {
		for c := range h.Channels {
			p := data[(i*h.Channels+c)*bytesPer:]
			a.Data[c][i] = sample(p, h.Format, h.Bits)
		}
	}
	if h.Format == formatFloat {
		for c, x := range a.Data {
			for i, v := range x {
				if math.IsNaN(v) || math.IsInf(v, 0) {
					return nil, nil, bad(dataOff+(i*h.Channels+c)*bytesPer, "sample", "a finite float", fmt.Sprint(v))
				}
			}
		}
	}
	return a, h, nil
}

// parseFmt reads a fmt chunk whose body starts at byte off.
func parseFmt(name string, off int, c []byte) (*Header, error) {
	bad := func(at int, field, want, got string) error {
		return &FormatError{File: name, Offset: int64(off + at), Field: field, Want: want, Got: got}
	}
	if len(c) < 16 {
		return nil, bad(-4, "fmt chunk size", "at least 16 bytes", fmt.Sprintf("%d", len(c)))
	}
	u16 := func(i int) int { return int(binary.LittleEndian.Uint16(c[i:])) }
	u32 := func(i int) int64 { return int64(binary.LittleEndian.Uint32(c[i:])) }
	h := &Header{Format: u16(0), Channels: u16(2), Bits: u16(14)}
	rate := u32(4)
	align := u16(12)
	if h.Format == formatExtensible {
		if len(c) < 40 {
			return nil, bad(-4, "fmt chunk size", "40 bytes for WAVE_FORMAT_EXTENSIBLE", fmt.Sprintf("%d", len(c)))
		}
		// The sub-format GUID's first two bytes are the format tag; the
		// rest is the fixed KSDATAFORMAT suffix.
		guid := c[24:40]
		if !bytes.Equal(guid[2:], []byte("\x00\x00\x00\x00\x10\x00\x80\x00\x00\xaa\x00\x38\x9b\x71")) {
			return nil, bad(24, "extensible sub-format", "the PCM or IEEE float GUID", fmt.Sprintf("% x", guid))
		}
		h.Format = int(binary.LittleEndian.Uint16(guid))
	}
	switch h.Format {
	case formatPCM:
		if h.Bits != 8 && h.Bits != 16 && h.Bits != 24 && h.Bits != 32 {
			return nil, bad(14, "bits per sample", "8, 16, 24 or 32 for integer PCM", fmt.Sprint(h.Bits))
		}
	case formatFloat:
		if h.Bits != 32 && h.Bits != 64 {
			return nil, bad(14, "bits per sample", "32 or 64 for IEEE float", fmt.Sprint(h.Bits))
		}
	default:
		return nil, bad(0, "audio format", "1 (integer PCM) or 3 (IEEE float)", fmt.Sprintf("%d (%s)", h.Format, formatName(h.Format)))
	}
	if h.Channels < 1 || h.Channels > MaxChannels {
		return nil, bad(2, "channels", fmt.Sprintf("1 to %d", MaxChannels), fmt.Sprint(h.Channels))
	}
	if rate < 1 || rate > 1<<24 {
		return nil, bad(4, "sample rate", "1 to 16777216 Hz", fmt.Sprint(rate))
	}
	h.Rate = int(rate)
	if want := h.Channels * h.Bits / 8; align != want {
		return nil, bad(12, "block align", fmt.Sprintf("%d (channels × bytes per sample)", want), fmt.Sprint(align))
	}
	return h, nil
}

// formatName names the common WAVE format tags for error messages.
func formatName(tag int) string {
	switch tag {
	case 2:
		return "Microsoft ADPCM"
	case 6:
		return "8-bit A-law"
	case 7:
		return "8-bit µ-law"
	case 0x11:
		return "IMA ADPCM"
	case 0x55:
		return "MPEG layer 3"
	}
	return "unsupported"
}

// sample decodes one sample at the start of p to [-1, 1].
func sample(p []byte, format, bits int) float64 {
	switch {
	case format == formatFloat && bits == 32:
		return float64(math.Float32frombits(binary.LittleEndian.Uint32(p)))
	case format == formatFloat:
		return math.Float64frombits(binary.LittleEndian.Uint64(p))
	case bits == 8: // unsigned, 128 is zero
		return (float64(p[0]) - 128) / 128
	case bits == 16:
		return float64(int16(binary.LittleEndian.Uint16(p))) / 32768
	case bits == 24:
		v := int32(uint32(p[0])<<8|uint32(p[1])<<16|uint32(p[2])<<24) >> 8
		return float64(v) / (1 << 23)
	default:
		return float64(int32(binary.LittleEndian.Uint32(p))) / (1 << 31)
	}
}

// Encode writes a as a WAV file with the given encoding and, when info is
// not empty, a LIST/INFO chunk (before the data) with one entry per key.
// Keys must be four printable ASCII characters (ICMT, ISFT, INAM, …);
// values are UTF-8 without NUL bytes. PCM16 clips samples to [-1, 1] and
// stores round(x·32767). a must pass Validate.
func Encode(w io.Writer, a *Audio, enc Encoding, info map[string]string) error {
	if err := a.Validate(); err != nil {
		return err
	}
	var format, bits int
	switch enc {
	case PCM16:
		format, bits = formatPCM, 16
	case Float32:
		format, bits = formatFloat, 32
	default:
		return fmt.Errorf("audio: encoding %v: want PCM16 or Float32", enc)
	}
	if enc == Float32 {
		for c, x := range a.Data {
			for i, v := range x {
				if math.Abs(v) > math.MaxFloat32 {
					return fmt.Errorf("audio: channel %d sample %d: %v overflows 32-bit float", c, i, v)
				}
			}
		}
	}
	list, err := infoChunk(info)
	if err != nil {
		return err
	}
	ch, n := a.Channels(), a.Len()
	dataSize := int64(n) * int64(ch) * int64(bits/8)
	riffSize := 4 + (8 + 16) + int64(len(list)) + 8 + dataSize + dataSize&1
	if riffSize > math.MaxUint32 {
		return fmt.Errorf("audio: %d samples × %d channels do not fit in a WAV file (4 GiB)", n, ch)
	}
	var hdr bytes.Buffer
	le := func(v any) { binary.Write(&hdr, binary.LittleEndian, v) }
	hdr.WriteString("RIFF")
	le(uint32(riffSize))
	hdr.WriteString("WAVEfmt ")
	le(uint32(16))
	le(uint16(format))
	le(uint16(ch))
	le(uint32(a.Rate))
	le(uint32(a.Rate * ch * bits / 8))
	le(uint16(ch * bits / 8))
	le(uint16(bits))
	hdr.Write(list)
	hdr.WriteString("data")
	le(uint32(dataSize))
	if _, err := w.Write(hdr.Bytes()); err != nil {
		return fmt.Errorf("audio: %w", err)
	}
	buf := make([]byte, 0, 1<<16)
	for i := range n {
		for c := range ch {
			v := a.Data[c][i]
			if enc == PCM16 {
				buf = binary.LittleEndian.AppendUint16(buf, uint16(int16(math.Round(max(-1, min(1, v))*32767))))
			} else {
				buf = binary.LittleEndian.AppendUint32(buf, math.Float32bits(float32(v)))
			}
		}
		if len(buf) >= 1<<16-16 || i == n-1 {
			if _, err := w.Write(buf); err != nil {
				return fmt.Errorf("audio: %w", err)
			}
			buf = buf[:0]
		}
	}
	if dataSize&1 == 1 {
		if _, err := w.Write([]byte{0}); err != nil {
			return fmt.Errorf("audio: %w", err)
		}
	}
	return nil
}

// WriteFile writes a to path as Encode does, atomically: on any error the
// file at path is left as it was.
func WriteFile(path string, a *Audio, enc Encoding, info map[string]string) error {
	if err := a.Validate(); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return checkpoint.WriteAtomic(path, func(w io.Writer) error { return Encode(w, a, enc, info) })
}
