package main

// Minimal MongoDB wire-protocol helpers: just enough to frame messages and to
// recognise the write commands that must be serialised per collection.

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"go.mongodb.org/mongo-driver/bson/bsontype"
	"go.mongodb.org/mongo-driver/x/bsonx/bsoncore"
)

const (
	opMsg = 2013 // OP_MSG

	msgHeaderLen = 16 // messageLength, requestID, responseTo, opCode

	flagChecksumPresent = 1 << 0
	flagMoreToCome      = 1 << 1

	// maxRequestLen is MongoDB's (and FerretDB's) maxMessageSizeBytes.
	maxRequestLen = 48_000_000
	// maxReplyLen is a little more generous: the proxy must never reject a reply
	// FerretDB itself chose to send.
	maxReplyLen = 64 << 20

	// Buffers above this size are not kept for reuse by an idle connection.
	keepBufLen = 1 << 20
)

var errBadLength = errors.New("invalid message length")

// readMsg reads one length-prefixed wire message from r.
//
// It returns io.EOF only if the stream ended cleanly between two messages.
// The returned slice aliases *buf (reused between calls) unless the message is big.
func readMsg(r *bufio.Reader, buf *[]byte, max int) ([]byte, error) {
	var hdr [4]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		return nil, err // io.EOF when nothing was read, io.ErrUnexpectedEOF otherwise
	}

	n := int(int32(binary.LittleEndian.Uint32(hdr[:])))
	if n < msgHeaderLen || n > max {
		return nil, fmt.Errorf("%w: %d", errBadLength, n)
	}

	var b []byte
	switch {
	case n > keepBufLen:
		b = make([]byte, n)
	case cap(*buf) >= n:
		b = (*buf)[:n]
	default:
		*buf = make([]byte, n, max2(n, 16<<10))
		b = *buf
	}

	copy(b, hdr[:])
	if _, err := io.ReadFull(r, b[4:]); err != nil {
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		return nil, err
	}

	return b, nil
}

func max2(a, b int) int {
	if a > b {
		return a
	}
	return b
}

func opCode(msg []byte) int32 {
	return int32(binary.LittleEndian.Uint32(msg[12:16]))
}

// msgFlags returns OP_MSG flag bits; ok is false for other opcodes or a truncated message.
func msgFlags(msg []byte) (flags uint32, ok bool) {
	if len(msg) < msgHeaderLen+4 || opCode(msg) != opMsg {
		return 0, false
	}
	return binary.LittleEndian.Uint32(msg[16:20]), true
}

// moreToCome reports whether msg is an OP_MSG with the moreToCome flag:
// for a request it means no reply follows; for a reply, that another reply follows.
func moreToCome(msg []byte) bool {
	flags, ok := msgFlags(msg)
	return ok && flags&flagMoreToCome != 0
}

// sections walks an OP_MSG's sections in order, handing visit each one's kind and bytes (from
// its int32 length on) until visit returns true. ok is false for another opcode or a malformed
// message (the sections before the fault were still visited).
func sections(msg []byte, visit func(kind byte, section []byte) (stop bool)) (ok bool) {
	flags, ok := msgFlags(msg)
	if !ok {
		return false
	}

	end := len(msg)
	if flags&flagChecksumPresent != 0 {
		end -= 4
	}

	for pos := msgHeaderLen + 4; pos < end; {
		kind := msg[pos]
		pos++
		if pos+4 > end {
			return false
		}
		l := int(int32(binary.LittleEndian.Uint32(msg[pos : pos+4])))

		switch kind {
		case 0: // body: exactly one BSON document
			if l < 5 || l > end-pos {
				return false
			}
		case 1: // document sequence: int32 size (including itself), cstring id, documents
			if l < 4 || l > end-pos {
				return false
			}
		default: // kind 2 is internal to MongoDB; anything else is unknown
			return false
		}
		if visit(kind, msg[pos:pos+l]) {
			return true
		}
		pos += l
	}

	return true
}

