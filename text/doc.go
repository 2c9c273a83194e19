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
// Samples are measured by SampleStats against a Reference: the unigram
// entropy of their characters beside that of held-out text, distinct-2 over
// characters and words, word validity against Debian's word list
// (DefaultWordList), the share of samples that are not training documents
// and the share of their 32-character windows found in the training text.
//
// NGram is the baseline: a character n-gram model with interpolated
// Kneser–Ney smoothing that scores held-out text in bits per character and
// samples or completes prompts. On Debian's fortunes (LoadFortunes: 39
// files, 14,146 distinct documents, 2,333,470 characters, 105 distinct
// characters), split 90/5/5 by document with seed 1 (vocabulary V = 107,
// no validation or test character outside it), the order-5 model scores
// 2.349 bits per character on the validation sequences of length 256 (Pad;
// 2.382 Pack, 2.327 on whole documents) and 2.317 on the test sequences,
// counting each document's end marker as a character (TestFortunesBaseline).
//
//	docs, err := text.LoadFortunes(text.FortunesDir)
//	split, err := text.SplitDocuments(docs, 0.05, 0.05, 1)
//	vocab, err := text.BuildVocab(text.Texts(split.Train), 0)
//	seqs, _, err := text.EncodeSequences(vocab, text.Texts(split.Train), 256, text.Pad)
//	batches, err := text.NewBatches(seqs, 32, 1)
//	ids, epoch, err := batches.Batch(step) // (32, 256)
//
//	baseline, err := text.NewNGram(vocab, 5, text.Texts(split.Train))
//	eval := baseline.EvaluateTexts(text.Texts(split.Val)) // eval.BitsPerToken()
//	more, err := baseline.Complete("A fool and", 80, 1, 42)
package text
