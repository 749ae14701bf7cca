package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/ddlbot/ddlbot/internal/logsafe"
)

// A long plan (thousands of migrations, PlanetScale's checks) shows what it
// is doing on a terminal: one status line on stderr, rewritten in place for
// each step the engine logs, and erased before anything else is printed.
// Off a terminal (a log, a pipe, the tests) nothing of it is written.

// statusWriter is stderr with a transient status line.
type statusWriter struct {
	mu     sync.Mutex
	w      io.Writer
	prefix string
	shown  bool
}

// Write erases the status line, then writes p.
func (s *statusWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.clearLocked()
	return s.w.Write(p)
}

// Status shows msg as the status line.
func (s *statusWriter) Status(msg string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	line := s.prefix + msg + " …"
	if utf8.RuneCountInString(line) > 100 {
		line = string([]rune(line)[:99]) + "…"
	}
	fmt.Fprintf(s.w, "\r\x1b[K%s", line)
	s.shown = true
}

// Done erases the status line.
func (s *statusWriter) Done() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.clearLocked()
}

func (s *statusWriter) clearLocked() {
	if s.shown {
		fmt.Fprint(s.w, "\r\x1b[K")
		s.shown = false
	}
}

// progressHandler turns the engine's Info records into status lines: the
// message and its names (database, branch, deploy request).
type progressHandler struct{ s *statusWriter }

func (h progressHandler) Enabled(_ context.Context, l slog.Level) bool { return l >= slog.LevelInfo }

func (h progressHandler) Handle(_ context.Context, r slog.Record) error {
	var parts []string
	r.Attrs(func(a slog.Attr) bool {
		switch a.Key {
		case "db", "branch", "folder":
			parts = append(parts, a.Value.String())
		case "deploy_request":
			parts = append(parts, "deploy request #"+a.Value.String())
		}
		return true
	})
	msg := r.Message
	if len(parts) > 0 {
		msg += " (" + strings.Join(parts, ", ") + ")"
	}
	h.s.Status(logsafe.Text(strings.ReplaceAll(msg, "\n", " ")))
	return nil
}

func (h progressHandler) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h progressHandler) WithGroup(string) slog.Handler      { return h }

// withProgress gives a plan or deploy a status line when stderr is a
// terminal and the steps are not logged already (--verbose). It returns the
// logger to use and a function that erases the line at the end.
func (a *app) withProgress(logger *slog.Logger, verbose bool, prefix string) (*slog.Logger, func()) {
	if verbose || !isTerminal(a.stderr) || a.getenv("TERM") == "dumb" {
		return logger, func() {}
	}
	s := &statusWriter{w: a.stderr, prefix: prefix}
	if isTerminal(a.stdout) {
		// Most likely the same terminal: the report on stdout must not
		// start on the status line's row.
		a.stdout = beside{s: s, w: a.stdout}
	}
	a.stderr = s
	return slog.New(progressHandler{s}), s.Done
}

// beside is stdout on the terminal of a status line: it erases the line
// before each write.
type beside struct {
	s *statusWriter
	w io.Writer
}

func (b beside) Write(p []byte) (int, error) {
	b.s.mu.Lock()
	defer b.s.mu.Unlock()
	b.s.clearLocked()
	return b.w.Write(p)
}
