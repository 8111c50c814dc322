package main

// TCP proxy in front of FerretDB that serialises write commands per collection.
//
// FerretDB v1 applies an update as a read followed by a separate write, so two
// concurrent updates of one document can overwrite each other and conditional
// updates (claims, compare-and-set) can have several winners. MongoDB makes each
// single-document write atomic and Parley relies on that. Holding a mutex per
// (database, collection) from forwarding insert/update/delete/findAndModify until
// its reply is back restores that; reads and everything else stay concurrent.

import (
	"bufio"
	"errors"
	"io"
	"log/slog"
	"net"
	"sync"
	"time"
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

type proxy struct {
	upstream string // FerretDB's private address
	locks    *lockTable
	l        *slog.Logger
	indexer  *indexer // nil unless the backend is PostgreSQL

	mu     sync.Mutex
	conns  map[net.Conn]struct{}
	closed bool
	wg     sync.WaitGroup
}

func newProxy(upstream string, l *slog.Logger, ix *indexer) *proxy {
	return &proxy{
		upstream: upstream,
		locks:    newLockTable(),
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
		var unlock func()
		if key := lockKey(cmd, db, coll); key != "" {
			unlock = p.locks.lock(key)
		}

		err = p.roundTrip(req, client, up, ur, &repBuf)

		if unlock != nil {
			unlock()
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
func (p *proxy) roundTrip(req []byte, client, up net.Conn, ur *bufio.Reader, repBuf *[]byte) error {
	if _, err := up.Write(req); err != nil {
		return err
	}

	forward := !moreToCome(req)

	for {
		rep, err := readMsg(ur, repBuf, maxReplyLen)
		if err != nil {
			if errors.Is(err, io.EOF) {
				err = io.ErrUnexpectedEOF // a reply was due
			}
			return err
		}

		if forward {
			if _, err = client.Write(rep); err != nil {
				return err
			}
		}

		if !moreToCome(rep) { // moreToCome on a reply: exhaust cursor, more replies follow
			return nil
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
