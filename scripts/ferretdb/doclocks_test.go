package main

import (
	"encoding/binary"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/bson/primitive"
	"go.mongodb.org/mongo-driver/x/bsonx/bsoncore"
)

// filterDoc builds {_id: id} (id a primitive.ObjectID, a string or an int32), plus extra keys.
func filterDoc(id any, extra ...string) bsoncore.Document {
	b := bsoncore.NewDocumentBuilder()
	switch v := id.(type) {
	case primitive.ObjectID:
		b.AppendObjectID("_id", v)
	case string:
		b.AppendString("_id", v)
	case int32:
		b.AppendInt32("_id", v)
	case bsoncore.Document:
		b.AppendDocument("_id", v)
	case nil:
	}
	for i := 0; i < len(extra); i += 2 {
		b.AppendString(extra[i], extra[i+1])
	}
	return b.Build()
}

// updateInBody is an update command with its statements as an array in the body.
func updateInBody(list string, filters ...bsoncore.Document) []byte {
	arr := bsoncore.NewArrayBuilder()
	for _, f := range filters {
		arr.AppendDocument(bsoncore.NewDocumentBuilder().AppendDocument("q", f).Build())
	}
	name := map[string]string{"updates": "update", "deletes": "delete"}[list]
	body := bsoncore.NewDocumentBuilder().AppendString(name, "c").AppendArray(list, arr.Build()).AppendString("$db", "d").Build()
	return buildMsg(1, body)
}

// updateInSequence is the same with the statements in a kind-1 document sequence.
func updateInSequence(filters ...bsoncore.Document) []byte {
	var docs []byte
	for _, f := range filters {
		docs = append(docs, bsoncore.NewDocumentBuilder().AppendDocument("q", f).Build()...)
	}
	seq := []byte{1}
	seq = binary.LittleEndian.AppendUint32(seq, uint32(4+len("updates")+1+len(docs)))
	seq = append(seq, "updates\x00"...)
	seq = append(seq, docs...)
	m := append(buildMsg(1, cmd("update", "c", "$db", "d")), seq...)
	binary.LittleEndian.PutUint32(m, uint32(len(m)))
	return m
}

func TestDocumentTargets(t *testing.T) {
	a, b := primitive.NewObjectID(), primitive.NewObjectID()
	fam := func(q bsoncore.Document) []byte {
		return buildMsg(1, bsoncore.NewDocumentBuilder().AppendString("findAndModify", "c").AppendDocument("query", q).AppendString("$db", "d").Build())
	}
	for name, tc := range map[string]struct {
		cmd   string
		msg   []byte
		n     int // statements; 0 = not aimed at given documents
		alike bool
	}{
		"update by ObjectId in the body":      {"update", updateInBody("updates", filterDoc(a)), 1, false},
		"update by _id and a condition":       {"update", updateInBody("updates", filterDoc(a, "status", "open")), 1, false},
		"update of two documents in sequence": {"update", updateInSequence(filterDoc(a), filterDoc(b)), 2, false},
		"update of one document twice":        {"update", updateInSequence(filterDoc(a), filterDoc(a)), 2, true},
		"delete by string _id":                {"delete", updateInBody("deletes", filterDoc("k1")), 1, false},
		"findAndModify by _id":                {"findAndModify", fam(filterDoc(b, "rev", "3")), 1, false},
		"one statement without _id":           {"update", updateInSequence(filterDoc(a), filterDoc(nil, "key", "x")), 0, false},
		"numeric _id (1 equals 1.0)":          {"update", updateInBody("updates", filterDoc(int32(1))), 0, false},
		"_id by operator":                     {"update", updateInBody("updates", filterDoc(cmd("$in", "x"))), 0, false},
		"findAndModify by another field":      {"findAndModify", fam(filterDoc(nil, "status", "free")), 0, false},
		"no statements":                       {"update", buildMsg(1, cmd("update", "c", "$db", "d")), 0, false},
		"insert":                              {"insert", buildMsg(1, cmd("insert", "c", "$db", "d")), 0, false},
	} {
		t.Run(name, func(t *testing.T) {
			ids, n, ok := documentTargets(tc.cmd, tc.msg)
			if tc.n == 0 {
				if ok {
					t.Fatalf("got targets %q, want none", ids)
				}
				return
			}
			if !ok || n != tc.n || len(ids) != tc.n {
				t.Fatalf("got %q, %d statements, ok %v; want %d", ids, n, ok, tc.n)
			}
			if tc.n > 1 && tc.alike != (ids[0] == ids[len(ids)-1]) {
				t.Fatalf("ids %q: alike should be %v", ids, tc.alike)
			}
		})
	}
	// The same id as an ObjectId and as a string are different documents' ids.
	s, _, _ := documentTargets("update", updateInBody("updates", filterDoc(a.Hex())))
	o, _, _ := documentTargets("update", updateInBody("updates", filterDoc(a)))
	if s[0] == o[0] {
		t.Fatal("string and ObjectId ids share a key")
	}
}

