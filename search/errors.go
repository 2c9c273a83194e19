package search

import "errors"

// Errors that callers may branch on; returned errors wrap them with the
// file and the sizes concerned.
var (
	// ErrEmpty: an index or gallery with no images.
	ErrEmpty = errors.New("search: the index is empty")
	// ErrDim: feature vectors of different lengths.
	ErrDim = errors.New("search: feature lengths differ")
	// ErrOtherModel: an index built with another checkpoint than the one
	// asked to embed queries.
	ErrOtherModel = errors.New("search: the index was built with another model")
)
