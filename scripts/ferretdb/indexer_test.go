package main

import (
	"reflect"
	"strings"
	"testing"
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