// blocked runs f and reports whether it is still blocked after a short while (and lets it finish later).
func blocked(f func()) (done chan struct{}, isBlocked bool) {
	done = make(chan struct{})
	go func() { f(); close(done) }()
	select {
	case <-done:
		return done, false
	case <-time.After(50 * time.Millisecond):
		return done, true
	}
}

func TestDocLocks(t *testing.T) {
	a, b := primitive.NewObjectID(), primitive.NewObjectID()
	d := newDocLocks(4)
	key := "d\x00c"
	byA, byB := updateInBody("updates", filterDoc(a)), updateInBody("updates", filterDoc(b))
	anyDoc := updateInBody("updates", filterDoc(nil, "status", "free"))
	insert := buildMsg(1, cmd("insert", "c", "$db", "d"))

	// A collection not yet written is held whole, even by a write aimed at one document.
	first := d.acquire(key, "update", byA)
	second, isBlocked := blocked(func() { d.acquire(key, "update", byB)(true) })
	if !isBlocked {
		t.Fatal("a write to a collection not known to exist did not wait")
	}
	first(true)
	<-second

	// Once it exists: other documents overlap, the same document waits.
	relA := d.acquire(key, "update", byA)
	relB := d.acquire(key, "update", byB)
	relIns := d.acquire(key, "insert", insert)
	sameA, isBlocked := blocked(func() {
		d.acquire(key, "findAndModify", buildMsg(1, bsoncore.NewDocumentBuilder().AppendString("findAndModify", "c").AppendDocument("query", filterDoc(a)).AppendString("$db", "d").Build()))(true)
	})
	if !isBlocked {
		t.Fatal("a second write to document a did not wait")
	}
	ins2, isBlocked := blocked(func() { d.acquire(key, "insert", insert)(true) })
	if !isBlocked {
		t.Fatal("a second insert did not wait for the first")
	}
	whole, isBlocked := blocked(func() { d.acquire(key, "update", anyDoc)(true) })
	if !isBlocked {
		t.Fatal("a write that may touch any document did not wait for the document writes")
	}
	relA(true)
	<-sameA
	relIns(true)
	<-ins2
	select {
	case <-whole:
		t.Fatal("the collection-wide write ran while document b was still being written")
	case <-time.After(20 * time.Millisecond):
	}
	relB(true)
	<-whole

	// Dropped: held whole again until a write comes back.
	d.dropped("d\x00", true)
	first = d.acquire(key, "update", byA)
	second, isBlocked = blocked(func() { d.acquire(key, "update", byB)(true) })
	if !isBlocked {
		t.Fatal("a write to a dropped collection did not wait")
	}
	first(true)
	<-second
}

func TestDocLocksBoundStatements(t *testing.T) {
	d := newDocLocks(2)
	key := "d\x00c"
	d.acquire(key, "insert", buildMsg(1, cmd("insert", "c", "$db", "d")))(true) // it exists now
	two := d.acquire(key, "update", updateInSequence(filterDoc(primitive.NewObjectID()), filterDoc(primitive.NewObjectID())))
	third, isBlocked := blocked(func() { d.acquire(key, "update", updateInBody("updates", filterDoc(primitive.NewObjectID())))(true) })
	if !isBlocked {
		t.Fatal("a write beyond the statement bound did not wait")
	}
	two(true)
	<-third
	// A command larger than the bound still runs (alone).
	d.acquire(key, "update", updateInSequence(filterDoc(primitive.NewObjectID()), filterDoc(primitive.NewObjectID()), filterDoc(primitive.NewObjectID())))(true)
}

