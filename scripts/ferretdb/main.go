// Command parley-ferretdb runs FerretDB v1 (embedded) on a private loopback port,
// behind a proxy on the public address that serialises write commands per
// collection (see proxy.go for why). It prints one line "ready <addr>" to stdout
// once both listen and a ping through the proxy has reached the backend.
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"
	"go.mongodb.org/mongo-driver/x/bsonx/bsoncore"
)

const shutdownTimeout = 10 * time.Second

func main() {
	os.Exit(run())
}

func run() int {
	var (
		listen         = flag.String("listen", "127.0.0.1:27017", "public `address` the application connects to (port 0 picks a free one; see the ready line)")
		handler        = flag.String("handler", "sqlite", "FerretDB backend: `sqlite` or postgresql")
		sqliteDir      = flag.String("sqlite-dir", "", "`directory` for the SQLite backend's files (created if missing)")
		postgresqlURL  = flag.String("postgresql-url", "", "PostgreSQL `URL` for the postgresql backend, e.g. postgres://parley:parley@127.0.0.1:5432/parley")
		logLevel       = flag.String("log-level", "error", "log `level` for stderr: debug, info, warn (also every failed command reply) or error")
		exitOnStdinEOF = flag.Bool("exit-on-stdin-eof", false, "exit when stdin reaches EOF (the parent process went away)")
		startupTimeout = flag.Duration("startup-timeout", 30*time.Second, "how long to wait for the backend to answer a ping before giving up")
		ginIndexes     = flag.Bool("gin-indexes", true, "postgresql: add the GIN indexes FerretDB's equality filters can use (indexer.go)")
		documentLocks  = flag.Bool("document-locks", true, "postgresql: writes that name their documents by _id lock those documents, not the whole collection (proxy.go)")
		maxStatements  = flag.Int64("write-statements", 12, "postgresql, with -document-locks: at most this many statements of such writes in flight at once (keep it under a third of pool_max_conns)")
	)
	flag.Parse()

	if flag.NArg() > 0 {
		fmt.Fprintf(os.Stderr, "unexpected arguments: %q\n", flag.Args())
		return 2
	}

	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		fmt.Fprintf(os.Stderr, "invalid -log-level %q: %s\n", *logLevel, err)
		return 2
	}
	logger := slog.New(quietHandler{slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level})})
	slog.SetDefault(logger) // stdout carries the ready line only

	cfg := &ferretdb.Config{
		Listener: ferretdb.ListenerConfig{TCP: "127.0.0.1:0"}, // private: the kernel picks a free port
		Logger:   logger,
		Handler:  *handler,
	}

	switch *handler {
	case "sqlite":
		if *sqliteDir == "" {
			fmt.Fprintln(os.Stderr, "-handler sqlite needs -sqlite-dir")
			return 2
		}
		dir, err := filepath.Abs(*sqliteDir)
		if err != nil {
			fmt.Fprintf(os.Stderr, "-sqlite-dir: %s\n", err)
			return 2
		}
		if strings.ContainsAny(dir, "?#%") {
			fmt.Fprintf(os.Stderr, "-sqlite-dir %q: '?', '#' and '%%' are not allowed (SQLite URI)\n", dir)
			return 2
		}
		if err = os.MkdirAll(dir, 0o755); err != nil {
			fmt.Fprintf(os.Stderr, "-sqlite-dir: %s\n", err)
			return 1
		}
		cfg.SQLiteURL = "file:" + strings.TrimSuffix(dir, "/") + "/"

	case "postgresql":
		if *postgresqlURL == "" {
			fmt.Fprintln(os.Stderr, "-handler postgresql needs -postgresql-url")
			return 2
		}
		cfg.PostgreSQLURL = *postgresqlURL
		if *ginIndexes {
			u, err := withCustomPlans(*postgresqlURL)
			if err != nil {
				fmt.Fprintf(os.Stderr, "-postgresql-url: %s\n", err)
				return 2
			}
			cfg.PostgreSQLURL = u
		}

	default:
		fmt.Fprintf(os.Stderr, "invalid -handler %q: sqlite or postgresql\n", *handler)
		return 2
	}

	// Stop on SIGINT/SIGTERM and, if asked, when stdin reaches EOF.
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)

	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM)
	go func() {
		s := <-sigs
		cancel(fmt.Errorf("signal %s", s))
	}()

	if *exitOnStdinEOF {
		go func() {
			_, err := io.Copy(io.Discard, os.Stdin)
			if err == nil {
				err = io.EOF
			}
			cancel(fmt.Errorf("stdin: %w", err))
		}()
	}

	// FerretDB binds its listener in New.
	fdb, err := ferretdb.New(cfg)
	if err != nil {
		logger.Error("cannot start FerretDB", "error", err)
		return 1
	}

	u, err := url.Parse(fdb.MongoDBURI())
	if err != nil || u.Host == "" {
		logger.Error("cannot get FerretDB's address", "uri", fdb.MongoDBURI(), "error", err)
		return 1
	}
	private := u.Host

	fdbCtx, fdbCancel := context.WithCancel(context.Background())
	defer fdbCancel()
	fdbDone := make(chan error, 1)
	go func() { fdbDone <- fdb.Run(fdbCtx) }()

	// stopFerretDB closes FerretDB's listener, connections and backend (flushes SQLite).
	stopFerretDB := func() {
		fdbCancel()
		select {
		case <-fdbDone:
		case <-time.After(shutdownTimeout):
			logger.Warn("FerretDB did not stop in time")
		}
	}

	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		logger.Error("cannot listen", "address", *listen, "error", err)
		stopFerretDB()
		return 1
	}

	// PostgreSQL: indexes that FerretDB's equality pushdown can use (indexer.go).
	var ix *indexer
	if *handler == "postgresql" && *ginIndexes {
		if ix, err = newIndexer(fdbCtx, cfg.PostgreSQLURL, logger); err != nil {
			logger.Error("cannot start the indexer", "error", err)
			stopFerretDB()
			return 1
		}
		go ix.run(fdbCtx)
	}

	var docs *docLocks
	if *handler == "postgresql" && *documentLocks {
		docs = newDocLocks(max(*maxStatements, 1))
	}
	p := newProxy(private, logger, ix, docs)
	proxyDone := make(chan error, 1)
	go func() { proxyDone <- p.serve(ln) }()

	shutdown := func() {
		_ = ln.Close()
		if !p.close(shutdownTimeout) {
			logger.Warn("proxy connections did not stop in time")
		}
		stopFerretDB()
	}

	public := ln.Addr().String()

	// A ping through the proxy reaches the backend (e.g. PostgreSQL login and database).
	if err = waitReady(ctx, public, *startupTimeout); err != nil {
		if ctx.Err() != nil {
			logger.Info("stopping before ready", "reason", context.Cause(ctx))
			shutdown()
			return 0
		}
		logger.Error("FerretDB does not answer through the proxy", "error", err)
		shutdown()
		return 1
	}

	if _, err = fmt.Fprintf(os.Stdout, "ready %s\n", public); err != nil {
		logger.Error("cannot write the ready line", "error", err)
		shutdown()
		return 1
	}
	logger.Info("ready", "public", public, "ferretdb", private, "handler", *handler)

	code := 0
	select {
	case <-ctx.Done():
		logger.Info("stopping", "reason", context.Cause(ctx))
	case err = <-fdbDone:
		logger.Error("FerretDB stopped unexpectedly", "error", err)
		fdbDone <- err // for stopFerretDB
		code = 1
	case err = <-proxyDone:
		logger.Error("proxy stopped unexpectedly", "error", err)
		code = 1
	}

	shutdown()
	return code
}

