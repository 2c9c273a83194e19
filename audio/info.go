package audio

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"slices"
	"unicode/utf8"
)

// Software is what SettingsInfo puts in the ISFT (software) entry.
const Software = "diffusego"

// SettingsInfo returns LIST/INFO entries that record settings: ICMT (the
// comment) holds them as one JSON object with sorted keys, and ISFT names
// the software. ParseSettings reads them back.
func SettingsInfo(settings map[string]string) map[string]string {
	b, _ := json.Marshal(settings) // a map[string]string always marshals
	return map[string]string{"ICMT": string(b), "ISFT": Software}
}

// ParseSettings reads back the settings SettingsInfo stored in the ICMT
// entry of info; no ICMT entry gives an empty map.
func ParseSettings(info map[string]string) (map[string]string, error) {
	s := map[string]string{}
	c, ok := info["ICMT"]
	if !ok {
		return s, nil
	}
	if err := json.Unmarshal([]byte(c), &s); err != nil {
		return nil, fmt.Errorf("audio: INFO ICMT: want a JSON object of settings: %w", err)
	}
	return s, nil
}

// infoChunk encodes a LIST/INFO chunk (empty for no entries), entries in
// sorted id order, each a NUL-terminated string padded to even length.
func infoChunk(info map[string]string) ([]byte, error) {
	if len(info) == 0 {
		return nil, nil
	}
	ids := make([]string, 0, len(info))
	for id := range info {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	var body bytes.Buffer
	body.WriteString("INFO")
	for _, id := range ids {
		if len(id) != 4 {
			return nil, fmt.Errorf("audio: INFO id %q: want four ASCII characters (ICMT, ISFT, …)", id)
		}
		for i := range 4 {
			if id[i] < 0x20 || id[i] > 0x7e {
				return nil, fmt.Errorf("audio: INFO id %q: want printable ASCII", id)
			}
		}
		v := info[id]
		if !utf8.ValidString(v) || bytes.IndexByte([]byte(v), 0) >= 0 {
			return nil, fmt.Errorf("audio: INFO %s: want UTF-8 without NUL bytes", id)
		}
		size := len(v) + 1
		if size > 1<<20 {
			return nil, fmt.Errorf("audio: INFO %s: %d bytes: want at most 1 MiB", id, len(v))
		}
		body.WriteString(id)
		binary.Write(&body, binary.LittleEndian, uint32(size))
		body.WriteString(v)
		body.WriteByte(0)
		if size&1 == 1 {
			body.WriteByte(0)
		}
	}
	var out bytes.Buffer
	out.WriteString("LIST")
	binary.Write(&out, binary.LittleEndian, uint32(body.Len()))
	out.Write(body.Bytes())
	return out.Bytes(), nil
}

// parseInfo reads the body c (starting "INFO", at byte off of the file)
// of a LIST/INFO chunk. Values lose their trailing NUL bytes.
func parseInfo(name string, off int, c []byte) (map[string]string, error) {
	info := map[string]string{}
	p := 4
	for p+8 <= len(c) {
		id := string(c[p : p+4])
		size := int(binary.LittleEndian.Uint32(c[p+4:]))
		if size < 0 || size > len(c)-p-8 {
			return nil, &FormatError{File: name, Offset: int64(off + p + 4), Field: fmt.Sprintf("INFO %q size", id),
				Want: fmt.Sprintf("at most the %d bytes left in the LIST chunk", len(c)-p-8), Got: fmt.Sprint(size)}
		}
		v := c[p+8 : p+8+size]
		info[id] = string(bytes.TrimRight(v, "\x00"))
		p += 8 + size + size&1
	}
	return info, nil
}