func TestReplyShowsCollection(t *testing.T) {
	reply := func(build func(b *bsoncore.DocumentBuilder)) []byte {
		b := bsoncore.NewDocumentBuilder()
		build(b)
		return buildMsg(1, b.Build())
	}
	dup := bsoncore.NewArrayBuilder().AppendDocument(bsoncore.NewDocumentBuilder().AppendInt32("index", 0).AppendInt32("code", 11000).Build()).Build()
	invalid := bsoncore.NewArrayBuilder().AppendDocument(bsoncore.NewDocumentBuilder().AppendInt32("index", 0).AppendInt32("code", 2).Build()).Build()
	for name, tc := range map[string]struct {
		rep  []byte
		want bool
	}{
		"insert of one": {reply(func(b *bsoncore.DocumentBuilder) { b.AppendInt32("n", 1).AppendDouble("ok", 1) }), true},
		"update that matched nothing": {reply(func(b *bsoncore.DocumentBuilder) {
			b.AppendInt32("n", 0).AppendInt32("nModified", 0).AppendDouble("ok", 1)
		}), false},
		"findAndModify that found one": {reply(func(b *bsoncore.DocumentBuilder) {
			b.AppendDocument("lastErrorObject", bsoncore.NewDocumentBuilder().AppendInt32("n", 1).Build()).AppendDouble("ok", 1)
		}), true},
		"findAndModify that found none": {reply(func(b *bsoncore.DocumentBuilder) {
			b.AppendDocument("lastErrorObject", bsoncore.NewDocumentBuilder().AppendInt32("n", 0).Build()).AppendDouble("ok", 1)
		}), false},
		"duplicate key": {reply(func(b *bsoncore.DocumentBuilder) {
			b.AppendInt32("n", 0).AppendArray("writeErrors", dup).AppendDouble("ok", 1)
		}), true},
		"refused write": {reply(func(b *bsoncore.DocumentBuilder) {
			b.AppendInt32("n", 0).AppendArray("writeErrors", invalid).AppendDouble("ok", 1)
		}), false},
		"command failed": {reply(func(b *bsoncore.DocumentBuilder) { b.AppendDouble("ok", 0).AppendString("errmsg", "no") }), false},
		"not a reply":    {[]byte{1, 2, 3}, false},
	} {
		t.Run(name, func(t *testing.T) {
			if got := replyShowsCollection(tc.rep); got != tc.want {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
		})
	}
}

// Every prefix and every one-byte corruption of a well-formed write must be read without a panic,
// and anything that cannot be read whole takes no document lock.
func TestDocumentTargetsOnDamagedMessages(t *testing.T) {
	good := updateInSequence(filterDoc(primitive.NewObjectID()), filterDoc(primitive.NewObjectID()))
	for n := 0; n < len(good); n++ {
		cut := append([]byte{}, good[:n]...)
		if len(cut) >= 4 {
			binary.LittleEndian.PutUint32(cut, uint32(len(cut)))
		}
		if _, _, ok := documentTargets("update", cut); ok && n < len(good) {
			t.Fatalf("a message cut at %d of %d bytes named documents", n, len(good))
		}
		_ = writeLockKey(cut)
		_ = replyShowsCollection(cut)
	}
	for i := msgHeaderLen; i < len(good); i++ {
		for _, b := range []byte{0x00, 0x01, 0x7f, 0xff} {
			bad := append([]byte{}, good...)
			bad[i] = b
			_, _, _ = documentTargets("update", bad)
			_ = writeLockKey(bad)
			_ = replyShowsCollection(bad)
		}
	}
}

// bsoncore reads a key's first value and FerretDB its last: a write that repeats a key saying
// which documents it touches is locked whole.
func TestDocumentTargetsRefuseRepeatedKeys(t *testing.T) {
	a, b := primitive.NewObjectID(), primitive.NewObjectID()
	stmt := func(fields func(d *bsoncore.DocumentBuilder)) bsoncore.Document {
		d := bsoncore.NewDocumentBuilder()
		fields(d)
		return d.Build()
	}
	update := func(statements ...bsoncore.Document) []byte {
		arr := bsoncore.NewArrayBuilder()
		for _, s := range statements {
			arr.AppendDocument(s)
		}
		return buildMsg(1, bsoncore.NewDocumentBuilder().AppendString("update", "c").AppendArray("updates", arr.Build()).AppendString("$db", "d").Build())
	}
	for name, msg := range map[string][]byte{
		"q twice, the second matching everything": update(stmt(func(d *bsoncore.DocumentBuilder) {
			d.AppendDocument("q", filterDoc(a)).AppendDocument("q", filterDoc(nil)).AppendBoolean("multi", true)
		})),
		"_id twice in a filter": update(stmt(func(d *bsoncore.DocumentBuilder) {
			d.AppendDocument("q", bsoncore.NewDocumentBuilder().AppendObjectID("_id", a).AppendObjectID("_id", b).Build())
		})),
		"updates twice": buildMsg(1, bsoncore.NewDocumentBuilder().AppendString("update", "c").
			AppendArray("updates", bsoncore.NewArrayBuilder().AppendDocument(bsoncore.NewDocumentBuilder().AppendDocument("q", filterDoc(a)).Build()).Build()).
			AppendArray("updates", bsoncore.NewArrayBuilder().AppendDocument(bsoncore.NewDocumentBuilder().AppendDocument("q", filterDoc(nil)).Build()).Build()).
			AppendString("$db", "d").Build()),
	} {
		t.Run(name, func(t *testing.T) {
			if ids, _, ok := documentTargets("update", msg); ok {
				t.Fatalf("named documents %q", ids)
			}
		})
	}
	fam := buildMsg(1, bsoncore.NewDocumentBuilder().AppendString("findAndModify", "c").
		AppendDocument("query", filterDoc(a)).AppendDocument("query", filterDoc(nil, "status", "free")).AppendString("$db", "d").Build())
	if ids, _, ok := documentTargets("findAndModify", fam); ok {
		t.Fatalf("findAndModify with query twice named documents %q", ids)
	}
}

// A write that began before a drop and came back after it does not mark the collection existing.
func TestDocLocksDropDuringFirstWrite(t *testing.T) {
	d := newDocLocks(4)
	key := "d\x00c"
	byA := updateInBody("updates", filterDoc(primitive.NewObjectID()))
	first := d.acquire(key, "insert", buildMsg(1, cmd("insert", "c", "$db", "d")))
	d.dropped("d\x00", true)
	first(true)
	held := d.acquire(key, "update", byA)
	if _, isBlocked := blocked(func() { d.acquire(key, "update", updateInBody("updates", filterDoc(primitive.NewObjectID())))(true) }); !isBlocked {
		t.Fatal("after a drop during its first write, the collection was taken as existing")
	}
	held(true)
}
