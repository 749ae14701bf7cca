package main

import (
	"bytes"
	"context"
	"log/slog"
	"testing"
)

// Issue 15: a step shows as one status line, rewritten in place, and any
// other output erases it first, so lines never run together.
func TestStatusLine(t *testing.T) {
	var out bytes.Buffer
	s := &statusWriter{w: &out, prefix: "ddlbot plan: "}
	log := slog.New(progressHandler{s})
	log.Info("create branch", "db", "shop", "branch", "b1", "parent", "main")
	log.Info("wait for PlanetScale's checks", "db", "shop", "deploy_request", 3)
	log.Debug("not shown")
	s.Write([]byte("ddlbot/shop: success\n"))
	s.Done()
	want := "\r\x1b[Kddlbot plan: create branch (shop, b1) …" +
		"\r\x1b[Kddlbot plan: wait for PlanetScale's checks (shop, deploy request #3) …" +
		"\r\x1b[Kddlbot/shop: success\n"
	if got := out.String(); got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
	// Off a terminal there is no status line at all.
	a := &app{stderr: &bytes.Buffer{}, getenv: func(string) string { return "" }}
	logger, done := a.withProgress(slog.New(slog.DiscardHandler), false, "x: ")
	defer done()
	if _, ok := a.stderr.(*bytes.Buffer); !ok || logger.Handler().Enabled(context.Background(), slog.LevelInfo) {
		t.Error("a status line off a terminal")
	}
}
