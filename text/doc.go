// Package text holds what character-level text diffusion needs around the
// model: corpora, the vocabulary, sequences and batches, metrics on samples
// and a character n-gram baseline.
//
// Corpora (ReadCorpus, LoadFortunes) are read as Documents: one per line of
// a plain-text file, one per entry of a fortune file (a line holding only
// "%" separates entries, which keep their inner newlines) or one per string
// of a JSON array. Bad input is refused with a *ParseError naming the file,
// line and byte offset: binary files, bytes that are not UTF-8, malformed
// JSON, corpora without a document.
//
// Token convention, shared with the masked-diffusion model: a Vocab built
// from the training split's characters gives ids 0..V−1, of which PadID (0)
// is padding and the end-of-document marker, ReplacementID (1) stands for
// characters the vocabulary lacks, and the characters follow in code-point
// order; the absorbing mask token is id V (Vocab.MaskID), never predicted
// and never in the data. The vocabulary is saved as JSON beside a
// checkpoint (Vocab.Save, LoadVocab).
//
// Documents become (N, L) Sequences for context length L: Pad gives each
// document its own windows, Pack concatenates them with PadID between. The
// split into train, validation and test is by document (SplitDocuments),
// and Batches serves batches as a function of the step number, so that a
// resumed run sees the same batches.
//
//	docs, err := text.LoadFortunes(text.FortunesDir)
//	split, err := text.SplitDocuments(docs, 0.05, 0.05, 1)
//	vocab, err := text.BuildVocab(text.Texts(split.Train), 0)
//	seqs, _, err := text.EncodeSequences(vocab, text.Texts(split.Train), 256, text.Pad)
//	batches, err := text.NewBatches(seqs, 32, 1)
//	ids, epoch, err := batches.Batch(step) // (32, 256)
package text