// msgBody returns the kind-0 section (the command document) of an OP_MSG.
func msgBody(msg []byte) (bsoncore.Document, bool) {
	var body bsoncore.Document
	ok := sections(msg, func(kind byte, section []byte) bool {
		if kind == 0 {
			body = bsoncore.Document(section)
			return true
		}
		return false
	})
	return body, ok && body != nil
}

// lockedCommands are the commands that read and then write documents; FerretDB v1
// does that non-atomically, so they are serialised per collection.
var lockedCommands = map[string]bool{
	"insert":        true,
	"update":        true,
	"delete":        true,
	"findAndModify": true,
	"findandmodify": true, // legacy spelling, still accepted by MongoDB
}

// writeLockKey returns the per-collection lock key ("db\x00collection") for a
// write command, or "" if msg needs no lock.
func writeLockKey(msg []byte) string {
	return lockKey(commandTarget(msg))
}

// lockKey is writeLockKey for a command already parsed by commandTarget.
func lockKey(cmd, db, coll string) string {
	if !lockedCommands[cmd] || coll == "" {
		return "" // not a write, or malformed (FerretDB will reject it)
	}
	return db + "\x00" + coll
}

// readCommands read a collection's documents: with the writes (lockedCommands), the commands
// after which the indexer looks at their collection (indexer.go).
var readCommands = map[string]bool{"find": true, "count": true, "aggregate": true, "distinct": true}

// changingCommands change a collection's indexes, or the collection itself.
var changingCommands = map[string]bool{"createIndexes": true, "dropIndexes": true, "create": true, "drop": true}

// commandTarget returns a command's name, database and collection ("" when it names none).
func commandTarget(msg []byte) (cmd, db, coll string) {
	body, ok := msgBody(msg)
	if !ok {
		return "", "", ""
	}
	first, err := body.IndexErr(0)
	if err != nil {
		return "", "", ""
	}
	if cmd, err = first.KeyErr(); err != nil {
		return "", "", ""
	}
	if v, err := first.ValueErr(); err == nil {
		coll, _ = v.StringValueOK()
	}
	if v, err := body.LookupErr("$db"); err == nil {
		db, _ = v.StringValueOK()
	}
	return cmd, db, coll
}

// buildMsg builds an OP_MSG request with a single body document.
func buildMsg(requestID int32, doc bsoncore.Document) []byte {
	n := msgHeaderLen + 4 + 1 + len(doc)
	b := make([]byte, 0, n)
	b = binary.LittleEndian.AppendUint32(b, uint32(n))
	b = binary.LittleEndian.AppendUint32(b, uint32(requestID))
	b = binary.LittleEndian.AppendUint32(b, 0)     // responseTo
	b = binary.LittleEndian.AppendUint32(b, opMsg) // opCode
	b = binary.LittleEndian.AppendUint32(b, 0)     // flags
	b = append(b, 0)                               // section kind 0
	return append(b, doc...)
}

// statementArrays names, per write command, where its statements are (an array in the body or
// a kind-1 document sequence of that name) and which field of a statement is its filter.
var statementArrays = map[string]struct{ list, filter string }{
	"update": {"updates", "q"},
	"delete": {"deletes", "q"},
}

// writeFilters returns the filter of every statement of an update, delete or findAndModify
// command (ok is false for other commands or anything it cannot read).
func writeFilters(cmd string, msg []byte) (filters []bsoncore.Document, ok bool) {
	body, ok := msgBody(msg)
	if !ok {
		return nil, false
	}
	if cmd == "findAndModify" || cmd == "findandmodify" {
		q, n := only(body, "query")
		d, isDoc := q.DocumentOK()
		if n != 1 || !isDoc {
			return nil, false
		}
		return []bsoncore.Document{d}, true
	}
	where, known := statementArrays[cmd]
	if !known {
		return nil, false
	}
	var statements []bsoncore.Document
	list, n := only(body, where.list)
	if n > 1 {
		return nil, false
	}
	if arr, isArr := list.ArrayOK(); n == 1 && isArr {
		values, err := arr.Values()
		if err != nil {
			return nil, false
		}
		for _, v := range values {
			d, isDoc := v.DocumentOK()
			if !isDoc {
				return nil, false
			}
			statements = append(statements, d)
		}
	}
	seq, ok := documentSequence(msg, where.list)
	if !ok {
		return nil, false
	}
	statements = append(statements, seq...)
	if len(statements) == 0 {
		return nil, false
	}
	for _, s := range statements {
		q, n := only(s, where.filter)
		d, isDoc := q.DocumentOK()
		if n != 1 || !isDoc {
			return nil, false
		}
		filters = append(filters, d)
	}
	return filters, true
}

