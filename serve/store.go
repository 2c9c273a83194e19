package serve

import (
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	_ "modernc.org/sqlite" // the pure-Go SQLite driver, registered as "sqlite"
)

// Job states. A job is queued, then running, then ends in one of done,
// failed or cancelled; a job that was running when the server stopped
// without finishing it is interrupted.
const (
	StateQueued      = "queued"
	StateRunning     = "running"
	StateDone        = "done"
	StateFailed      = "failed"
	StateCancelled   = "cancelled"
	StateInterrupted = "interrupted"
)

// Final reports whether a job in state s will not change again.
func Final(s string) bool {
	return s == StateDone || s == StateFailed || s == StateCancelled || s == StateInterrupted
}

// Job is one stored job: who asked, what for, and how it ended.
type Job struct {
	ID        string          `json:"id"`
	Kind      string          `json:"kind"`
	Model     string          `json:"model"`
	Params    json.RawMessage `json:"params"`
	State     string          `json:"state"`
	Error     string          `json:"error,omitempty"`
	ErrorCode string          `json:"error_code,omitempty"`
	Created   time.Time       `json:"created"`
	Started   *time.Time      `json:"started,omitempty"`
	Finished  *time.Time      `json:"finished,omitempty"`
	Deadline  *time.Time      `json:"deadline,omitempty"`
	Outputs   []Output        `json:"outputs"`
	Owner     string          `json:"-"`
	seq       int64
}

// Output is one file a job wrote, under the data folder's outputs/JOBID/.
type Output struct {
	Index int               `json:"index"`
	Name  string            `json:"name"` // file name in the job's folder
	URL   string            `json:"url"`
	Meta  map[string]string `json:"meta,omitempty"` // the settings also in the PNG's text chunks
}

// Store is the server's SQLite database: jobs with their parameters and
// inputs, outputs, and rating trials. It is safe for concurrent use.
type Store struct {
	db  *sql.DB
	dir string
}

const schema = `
CREATE TABLE IF NOT EXISTS jobs (
	seq INTEGER PRIMARY KEY AUTOINCREMENT,
	id TEXT NOT NULL UNIQUE,
	owner TEXT NOT NULL,
	kind TEXT NOT NULL,
	model TEXT NOT NULL,
	params TEXT NOT NULL,
	state TEXT NOT NULL,
	error TEXT NOT NULL DEFAULT '',
	error_code TEXT NOT NULL DEFAULT '',
	created_ms INTEGER NOT NULL,
	started_ms INTEGER,
	finished_ms INTEGER,
	deadline_ms INTEGER
);
CREATE INDEX IF NOT EXISTS jobs_state ON jobs(state, seq);
CREATE TABLE IF NOT EXISTS inputs (
	job_id TEXT NOT NULL REFERENCES jobs(id),
	name TEXT NOT NULL,
	data BLOB NOT NULL,
	PRIMARY KEY (job_id, name)
);
CREATE TABLE IF NOT EXISTS outputs (
	job_id TEXT NOT NULL REFERENCES jobs(id),
	idx INTEGER NOT NULL,
	name TEXT NOT NULL,
	meta TEXT NOT NULL,
	PRIMARY KEY (job_id, idx)
);
CREATE TABLE IF NOT EXISTS rating_sessions (
	id TEXT PRIMARY KEY,
	owner TEXT NOT NULL,
	rater TEXT NOT NULL,
	kind TEXT NOT NULL,
	plan TEXT NOT NULL,
	created_ms INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS trials (
	session_id TEXT NOT NULL REFERENCES rating_sessions(id),
	pos INTEGER NOT NULL,
	rater TEXT NOT NULL,
	item TEXT NOT NULL,
	generated INTEGER NOT NULL,
	answered_generated INTEGER NOT NULL,
	gold INTEGER NOT NULL,
	practice INTEGER NOT NULL,
	millis INTEGER NOT NULL,
	created_ms INTEGER NOT NULL,
	PRIMARY KEY (session_id, pos)
);
CREATE TABLE IF NOT EXISTS pairs (
	session_id TEXT NOT NULL REFERENCES rating_sessions(id),
	pos INTEGER NOT NULL,
	rater TEXT NOT NULL,
	a TEXT NOT NULL,
	b TEXT NOT NULL,
	prefer_a INTEGER NOT NULL,
	millis INTEGER NOT NULL,
	created_ms INTEGER NOT NULL,
	PRIMARY KEY (session_id, pos)
);
`

