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
	// expectQueued fails unless exactly n checks of the collection are queued.
	expectQueued := func(n int, format string) {
		t.Helper()
		got := queuedKeys()
		ok := len(got) == n
		for _, k := range got {
			ok = ok && k == key
		}
		if !ok {
			t.Fatalf(format, got)
		}
	}

	x.note("db", "c", true, false)
	x.note("db", "c", true, false) // already queued
	expectQueued(1, "first use: queued %q")
	// Indexes created while ensure runs: it may have read the old list, so it runs again.
	x.note("db", "c", false, true)
	x.done(key, indexed)
	expectQueued(1, "changed while queued: queued %q")
	x.done(key, indexed)
	x.note("db", "c", true, false)
	expectQueued(0, "a write on an indexed collection queued %q")
	x.note("db", "c", false, true)
	expectQueued(1, "createIndexes on an indexed collection: queued %q")
	// No table yet: a read does not ask again, a write does.
	x.done(key, missing)
	x.note("db", "c", false, false)
	expectQueued(0, "a read on a missing collection queued %q")
	x.note("db", "c", true, false)
	expectQueued(1, "a write on a missing collection: queued %q")
	// A small table: measured again when used, at most every smallRecheck.
	x.done(key, small)
	x.note("db", "c", true, false)
	expectQueued(0, "a small table measured again at once: %q")
	x.state[key].retryAt = time.Now().Add(-time.Second)
	x.note("db", "c", false, false)
	expectQueued(1, "a read after the pause: queued %q")
	// A failure is retried after a pause, not on every command.
	x.done(key, failed)
	x.note("db", "c", true, true)
	expectQueued(0, "retried at once after a failure: %q")
	x.state[key].retryAt = time.Now().Add(-time.Second)
	x.note("db", "c", false, false)
	expectQueued(1, "not retried after the pause: %q")
	// dropDatabase: checked again from scratch.
	x.done(key, indexed)
	x.forgetDatabase("db")
	x.note("db", "c", false, false)
	expectQueued(1, "after dropDatabase: queued %q")
}
