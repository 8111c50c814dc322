package main

// Indexes that FerretDB v1's PostgreSQL backend can actually use.
//
// FerretDB pushes an equality filter down as `_jsonb->'field' @> value` (containment, so that
// an array field matches one of its elements, as in MongoDB). The indexes it creates for
// createIndexes are btree indexes on `(_jsonb->'field')`, and a btree serves `=` and ranges,
// never `@>`. So every find, update, delete and findAndModify with a filter, even on `_id`,
// reads the whole table: 15 ms for one document among 20,000, growing with the table.
//
// The indexer gives every top-level field that the collection indexes (and `_id`) a GIN index on the same
// expression, which serves `@>`. It runs in the background after the proxy has seen a command on
// a collection it has not checked yet, or one that changed its indexes. An index is only an access
// path: what a query returns does not change, only how fast. Unique constraints stay FerretDB's.
//
// FerretDB prepares its statements with the key as a parameter (`_jsonb->$1 @> $2`); a cached
// generic plan cannot match an index expression, so the connection string asks PostgreSQL to plan
// each execution with its values (plan_cache_mode=force_custom_plan, see withCustomPlans).

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"log/slog"
	"net/url"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// metadataTable is FerretDB's per-database (per-schema) table of collections and their indexes.
const metadataTable = "_ferretdb_database_metadata"

// bigTableBytes is the table size above which an index is built CONCURRENTLY (slower, but writes
// go on meanwhile); below it the short lock of a plain CREATE INDEX is cheaper.
const bigTableBytes = 16 << 20

// withCustomPlans adds plan_cache_mode=force_custom_plan to a PostgreSQL URL unless it sets it.
func withCustomPlans(raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", err
	}
	q := u.Query()
	if !q.Has("plan_cache_mode") {
		q.Set("plan_cache_mode", "force_custom_plan")
	}
	u.RawQuery = q.Encode()
	return u.String(), nil
}

type collectionState int

const (
	unchecked collectionState = iota
	queued                    // waiting for, or in, ensure
	indexed
	missing // no table yet: checked again after a write
	small   // a table read faster whole than through an index: checked again as it grows
	failed  // ensure failed: tried again after retryAfter
)

// smallTableBytes: below this a table is read whole in well under a millisecond, and an index
// would only cost its upkeep (and, in a test suite, thousands of CREATE INDEX on empty tables).
const smallTableBytes = 256 << 10

// smallRecheck: how often a small table in use is measured again.
const smallRecheck = 5 * time.Second

// retryAfter keeps a collection whose indexing fails (a dropped table, PostgreSQL restarting)
// from being retried on every command.
const retryAfter = 10 * time.Second

type collectionEntry struct {
	state collectionState
	// again: the indexes changed while queued, so the list ensure read may be old already.
	again   bool
	retryAt time.Time
}

type indexer struct {
	pool *pgxpool.Pool
	l    *slog.Logger

	mu    sync.Mutex
	state map[string]*collectionEntry // "db\x00collection"
	work  chan string
}

func newIndexer(ctx context.Context, postgresqlURL string, l *slog.Logger) (*indexer, error) {
	cfg, err := pgxpool.ParseConfig(postgresqlURL)
	if err != nil {
		return nil, err
	}
	cfg.MaxConns = 2
	cfg.MinConns = 0
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, err
	}
	return &indexer{
		pool:  pool,
		l:     l,
		state: make(map[string]*collectionEntry),
		work:  make(chan string, 4096),
	}, nil
}

// note is called by the proxy after a command on db.collection came back; it never blocks.
// changed: the command created or dropped indexes or collections; wrote: it wrote documents.
func (x *indexer) note(db, coll string, wrote, changed bool) {
	if x == nil || db == "" || coll == "" {
		return
	}
	key := db + "\x00" + coll
	x.mu.Lock()
	e := x.state[key]
	if e == nil {
		e = &collectionEntry{}
		x.state[key] = e
	}
	var enqueue bool
	switch e.state {
	case unchecked:
		enqueue = true
	case queued:
		e.again = e.again || changed
	case indexed:
		enqueue = changed
	case missing:
		enqueue = wrote || changed
	case small:
		enqueue = time.Now().After(e.retryAt)
	case failed:
		enqueue = time.Now().After(e.retryAt)
	}
	if enqueue {
		e.state = queued
	}
	x.mu.Unlock()
	if enqueue {
		x.enqueue(key)
	}
}

// enqueue hands a queued collection to run; when the queue is full it is left for the next command.
func (x *indexer) enqueue(key string) {
	select {
	case x.work <- key:
	default:
		x.mu.Lock()
		if e := x.state[key]; e != nil {
			e.state = unchecked
		}
		x.mu.Unlock()
	}
}

