package main

import (
	"context"
	"log/slog"
	"strings"
)

// quietHandler wraps FerretDB's logger. The PostgreSQL backend logs every failed SQL
// statement at ERROR, including unique-index violations, which are ordinary E11000
// replies to the client (Parley relies on them): those are demoted to DEBUG.
type quietHandler struct {
	slog.Handler
}

func (h quietHandler) Handle(ctx context.Context, r slog.Record) error {
	if r.Level > slog.LevelDebug && isUniqueViolation(r) {
		r.Level = slog.LevelDebug
		if !h.Handler.Enabled(ctx, r.Level) {
			return nil
		}
	}
	return h.Handler.Handle(ctx, r)
}

func (h quietHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return quietHandler{h.Handler.WithAttrs(attrs)}
}

func (h quietHandler) WithGroup(name string) slog.Handler {
	return quietHandler{h.Handler.WithGroup(name)}
}

// isUniqueViolation reports whether r carries an "err" attribute with PostgreSQL's
// unique_violation code.
func isUniqueViolation(r slog.Record) bool {
	found := false
	r.Attrs(func(a slog.Attr) bool {
		if a.Key == "err" && strings.Contains(a.Value.String(), "SQLSTATE 23505") {
			found = true
			return false
		}
		return true
	})
	return found
}