// OpenStore opens (creating if needed) the database jobs.db in dir, in WAL
// mode with full fsync on commit, so that a job the API accepted survives
// a crash of the process.
func OpenStore(dir string) (*Store, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("serve: data folder: %w", err)
	}
	path := filepath.Join(dir, "jobs.db")
	dsn := "file:" + path + "?_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("serve: database %s: %w", path, err)
	}
	// One connection: SQLite serialises writers anyway, and one
	// connection never meets SQLITE_BUSY from itself.
	db.SetMaxOpenConns(1)
	if _, err := db.Exec(schema); err != nil {
		db.Close()
		return nil, fmt.Errorf("serve: database %s: %w", path, err)
	}
	var mode string
	if err := db.QueryRow("PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
		db.Close()
		return nil, fmt.Errorf("serve: database %s: journal mode %q, want wal (%v)", path, mode, err)
	}
	return &Store{db: db, dir: dir}, nil
}

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

// IntegrityCheck runs PRAGMA integrity_check and returns its answer
// ("ok" for a sound database).
func (s *Store) IntegrityCheck() (string, error) {
	var r string
	err := s.db.QueryRow("PRAGMA integrity_check").Scan(&r)
	return r, err
}

func ms(t time.Time) int64 { return t.UnixMilli() }

func fromMS(v sql.NullInt64) *time.Time {
	if !v.Valid {
		return nil
	}
	t := time.UnixMilli(v.Int64).UTC()
	return &t
}