// only returns key's value in doc and how many times key occurs there (0 when doc cannot be
// read). bsoncore's Lookup returns a key's first value, but FerretDB takes its last: a write is
// read for its documents only when every key that says which documents it touches occurs once.
func only(doc bsoncore.Document, key string) (v bsoncore.Value, n int) {
	elems, err := doc.Elements()
	if err != nil {
		return bsoncore.Value{}, 0
	}
	for _, e := range elems {
		if e.Key() == key {
			v = e.Value()
			n++
		}
	}
	return v, n
}

// documentSequence returns the documents of an OP_MSG's kind-1 sections named id (none when
// there is no such section); ok is false for a malformed message.
func documentSequence(msg []byte, id string) (docs []bsoncore.Document, ok bool) {
	bad := false
	ok = sections(msg, func(kind byte, section []byte) bool {
		if kind != 1 {
			return false
		}
		name := bytes.IndexByte(section[4:], 0)
		if name < 0 {
			bad = true
			return true
		}
		if string(section[4:4+name]) != id {
			return false
		}
		for rest := section[4+name+1:]; len(rest) > 0; {
			doc, remaining, read := bsoncore.ReadDocument(rest)
			if !read {
				bad = true
				return true
			}
			docs = append(docs, doc)
			rest = remaining
		}
		return false
	})
	return docs, ok && !bad
}

// documentTargets returns, for a write command each of whose statements names one document by
// `_id` (an ObjectId or a string: values whose equality is their bytes), those `_id`s as
// strings; ok is false when any statement could touch another document (or when the command
// cannot be read). A filter such as {_id: X, processedAt: {$exists: false}} names X.
func documentTargets(cmd string, msg []byte) (ids []string, statements int, ok bool) {
	filters, ok := writeFilters(cmd, msg)
	if !ok {
		return nil, 0, false
	}
	for _, f := range filters {
		v, n := only(f, "_id")
		if n != 1 || (v.Type != bsontype.ObjectID && v.Type != bsontype.String) {
			return nil, 0, false
		}
		ids = append(ids, string(byte(v.Type))+string(v.Data))
	}
	return ids, len(filters), true
}

// replyShowsCollection reports whether a write's reply shows that its collection exists: ok,
// and a document written (`n`, or findAndModify's `lastErrorObject.n`) or a duplicate key
// refused by a unique index. An update that matched nothing or a refused write shows nothing.
func replyShowsCollection(rep []byte) bool {
	body, ok := msgBody(rep)
	if !ok {
		return false
	}
	if v, isNum := body.Lookup("ok").AsInt64OK(); !isNum || v != 1 {
		return false
	}
	if n, isNum := body.Lookup("n").AsInt64OK(); isNum && n > 0 {
		return true
	}
	if leo, isDoc := body.Lookup("lastErrorObject").DocumentOK(); isDoc {
		if n, isNum := leo.Lookup("n").AsInt64OK(); isNum && n > 0 {
			return true
		}
	}
	if errs, isArr := body.Lookup("writeErrors").ArrayOK(); isArr {
		values, err := errs.Values()
		if err != nil {
			return false
		}
		for _, v := range values {
			if d, isDoc := v.DocumentOK(); isDoc {
				if code, isNum := d.Lookup("code").AsInt64OK(); isNum && code == 11000 {
					return true
				}
			}
		}
	}
	return false
}