// waitReady pings through addr until the backend answers ok:1, ctx ends or timeout passes.
func waitReady(ctx context.Context, addr string, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	var err error
	for {
		if err = ping(addr, 5*time.Second); err == nil {
			return nil
		}
		if permanent(err) {
			return err
		}
		if time.Now().Add(500 * time.Millisecond).After(deadline) {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(500 * time.Millisecond):
		}
	}
}

// permanent reports whether a failed ping is not worth retrying: wrong PostgreSQL
// password or role (28P01, 28000), missing database (3D000).
func permanent(err error) bool {
	s := err.Error()
	for _, code := range []string{"SQLSTATE 28P01", "SQLSTATE 28000", "SQLSTATE 3D000"} {
		if strings.Contains(s, code) {
			return true
		}
	}
	return false
}

func ping(addr string, timeout time.Duration) error {
	c, err := net.DialTimeout("tcp", addr, timeout)
	if err != nil {
		return err
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(timeout))

	doc := bsoncore.NewDocumentBuilder().
		AppendInt32("ping", 1).
		AppendString("$db", "admin").
		Build()
	if _, err = c.Write(buildMsg(1, doc)); err != nil {
		return err
	}

	var buf []byte
	rep, err := readMsg(bufio.NewReader(c), &buf, maxReplyLen)
	if err != nil {
		return err
	}
	body, ok := msgBody(rep)
	if !ok {
		return errors.New("ping: unexpected reply")
	}
	okv, err := body.LookupErr("ok")
	if err != nil {
		return fmt.Errorf("ping: reply without ok: %s", body)
	}
	if f, isDouble := okv.DoubleOK(); isDouble && f == 1 {
		return nil
	}
	if i, isInt := okv.AsInt64OK(); isInt && i == 1 {
		return nil
	}
	return fmt.Errorf("ping: %s", body)
}
