// Package serve is the HTTP server behind `diffuse serve`: a job API over
// the functions the CLI calls (images, text-to-image, restoration, tables,
// text, audio, time series, molecules and spreading on networks), an
// embedded web page, and human perception studies of the samples. Each
// kind of job needs a loaded model of its task (Model.Task); a kind whose
// model is not loaded is refused when it is submitted.
//
// Jobs (POST /api/jobs) are validated, stored in an embedded SQLite
// database (pure Go, WAL) and queued; one worker per model runs them,
// streaming progress as server-sent events (GET /api/jobs/{id}/events, each
// event with an id so that a client resumes with Last-Event-ID). Outputs are
// files written atomically (checkpoint.WriteAtomic) as the CLI writes them
// (PNGs with their settings in text chunks, WAVs with theirs in the INFO
// chunk, texts, CSVs, SMILES), and only then is the job marked done. After a crash the
// queued jobs run again and the ones that were running are marked
// interrupted, so nothing accepted is forgotten.
//
// Only a job's owner (its session) may cancel it. The queue is bounded:
// past it a submission gets 429 with Retry-After. Errors are JSON objects
// with a code, a message and the field at fault. The API is described by
// the OpenAPI 3 document served at /openapi.json.
//
// The rating pages follow HYPE∞ (Zhou et al. 2019, "HYPE: A Benchmark for
// Human eYe Perceptual Evaluation of Generative Models"): one image at a
// time, real test images and generated ones shuffled, both through the same
// 8-bit PNG path and nearest-neighbour upscaling, "real or generated?",
// practice trials with feedback, then scored trials with gold attention
// checks. Pairwise preference trials compare two jobs' samples. Trials are
// stored in the shapes of the perception statistics (Trial, Pair).
package serve
