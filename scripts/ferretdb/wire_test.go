package main

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"testing"

	"go.mongodb.org/mongo-driver/x/bsonx/bsoncore"
)

func cmd(pairs ...string) bsoncore.Document {
	b := bsoncore.NewDocumentBuilder()
	for i := 0; i < len(pairs); i += 2 {
		b.AppendString(pairs[i], pairs[i+1])
	}
	return b.Build()
}

func TestWriteLockKey(t *testing.T) {
	for name, tc := range map[string]struct {
		msg  []byte
		want string
	}{
		"insert":        {buildMsg(1, cmd("insert", "users", "$db", "app")), "app\x00users"},
		"update":        {buildMsg(1, cmd("update", "t", "$db", "app")), "app\x00t"},
		"delete":        {buildMsg(1, cmd("delete", "t", "$db", "app")), "app\x00t"},
		"findAndModify": {buildMsg(1, cmd("findAndModify", "jobs", "$db", "q")), "q\x00jobs"},
		"find":          {buildMsg(1, cmd("find", "users", "$db", "app")), ""},
		"aggregate":     {buildMsg(1, cmd("aggregate", "users", "$db", "app")), ""},
		"ping":          {buildMsg(1, bsoncore.NewDocumentBuilder().AppendInt32("ping", 1).Build()), ""},
		"truncated":     {buildMsg(1, cmd("insert", "users", "$db", "app"))[:30], ""},
		"not OP_MSG": {func() []byte {
			m := buildMsg(1, cmd("insert", "users", "$db", "app"))
			binary.LittleEndian.PutUint32(m[12:], 2004)
			return m
		}(), ""},
	} {
		t.Run(name, func(t *testing.T) {
			if got := writeLockKey(tc.msg); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestWriteLockKeyAfterDocumentSequence(t *testing.T) {
	body := cmd("update", "c", "$db", "d")
	seq := append([]byte{1}, binary.LittleEndian.AppendUint32(nil, uint32(4+len("updates")+1))...)
	seq = append(seq, "updates\x00"...)

	m := buildMsg(1, body)
	// move the body after a (empty) kind-1 section
	m = append(append(append([]byte{}, m[:20]...), seq...), m[20:]...)
	binary.LittleEndian.PutUint32(m, uint32(len(m)))
	if got := writeLockKey(m); got != "d\x00c" {
		t.Errorf("got %q", got)
	}
}

func TestMoreToCome(t *testing.T) {
	m := buildMsg(1, cmd("insert", "c", "$db", "d"))
	if moreToCome(m) {
		t.Fatal("unexpected moreToCome")
	}
	binary.LittleEndian.PutUint32(m[16:], flagMoreToCome)
	if !moreToCome(m) {
		t.Fatal("moreToCome not seen")
	}
}

func TestReadMsg(t *testing.T) {
	m := buildMsg(3, cmd("find", "c", "$db", "d"))
	var buf []byte
	r := bufio.NewReader(bytes.NewReader(append(append([]byte{}, m...), m...)))
	for i := 0; i < 2; i++ {
		got, err := readMsg(r, &buf, maxRequestLen)
		if err != nil || !bytes.Equal(got, m) {
			t.Fatalf("read %d: %v", i, err)
		}
	}
	if _, err := readMsg(r, &buf, maxRequestLen); err != io.EOF {
		t.Fatalf("want io.EOF, got %v", err)
	}

	if _, err := readMsg(bufio.NewReader(bytes.NewReader(m[:10])), &buf, maxRequestLen); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("truncated: got %v", err)
	}

	big := binary.LittleEndian.AppendUint32(nil, maxRequestLen+1)
	if _, err := readMsg(bufio.NewReader(bytes.NewReader(big)), &buf, maxRequestLen); !errors.Is(err, errBadLength) {
		t.Fatalf("oversized: got %v", err)
	}
}

func TestLockTable(t *testing.T) {
	lt := newLockTable()
	u1 := lt.lock("a")
	done := make(chan struct{})
	go func() {
		u := lt.lock("a")
		u()
		close(done)
	}()
	u2 := lt.lock("b") // other key is independent
	u2()
	select {
	case <-done:
		t.Fatal("second lock of a did not wait")
	default:
	}
	u1()
	<-done
	if len(lt.m) != 0 {
		t.Fatalf("entries left: %d", len(lt.m))
	}
}