// Insert stores a new queued job and its inputs (uploaded images) in one
// transaction.
func (s *Store) Insert(j *Job, inputs map[string][]byte) error {
	tx, err := s.db.Begin()
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var deadline sql.NullInt64
	if j.Deadline != nil {
		deadline = sql.NullInt64{Int64: ms(*j.Deadline), Valid: true}
	}
	res, err := tx.Exec(`INSERT INTO jobs (id, owner, kind, model, params, state, created_ms, deadline_ms) VALUES (?,?,?,?,?,?,?,?)`,
		j.ID, j.Owner, j.Kind, j.Model, string(j.Params), j.State, ms(j.Created), deadline)
	if err != nil {
		return err
	}
	if j.seq, err = res.LastInsertId(); err != nil {
		return err
	}
	for name, b := range inputs {
		if _, err := tx.Exec(`INSERT INTO inputs (job_id, name, data) VALUES (?,?,?)`, j.ID, name, b); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// Inputs returns the uploaded files of job id, by name.
func (s *Store) Inputs(id string) (map[string][]byte, error) {
	rows, err := s.db.Query(`SELECT name, data FROM inputs WHERE job_id = ?`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string][]byte{}
	for rows.Next() {
		var name string
		var b []byte
		if err := rows.Scan(&name, &b); err != nil {
			return nil, err
		}
		out[name] = b
	}
	return out, rows.Err()
}

// SetRunning marks job id running from t.
func (s *Store) SetRunning(id string, t time.Time) error {
	_, err := s.db.Exec(`UPDATE jobs SET state = ?, started_ms = ? WHERE id = ? AND state = ?`, StateRunning, ms(t), id, StateQueued)
	return err
}

// Finish records the end of job id: its final state, the error (code and
// message) when it failed, and its outputs, whose files must already be
// written. It does nothing to a job already final.
func (s *Store) Finish(id, state, code, msg string, outputs []Output, t time.Time) error {
	tx, err := s.db.Begin()
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for _, o := range outputs {
		meta, err := json.Marshal(o.Meta)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(`INSERT INTO outputs (job_id, idx, name, meta) VALUES (?,?,?,?)`, id, o.Index, o.Name, string(meta)); err != nil {
			return err
		}
	}
	if _, err := tx.Exec(`UPDATE jobs SET state = ?, error_code = ?, error = ?, finished_ms = ? WHERE id = ? AND state IN (?, ?)`,
		state, code, msg, ms(t), id, StateQueued, StateRunning); err != nil {
		return err
	}
	return tx.Commit()
}

// ErrNoJob is returned for an id the store does not hold.
var ErrNoJob = errors.New("no such job")

const jobCols = `seq, id, owner, kind, model, params, state, error, error_code, created_ms, started_ms, finished_ms, deadline_ms`

func scanJob(sc interface{ Scan(...any) error }) (*Job, error) {
	var j Job
	var params string
	var created int64
	var started, finished, deadline sql.NullInt64
	if err := sc.Scan(&j.seq, &j.ID, &j.Owner, &j.Kind, &j.Model, &params, &j.State, &j.Error, &j.ErrorCode,
		&created, &started, &finished, &deadline); err != nil {
		return nil, err
	}
	j.Params = json.RawMessage(params)
	j.Created = time.UnixMilli(created).UTC()
	j.Started, j.Finished, j.Deadline = fromMS(started), fromMS(finished), fromMS(deadline)
	j.Outputs = []Output{}
	return &j, nil
}

// Get returns job id with its outputs, or ErrNoJob.
func (s *Store) Get(id string) (*Job, error) {
	j, err := scanJob(s.db.QueryRow(`SELECT `+jobCols+` FROM jobs WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNoJob
	}
	if err != nil {
		return nil, err
	}
	if err := s.loadOutputs([]*Job{j}); err != nil {
		return nil, err
	}
	return j, nil
}

func (s *Store) loadOutputs(jobs []*Job) error {
	for _, j := range jobs {
		rows, err := s.db.Query(`SELECT idx, name, meta FROM outputs WHERE job_id = ? ORDER BY idx`, j.ID)
		if err != nil {
			return err
		}
		for rows.Next() {
			var o Output
			var meta string
			if err := rows.Scan(&o.Index, &o.Name, &meta); err != nil {
				rows.Close()
				return err
			}
			if err := json.Unmarshal([]byte(meta), &o.Meta); err != nil {
				rows.Close()
				return fmt.Errorf("serve: job %s output %d: meta: %w", j.ID, o.Index, err)
			}
			o.URL = "/api/jobs/" + j.ID + "/outputs/" + o.Name
			j.Outputs = append(j.Outputs, o)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	return nil
}

// List returns up to limit jobs, newest first, skipping offset; with
// state set, only jobs in that state, with kind set only of that kind.
// It also returns how many match in all.
func (s *Store) List(state, kind string, limit, offset int) ([]*Job, int, error) {
	where := `WHERE (? = '' OR state = ?) AND (? = '' OR kind = ?)`
	args := []any{state, state, kind, kind}
	var total int
	if err := s.db.QueryRow(`SELECT COUNT(*) FROM jobs `+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	rows, err := s.db.Query(`SELECT `+jobCols+` FROM jobs `+where+` ORDER BY seq DESC LIMIT ? OFFSET ?`, append(args, limit, offset)...)
	if err != nil {
		return nil, 0, err
	}
	var jobs []*Job
	for rows.Next() {
		j, err := scanJob(rows)
		if err != nil {
			rows.Close()
			return nil, 0, err
		}
		jobs = append(jobs, j)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	if err := s.loadOutputs(jobs); err != nil {
		return nil, 0, err
	}
	return jobs, total, nil
}

// Recover prepares the store after a start: jobs left running are marked
// interrupted (their partial outputs are not listed), and the queued jobs
// are returned oldest first, to run again.
func (s *Store) Recover(t time.Time) (queued []*Job, interrupted int, err error) {
	res, err := s.db.Exec(`UPDATE jobs SET state = ?, error_code = 'interrupted', error = 'the server stopped while the job ran', finished_ms = ? WHERE state = ?`,
		StateInterrupted, ms(t), StateRunning)
	if err != nil {
		return nil, 0, err
	}
	n, _ := res.RowsAffected()
	rows, err := s.db.Query(`SELECT `+jobCols+` FROM jobs WHERE state = ? ORDER BY seq`, StateQueued)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	for rows.Next() {
		j, err := scanJob(rows)
		if err != nil {
			return nil, 0, err
		}
		queued = append(queued, j)
	}
	return queued, int(n), rows.Err()
}

// Requeue puts a running job back in the queue (the server stopped it to
// shut down).
func (s *Store) Requeue(id string) error {
	_, err := s.db.Exec(`UPDATE jobs SET state = ?, started_ms = NULL WHERE id = ? AND state = ?`, StateQueued, id, StateRunning)
	return err
}
