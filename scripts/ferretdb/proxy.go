package main

// TCP proxy in front of FerretDB that makes single-document writes atomic.
//
// FerretDB v1 applies an update as a read followed by a separate write, so two
// concurrent updates of one document can overwrite each other and conditional
// updates (claims, compare-and-set) can have several winners. MongoDB makes each
// single-document write atomic and Parley relies on that. So every write command
// (insert/update/delete/findAndModify) holds a lock from forwarding it until its
// reply is back; reads and everything else pass straight through.
//
// Which lock: a write that may touch any document of a collection holds that
// collection exclusively. With document locks on (PostgreSQL), a write each of whose
// statements names its document by `_id` holds the collection shared and those
// documents exclusively, and inserts hold it shared and run one at a time: writes to
// different documents of one collection then overlap, as on MongoDB, and any two
// writes that could touch the same document still never do.

import (
	"bufio"
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/semaphore"
)

// lockTable hands out one mutex per key; entries are dropped when unused.
type lockTable struct {
	mu sync.Mutex
	m  map[string]*lockEntry
}

type lockEntry struct {
	mu   sync.Mutex
	refs int
}

func newLockTable() *lockTable {
	return &lockTable{m: make(map[string]*lockEntry)}
}

// lock blocks until key's mutex is held and returns the function that releases it.
func (t *lockTable) lock(key string) (unlock func()) {
	t.mu.Lock()
	e := t.m[key]
	if e == nil {
		e = new(lockEntry)
		t.m[key] = e
	}
	e.refs++
	t.mu.Unlock()

	e.mu.Lock()

	return func() {
		e.mu.Unlock()

		t.mu.Lock()
		e.refs--
		if e.refs == 0 {
			delete(t.m, key)
		}
		t.mu.Unlock()
	}
}

// collLock is one collection's lock (see the file comment).
type collLock struct {
	rw     sync.RWMutex
	insert sync.Mutex
	// exists: since the collection was last dropped, a write on it came back having written a
	// document or hit a unique index. Until then its writes take it exclusively: FerretDB
	// creates a collection on its first write, and creations at once can use up its pool.
	exists atomic.Bool
	// drops counts the drops seen: a write that started before one does not mark it existing.
	drops atomic.Int64
}

// docLocks are the per-document locks: one collLock per collection (kept while the process
// lives: a few dozen bytes each) and a lockTable keyed by collection and `_id`.
type docLocks struct {
	mu    sync.Mutex
	colls map[string]*collLock
	docs  *lockTable
	// statements bounds the statements of shared writes in flight at once. FerretDB holds a
	// database connection per statement of an update until the command ends and takes another
	// to write: with writes no longer one per collection, this keeps them inside its pool.
	statements    *semaphore.Weighted
	maxStatements int64
}

func newDocLocks(maxStatements int64) *docLocks {
	return &docLocks{
		colls:         make(map[string]*collLock),
		docs:          newLockTable(),
		statements:    semaphore.NewWeighted(maxStatements),
		maxStatements: maxStatements,
	}
}

func (d *docLocks) coll(key string) *collLock {
	d.mu.Lock()
	defer d.mu.Unlock()
	c := d.colls[key]
	if c == nil {
		c = new(collLock)
		d.colls[key] = c
	}
	return c
}

// dropped forgets that the collections under prefix (one collection's key, or "db\x00" for
// a whole database) exist.
func (d *docLocks) dropped(prefix string, whole bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	for key, c := range d.colls {
		if key == prefix || (whole && strings.HasPrefix(key, prefix)) {
			c.drops.Add(1)
			c.exists.Store(false)
		}
	}
}

// acquire takes the locks a write command needs and returns what releases them; the release
// is told whether the reply showed that the collection exists (replyShowsCollection).
func (d *docLocks) acquire(key, cmd string, req []byte) (release func(ok bool)) {
	c := d.coll(key)
	exclusive := func() func(bool) {
		c.rw.Lock()
		drops := c.drops.Load()
		return func(ok bool) {
			if ok {
				d.mu.Lock() // as dropped() does: a drop is seen either before this or after
				if c.drops.Load() == drops {
					c.exists.Store(true)
				}
				d.mu.Unlock()
			}
			c.rw.Unlock()
		}
	}
	if !c.exists.Load() {
		return exclusive()
	}
	if cmd == "insert" {
		// Inserts read nothing, but concurrent inserts of one unique key hung FerretDB.
		c.rw.RLock()
		c.insert.Lock()
		d.take(1)
		return func(bool) {
			d.statements.Release(1)
			c.insert.Unlock()
			c.rw.RUnlock()
		}
	}
	ids, n, ok := documentTargets(cmd, req)
	if !ok {
		return exclusive()
	}
	sort.Strings(ids) // one order for everyone: no two writes wait for each other's documents
	c.rw.RLock()
	unlocks := make([]func(), 0, len(ids))
	for i, id := range ids {
		if i > 0 && id == ids[i-1] {
			continue
		}
		unlocks = append(unlocks, d.docs.lock(key+"\x00"+id))
	}
	w := d.take(int64(n))
	return func(bool) {
		d.statements.Release(w)
		for _, u := range unlocks {
			u()
		}
		c.rw.RUnlock()
	}
}

// take waits for n statements' room (a command larger than the bound takes all of it).
func (d *docLocks) take(n int64) int64 {
	n = min(max(n, 1), d.maxStatements)
	_ = d.statements.Acquire(context.Background(), n) // never fails: the context is never done
	return n
}

type proxy struct {
	upstream string // FerretDB's private address
	locks    *lockTable
	// docs is nil when every write holds its collection (SQLite: one writer at a time anyway).
	docs    *docLocks
	l       *slog.Logger
	indexer *indexer // nil unless the backend is PostgreSQL

	mu     sync.Mutex
	conns  map[net.Conn]struct{}
	closed bool
	wg     sync.WaitGroup
}

