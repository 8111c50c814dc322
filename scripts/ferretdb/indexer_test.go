package main

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestIndexedFields(t *testing.T) {
	// As FerretDB stores them: each object carries its types under "$s".
	stored := `[{"$s": {}, "key": {"$s": {}, "_id": 1}, "name": "_id_", "pgindex": "t__id_", "unique": true},
		{"$s": {}, "key": {"$s": {}, "conversationId": 1, "pending": 1}, "name": "c_1_p_1", "pgindex": "t_c", "unique": false},
		{"$s": {}, "key": {"$s": {}, "delivery.status": 1}, "name": "d_1", "pgindex": "t_d", "unique": false}]`
	got, err := indexedFields([]byte(stored))
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"_id", "conversationId", "pending"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("got %v, want %v (dotted paths are never pushed down)", got, want)
	}
	if got, _ = indexedFields(nil); !reflect.DeepEqual(got, []string{"_id"}) {
		t.Fatalf("no index list: got %v", got)
	}
	if _, err = indexedFields([]byte(`{"not": "a list"}`)); err == nil {
		t.Fatal("a malformed list must be an error")
	}
}

func TestGinIndexName(t *testing.T) {
	long := strings.Repeat("x", 60)
	if n := ginIndexName(long, "field"); len(n) > 63 {
		t.Fatalf("%q is longer than PostgreSQL's 63 bytes", n)
	}
	if ginIndexName("t_1", "a") == ginIndexName("t_1", "b") || ginIndexName("t_1", "a") == ginIndexName("t_2", "a") {
		t.Fatal("names must differ per table and field")
	}
	if e := fieldExpr("it's"); e != `_jsonb->'it''s'` {
		t.Fatalf("quoting: %s", e)
	}
}

func TestWithCustomPlans(t *testing.T) {
	u, err := withCustomPlans("postgres://u:p@127.0.0.1:5432/db?pool_max_conns=90")
	if err != nil || !strings.Contains(u, "plan_cache_mode=force_custom_plan") || !strings.Contains(u, "pool_max_conns=90") {
		t.Fatalf("got %q, %v", u, err)
	}
	u, _ = withCustomPlans("postgres://127.0.0.1/db?plan_cache_mode=auto")
	if strings.Contains(u, "force_custom_plan") {
		t.Fatalf("a mode given in the URL is kept: %q", u)
	}
}

func TestIndexerQueue(t *testing.T) {
	x := &indexer{state: map[string]*collectionEntry{}, work: make(chan string, 16)}
	queuedKeys := func() []string {
		var out []string
		for {
			select {
			case k := <-x.work:
				out = append(out, k)
			default:
				return out
			}
		}
	}
	const key = "db\x00c"

	x.note("db", "c", true, false)
	x.note("db", "c", true, false) // already queued
	if got := queuedKeys(); len(got) != 1 || got[0] != key {
		t.Fatalf("first use: queued %q", got)
	}
	// Indexes created while ensure runs: it may have read the old list, so it runs again.
	x.note("db", "c", false, true)
	x.done(key, indexed)
	if got := queuedKeys(); len(got) != 1 {
		t.Fatalf("changed while queued: queued %q", got)
	}
	x.done(key, indexed)
	x.note("db", "c", true, false)
	if got := queuedKeys(); len(got) != 0 {
		t.Fatalf("a write on an indexed collection queued %q", got)
	}
	x.note("db", "c", false, true)
	if got := queuedKeys(); len(got) != 1 {
		t.Fatalf("createIndexes on an indexed collection: queued %q", got)
	}
	// No table yet: a read does not ask again, a write does.
	x.done(key, missing)
	x.note("db", "c", false, false)
	if got := queuedKeys(); len(got) != 0 {
		t.Fatalf("a read on a missing collection queued %q", got)
	}
	x.note("db", "c", true, false)
	if got := queuedKeys(); len(got) != 1 {
		t.Fatalf("a write on a missing collection: queued %q", got)
	}
	// A small table: measured again when used, at most every smallRecheck.
	x.done(key, small)
	x.note("db", "c", true, false)
	if got := queuedKeys(); len(got) != 0 {
		t.Fatalf("a small table measured again at once: %q", got)
	}
	x.state[key].retryAt = time.Now().Add(-time.Second)
	x.note("db", "c", false, false)
	if got := queuedKeys(); len(got) != 1 {
		t.Fatalf("a read after the pause: queued %q", got)
	}
	// A failure is retried after a pause, not on every command.
	x.done(key, failed)
	x.note("db", "c", true, true)
	if got := queuedKeys(); len(got) != 0 {
		t.Fatalf("retried at once after a failure: %q", got)
	}
	x.state[key].retryAt = time.Now().Add(-time.Second)
	x.note("db", "c", false, false)
	if got := queuedKeys(); len(got) != 1 {
		t.Fatalf("not retried after the pause: %q", got)
	}
	// dropDatabase: checked again from scratch.
	x.done(key, indexed)
	x.forgetDatabase("db")
	x.note("db", "c", false, false)
	if got := queuedKeys(); len(got) != 1 {
		t.Fatalf("after dropDatabase: queued %q", got)
	}
}
