package pngout

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"image"
	"image/png"
	"io"
	"os"
	"slices"
	"unicode/utf8"
)

// signature is the 8 bytes every PNG starts with.
var signature = []byte("\x89PNG\r\n\x1a\n")

// ihdrEnd is where the IHDR chunk ends: signature, then length, type,
// 13 bytes of data and CRC. Text chunks go right after it.
const ihdrEnd = 8 + 4 + 4 + 13 + 4

// Encode writes img as a PNG with one text chunk per entry of meta, in
// sorted key order, right after the header. Plain ASCII values go in tEXt
// chunks, other UTF-8 in iTXt. Keys must be 1 to 79 printable ASCII
// characters without leading or trailing spaces (the PNG keyword rules,
// narrowed to ASCII); values must be valid UTF-8 without NUL bytes.
func Encode(w io.Writer, img image.Image, meta map[string]string) error {
	var buf bytes.Buffer
	if err := (&png.Encoder{CompressionLevel: png.DefaultCompression}).Encode(&buf, img); err != nil {
		return fmt.Errorf("pngout: %w", err)
	}
	b := buf.Bytes()
	if !bytes.HasPrefix(b, signature) || string(b[12:16]) != "IHDR" {
		return fmt.Errorf("pngout: encoder output does not start with a PNG header")
	}
	keys := make([]string, 0, len(meta))
	for k := range meta {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var chunks bytes.Buffer
	for _, k := range keys {
		typ, data, err := textChunk(k, meta[k])
		if err != nil {
			return err
		}
		writeChunk(&chunks, typ, data)
	}
	for _, part := range [][]byte{b[:ihdrEnd], chunks.Bytes(), b[ihdrEnd:]} {
		if _, err := w.Write(part); err != nil {
			return fmt.Errorf("pngout: %w", err)
		}
	}
	return nil
}

// textChunk builds the tEXt (ASCII) or iTXt (UTF-8) chunk for key = value.
func textChunk(key, value string) (typ string, data []byte, err error) {
	if len(key) < 1 || len(key) > 79 || key[0] == ' ' || key[len(key)-1] == ' ' {
		return "", nil, fmt.Errorf("pngout: text key %q: want 1 to 79 characters without leading or trailing spaces", key)
	}
	for i := range len(key) {
		if key[i] < 0x20 || key[i] > 0x7e {
			return "", nil, fmt.Errorf("pngout: text key %q: want printable ASCII, got byte %#x at %d", key, key[i], i)
		}
	}
	if !utf8.ValidString(value) || bytes.IndexByte([]byte(value), 0) >= 0 {
		return "", nil, fmt.Errorf("pngout: text %q: want UTF-8 without NUL bytes", key)
	}
	ascii := true
	for i := range len(value) {
		ascii = ascii && value[i] < 0x80
	}
	if ascii {
		return "tEXt", append(append([]byte(key), 0), value...), nil
	}
	// iTXt: keyword, NUL, compression flag 0, method 0, empty language
	// tag, NUL, empty translated keyword, NUL, text.
	return "iTXt", append(append([]byte(key), 0, 0, 0, 0, 0), value...), nil
}

// writeChunk appends a chunk: length, type, data, CRC-32 of type and data.
func writeChunk(w *bytes.Buffer, typ string, data []byte) {
	var n [4]byte
	binary.BigEndian.PutUint32(n[:], uint32(len(data)))
	w.Write(n[:])
	crc := crc32.NewIEEE()
	crc.Write([]byte(typ))
	crc.Write(data)
	w.WriteString(typ)
	w.Write(data)
	binary.BigEndian.PutUint32(n[:], crc.Sum32())
	w.Write(n[:])
}

// ReadText returns the text chunks (tEXt, iTXt and zTXt) of the PNG read
// from r, checking the signature and every chunk's CRC. A key that occurs
// twice keeps its last value.
func ReadText(r io.Reader) (map[string]string, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("pngout: %w", err)
	}
	if !bytes.HasPrefix(b, signature) {
		return nil, fmt.Errorf("pngout: want the PNG signature at offset 0")
	}
	meta := map[string]string{}
	for off := len(signature); ; {
		if len(b)-off < 12 {
			return nil, fmt.Errorf("pngout: offset %d: want a chunk (12 bytes or more), got %d bytes and no IEND", off, len(b)-off)
		}
		n := int(binary.BigEndian.Uint32(b[off:]))
		if n > len(b)-off-12 {
			return nil, fmt.Errorf("pngout: offset %d: chunk length %d runs past the end of the file", off, n)
		}
		typ, data := string(b[off+4:off+8]), b[off+8:off+8+n]
		if got, want := binary.BigEndian.Uint32(b[off+8+n:]), crc32.ChecksumIEEE(b[off+4:off+8+n]); got != want {
			return nil, fmt.Errorf("pngout: offset %d: chunk %q: CRC %#08x, want %#08x", off, typ, got, want)
		}
		off += 12 + n
		switch typ {
		case "IEND":
			return meta, nil
		case "tEXt", "zTXt", "iTXt":
			k, v, err := parseText(typ, data)
			if err != nil {
				return nil, fmt.Errorf("pngout: offset %d: chunk %s: %w", off-12-n, typ, err)
			}
			meta[k] = v
		}
	}
}

// parseText decodes one text chunk's key and value.
func parseText(typ string, data []byte) (key, value string, err error) {
	k, rest, ok := bytes.Cut(data, []byte{0})
	key = string(k)
	if !ok || len(key) == 0 {
		return "", "", fmt.Errorf("want a keyword ended by NUL")
	}
	switch typ {
	case "tEXt":
		return key, latin1(rest), nil
	case "zTXt": // compression method byte, then zlib data
		if len(rest) < 1 {
			return "", "", fmt.Errorf("key %q: want a compression method", key)
		}
		v, err := inflate(rest[1:])
		return key, latin1(v), err
	}
	// iTXt: flag, method, language NUL, translated keyword NUL, text.
	if len(rest) < 2 {
		return "", "", fmt.Errorf("key %q: want compression flag and method", key)
	}
	flag, rest := rest[0], rest[2:]
	for range 2 {
		if _, rest, ok = bytes.Cut(rest, []byte{0}); !ok {
			return "", "", fmt.Errorf("key %q: want language tag and translated keyword ended by NUL", key)
		}
	}
	if flag == 1 {
		if rest, err = inflate(rest); err != nil {
			return "", "", fmt.Errorf("key %q: %w", key, err)
		}
	}
	if !utf8.Valid(rest) {
		return "", "", fmt.Errorf("key %q: want UTF-8 text", key)
	}
	return key, string(rest), nil
}

func inflate(b []byte) ([]byte, error) {
	zr, err := zlib.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	return io.ReadAll(io.LimitReader(zr, 1<<24))
}

// latin1 converts ISO 8859-1 bytes (tEXt's encoding) to a string.
func latin1(b []byte) string {
	rs := make([]rune, len(b))
	for i, c := range b {
		rs[i] = rune(c)
	}
	return string(rs)
}

// ReadFileText returns the text chunks of the PNG file at path.
func ReadFileText(path string) (map[string]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("pngout: %w", err)
	}
	defer f.Close()
	meta, err := ReadText(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return meta, nil
}