func newProxy(upstream string, l *slog.Logger, ix *indexer, docs *docLocks) *proxy {
	return &proxy{
		upstream: upstream,
		locks:    newLockTable(),
		docs:     docs,
		l:        l,
		indexer:  ix,
		conns:    make(map[net.Conn]struct{}),
	}
}

// serve accepts connections until ln is closed (returns nil then).
func (p *proxy) serve(ln net.Listener) error {
	var backoff time.Duration
	for {
		c, err := ln.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) || p.isClosed() {
				return nil
			}
			// e.g. EMFILE: back off and retry instead of dying
			if backoff == 0 {
				backoff = 5 * time.Millisecond
			} else if backoff *= 2; backoff > time.Second {
				backoff = time.Second
			}
			p.l.Warn("proxy accept failed", "error", err, "retry_in", backoff)
			time.Sleep(backoff)
			continue
		}
		backoff = 0

		p.wg.Add(1)
		go p.handle(c)
	}
}

func (p *proxy) isClosed() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.closed
}

// track registers conns so that close can interrupt them; false if shutting down.
func (p *proxy) track(cs ...net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return false
	}
	for _, c := range cs {
		p.conns[c] = struct{}{}
	}
	return true
}

func (p *proxy) untrack(cs ...net.Conn) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range cs {
		delete(p.conns, c)
	}
}

// close closes all proxied connections (the caller closes the listener) and
// waits up to timeout for their goroutines; it reports whether they all ended.
func (p *proxy) close(timeout time.Duration) bool {
	p.mu.Lock()
	p.closed = true
	for c := range p.conns {
		_ = c.Close()
	}
	p.mu.Unlock()

	done := make(chan struct{})
	go func() {
		p.wg.Wait()
		close(done)
	}()

	select {
	case <-done:
		return true
	case <-time.After(timeout):
		return false
	}
}

// handle proxies one client connection over its own upstream connection.
//
// The driver sends one request per connection and waits for the reply, so the loop is
// synchronous: read a request, forward it, copy the reply (or the replies, while they
// carry moreToCome: exhaust cursors) back. A request with moreToCome gets no reply
// (see roundTrip).
// If the client half-closes after a request, that request is still answered.
func (p *proxy) handle(client net.Conn) {
	defer p.wg.Done()
	defer client.Close()

	up, err := net.DialTimeout("tcp", p.upstream, 10*time.Second)
	if err != nil {
		p.l.Error("proxy cannot reach FerretDB", "error", err)
		return
	}
	defer up.Close()

	if !p.track(client, up) {
		return
	}
	defer p.untrack(client, up)

	cr := bufio.NewReaderSize(client, 32<<10)
	ur := bufio.NewReaderSize(up, 32<<10)
	var reqBuf, repBuf []byte

	for {
		req, err := readMsg(cr, &reqBuf, maxRequestLen)
		if err != nil {
			if !errors.Is(err, io.EOF) && !errors.Is(err, net.ErrClosed) {
				p.l.Debug("proxy: client read", "error", err, "remote", client.RemoteAddr())
			}
			return
		}

		cmd, db, coll := commandTarget(req)
		var release func(ok bool)
		if key := lockKey(cmd, db, coll); key != "" {
			if p.docs != nil {
				release = p.docs.acquire(key, cmd, req)
			} else {
				unlock := p.locks.lock(key)
				release = func(bool) { unlock() }
			}
		}

		rep, err := p.roundTrip(req, client, up, ur, &repBuf)

		if release != nil {
			release(err == nil && replyShowsCollection(rep))
		}
		if p.docs != nil && err == nil {
			switch cmd {
			case "drop":
				p.docs.dropped(db+"\x00"+coll, false)
			case "dropDatabase":
				p.docs.dropped(db+"\x00", true)
			}
		}

		if p.indexer != nil && err == nil {
			p.noteIndexes(cmd, db, coll)
		}

		if err != nil {
			if !errors.Is(err, net.ErrClosed) {
				p.l.Debug("proxy: round trip", "error", err, "remote", client.RemoteAddr())
			}
			return
		}
	}
}

// roundTrip forwards req and copies its reply back to the client.
//
// FerretDB v1 answers every OP_MSG, even one flagged moreToCome (its clientconn never
// looks at the flag), but the client expects no reply then: that reply is read and
// dropped, so the stream stays in step, and a write's lock is held until FerretDB has
// applied it.
//
// It returns the last reply (aliasing *repBuf until the next read).
func (p *proxy) roundTrip(req []byte, client, up net.Conn, ur *bufio.Reader, repBuf *[]byte) ([]byte, error) {
	if _, err := up.Write(req); err != nil {
		return nil, err
	}

	forward := !moreToCome(req)

	for {
		rep, err := readMsg(ur, repBuf, maxReplyLen)
		if err != nil {
			if errors.Is(err, io.EOF) {
				err = io.ErrUnexpectedEOF // a reply was due
			}
			return nil, err
		}

		if forward {
			if _, err = client.Write(rep); err != nil {
				return nil, err
			}
		}

		if !moreToCome(rep) { // moreToCome on a reply: exhaust cursor, more replies follow
			return rep, nil
		}
	}
}

// noteIndexes tells the indexer which collection a command that came back used.
func (p *proxy) noteIndexes(cmd, db, coll string) {
	switch {
	case cmd == "dropDatabase":
		p.indexer.forgetDatabase(db)
	case lockedCommands[cmd]:
		p.indexer.note(db, coll, true, false)
	case readCommands[cmd]:
		p.indexer.note(db, coll, false, false)
	case changingCommands[cmd]:
		p.indexer.note(db, coll, false, true)
	}
}
