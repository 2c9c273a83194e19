// Package audiotest makes WAV files byte by byte for tests of audio
// readers and of the commands that take audio, including files no
// well-behaved encoder would write (a wrong length, an unsupported
// encoding), as net/http/httptest serves HTTP tests.
package audiotest

import (
	"bytes"
	"encoding/binary"
)

// WAV encodings of the fmt chunk's format tag.
const (
	PCM   = 1 // integer samples
	Float = 3 // IEEE float samples
	MuLaw = 7 // G.711 µ-law
)

// WAV is a canonical 44-byte RIFF/WAVE header (one fmt chunk of 16 bytes
// with the given format tag, channel count, sample rate and bits per
// sample, then one data chunk) followed by data, taken as it is: the
// header's lengths are those of data, whether or not data holds whole
// frames.
func WAV(format, channels, rate, bits int, data []byte) []byte {
	var b bytes.Buffer
	le := func(v any) { _ = binary.Write(&b, binary.LittleEndian, v) }
	b.WriteString("RIFF")
	le(uint32(36 + len(data)))
	b.WriteString("WAVEfmt ")
	le(uint32(16))
	le(uint16(format))
	le(uint16(channels))
	le(uint32(rate))
	le(uint32(rate * channels * bits / 8))
	le(uint16(channels * bits / 8))
	le(uint16(bits))
	b.WriteString("data")
	le(uint32(len(data)))
	b.Write(data)
	return b.Bytes()
}
