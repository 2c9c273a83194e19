package serve

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// APIError is an error answered to a client: an HTTP status, a stable
// code, the request field at fault (a JSON path such as "params.steps",
// or a header name) and a message that names it.
type APIError struct {
	Status  int    `json:"-"`
	Code    string `json:"code"`
	Field   string `json:"field,omitempty"`
	Message string `json:"message"`
}

func (e *APIError) Error() string { return e.Message }

// Error codes.
const (
	CodeMalformed    = "malformed_json"
	CodeUnknownField = "unknown_field"
	CodeInvalid      = "invalid"
	CodeOutOfRange   = "out_of_range"
	CodeTooLarge     = "too_large"
	CodeBadImage     = "bad_image"
	CodeBadAudio     = "bad_audio"
	CodeBadTable     = "bad_table"
	CodeBadGraph     = "bad_graph"
	CodeNoModel      = "model_not_loaded"
	CodeUnauthorized = "unauthorized"
	CodeForbidden    = "forbidden"
	CodeNotFound     = "not_found"
	CodeQueueFull    = "queue_full"
	CodeConflict     = "conflict"
	CodeInternal     = "internal"
	CodeDeadline     = "deadline_exceeded"
	CodeShutdown     = "shutting_down"
)

func badField(field, code, format string, args ...any) *APIError {
	return &APIError{Status: http.StatusBadRequest, Code: code, Field: field,
		Message: field + ": " + fmt.Sprintf(format, args...)}
}

func writeError(w http.ResponseWriter, e *APIError) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(e.Status)
	json.NewEncoder(w).Encode(map[string]*APIError{"error": e})
}

// decodeStrict decodes one JSON value from r into v, refusing unknown
// fields and trailing data; prefix is the JSON path of the value ("" for
// the body) used to name the field at fault.
func decodeStrict(r io.Reader, v any, prefix string) *APIError {
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil {
		if dec.More() {
			return badField(pathOr(prefix, "body"), CodeMalformed, "want one JSON object, found more after it")
		}
		var extra json.RawMessage
		if err := dec.Decode(&extra); err != io.EOF {
			return badField(pathOr(prefix, "body"), CodeMalformed, "want one JSON object, found more after it")
		}
		return nil
	}
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	var big *http.MaxBytesError
	switch {
	case errors.As(err, &big):
		return &APIError{Status: http.StatusRequestEntityTooLarge, Code: CodeTooLarge, Field: "body",
			Message: fmt.Sprintf("body: larger than the limit of %d bytes", big.Limit)}
	case errors.As(err, &syn):
		return badField(pathOr(prefix, "body"), CodeMalformed, "malformed JSON at byte %d: %v", syn.Offset, err)
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return badField(pathOr(prefix, "body"), CodeMalformed, "want a JSON object, got an empty or truncated body")
	case errors.As(err, &typ):
		return badField(pathOr(join(prefix, typ.Field), "body"), CodeInvalid, "want a JSON %s, got %s", typ.Type.String(), typ.Value)
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		if name == "" { // a key "" names no field: the object holding it is at fault
			return badField(pathOr(prefix, "body"), CodeUnknownField, `unknown field ""`)
		}
		return badField(join(prefix, name), CodeUnknownField, "unknown field")
	}
	return badField(pathOr(prefix, "body"), CodeMalformed, "%v", err)
}

func pathOr(p, def string) string {
	if p == "" {
		return def
	}
	return p
}

func join(prefix, field string) string {
	if prefix == "" {
		return field
	}
	if field == "" {
		return prefix
	}
	return prefix + "." + field
}