// forgetDatabase makes every collection of db be checked again (after dropDatabase).
func (x *indexer) forgetDatabase(db string) {
	if x == nil {
		return
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	for k, e := range x.state {
		if strings.HasPrefix(k, db+"\x00") {
			if e.state == queued {
				e.again = true
			} else {
				delete(x.state, k)
			}
		}
	}
}

// done records what ensure found, or queues the collection again if it changed meanwhile.
func (x *indexer) done(key string, s collectionState) {
	x.mu.Lock()
	e := x.state[key]
	if e == nil {
		e = &collectionEntry{}
		x.state[key] = e
	}
	again := e.again
	e.again = false
	if again {
		e.state = queued
	} else {
		e.state = s
		switch s {
		case failed:
			e.retryAt = time.Now().Add(retryAfter)
		case small:
			e.retryAt = time.Now().Add(smallRecheck)
		}
	}
	x.mu.Unlock()
	if again {
		x.enqueue(key)
	}
}

// run ensures the queued collections' indexes until ctx ends, then closes the pool.
func (x *indexer) run(ctx context.Context) {
	defer x.pool.Close()
	for {
		select {
		case <-ctx.Done():
			return
		case key := <-x.work:
			db, coll, _ := strings.Cut(key, "\x00")
			cctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
			state, err := x.ensure(cctx, db, coll)
			cancel()
			if err != nil {
				// e.g. the collection was dropped meanwhile, or PostgreSQL is restarting.
				x.l.Debug("indexer: cannot index", "db", db, "collection", coll, "error", err)
				state = failed
			}
			x.done(key, state)
		}
	}
}

// ensure creates the missing GIN indexes of db.coll once its table is no longer small; it
// returns indexed, small, or missing (no table yet).
func (x *indexer) ensure(ctx context.Context, db, coll string) (collectionState, error) {
	var table string
	var indexes []byte
	err := x.pool.QueryRow(ctx,
		fmt.Sprintf(`SELECT _jsonb->>'table', _jsonb->'indexes' FROM %s WHERE _jsonb->'_id' = to_jsonb($1::text)`,
			pgx.Identifier{db, metadataTable}.Sanitize()),
		coll,
	).Scan(&table, &indexes)
	if errors.Is(err, pgx.ErrNoRows) || noSuchSchema(err) {
		return missing, nil // no collection (or no database) yet: a write will ask again
	}
	if err != nil {
		return failed, err
	}
	fields, err := indexedFields(indexes)
	if err != nil {
		return failed, err
	}

	var size int64
	if err = x.pool.QueryRow(ctx,
		`SELECT pg_relation_size(c.oid) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relname = $2`,
		db, table,
	).Scan(&size); err != nil {
		return failed, err
	}
	if size < smallTableBytes {
		return small, nil
	}

	for _, f := range fields {
		name := ginIndexName(table, f)
		var valid *bool
		err = x.pool.QueryRow(ctx,
			`SELECT i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relname = $2`,
			db, name,
		).Scan(&valid)
		if err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return failed, err
		}
		if valid != nil && *valid {
			continue
		}
		if valid != nil { // a CONCURRENTLY build that failed leaves an invalid index behind
			if _, err = x.pool.Exec(ctx, `DROP INDEX IF EXISTS `+pgx.Identifier{db, name}.Sanitize(), pgx.QueryExecModeSimpleProtocol); err != nil {
				return failed, err
			}
		}
		concurrently := ""
		if size > bigTableBytes {
			concurrently = "CONCURRENTLY "
		}
		// fastupdate off: a search never scans a pending list of unsorted entries, and an entry
		// is one key (a scalar; an array adds one per element), cheap to insert directly.
		q := fmt.Sprintf(`CREATE INDEX %sIF NOT EXISTS %s ON %s USING gin ((%s) jsonb_path_ops) WITH (fastupdate = off)`,
			concurrently, pgx.Identifier{name}.Sanitize(), pgx.Identifier{db, table}.Sanitize(), fieldExpr(f))
		// The simple protocol: CONCURRENTLY must not run inside a (prepared, implicit) transaction.
		if _, err = x.pool.Exec(ctx, q, pgx.QueryExecModeSimpleProtocol); err != nil {
			return failed, err
		}
		x.l.Debug("indexer: created", "db", db, "collection", coll, "field", f, "index", name)
	}
	return indexed, nil
}

// noSuchSchema reports a database FerretDB has not created yet (no schema, or no metadata table).
func noSuchSchema(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && (pgErr.Code == "3F000" || pgErr.Code == "42P01")
}

// indexedFields returns `_id` and every top-level field of every index in FerretDB's stored index
// list (its own JSON encoding: objects carry a "$s" key with their types), sorted, each once.
// Dotted paths are left out: FerretDB v1 does not push a filter on them down at all.
func indexedFields(indexes []byte) ([]string, error) {
	seen := map[string]bool{"_id": true}
	if len(indexes) > 0 && string(indexes) != "null" {
		var list []map[string]json.RawMessage
		if err := json.Unmarshal(indexes, &list); err != nil {
			return nil, fmt.Errorf("index list: %w", err)
		}
		for _, ix := range list {
			var key map[string]json.RawMessage
			if raw, ok := ix["key"]; ok {
				if err := json.Unmarshal(raw, &key); err != nil {
					return nil, fmt.Errorf("index key: %w", err)
				}
			}
			for f := range key {
				if f != "" && !strings.HasPrefix(f, "$") && !strings.Contains(f, ".") {
					seen[f] = true
				}
			}
		}
	}
	out := make([]string, 0, len(seen))
	for f := range seen {
		out = append(out, f)
	}
	sort.Strings(out)
	return out, nil
}

// fieldExpr is the expression FerretDB's pushdown compares, `_jsonb->'f'` (prepareWhereClause).
func fieldExpr(field string) string {
	return "_jsonb->'" + strings.ReplaceAll(field, "'", "''") + "'"
}

// ginIndexName is short enough for PostgreSQL's 63-byte names and distinct per table and field.
func ginIndexName(table, field string) string {
	h := fnv.New32a()
	_, _ = h.Write([]byte(table + "\x00" + field))
	if len(table) > 40 {
		table = table[:40]
	}
	return fmt.Sprintf("%s_%08x_gin", table, h.Sum32())
}
