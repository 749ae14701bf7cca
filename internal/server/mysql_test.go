package server

import (
	"context"
	"strings"
	"testing"
)

func TestMySQLDSN(t *testing.T) {
	for _, tc := range []struct {
		url, want, err string
	}{
		{url: "mysql://ddlbot:s3cret@db.internal:3307/ddlbot", want: "ddlbot:s3cret@tcp(db.internal:3307)/ddlbot?readTimeout=30s&timeout=5s&writeTimeout=30s"},
		{url: "mysql://ddlbot:s3cret@db.internal/ddlbot", want: "ddlbot:s3cret@tcp(db.internal:3306)/ddlbot?readTimeout=30s&timeout=5s&writeTimeout=30s"},
		{url: "mysql://ddlbot:p%40ss%3Aw%2Frd@127.0.0.1:3306/q", want: "ddlbot:p@ss:w/rd@tcp(127.0.0.1:3306)/q?readTimeout=30s&timeout=5s&writeTimeout=30s"},
		{url: "mysql://u@[::1]:3306/q?tls=skip-verify", want: "u@tcp([::1]:3306)/q?readTimeout=30s&timeout=5s&writeTimeout=30s&tls=skip-verify"},
		{url: "mysql://u@h/q?timeout=1s", want: "u@tcp(h:3306)/q?readTimeout=30s&timeout=5s&writeTimeout=30s&timeout=1s"}, // the URL's own comes last: it wins,
		{url: "mysql://u:s3cret@host:3306/", err: "names no database"},
		{url: "mysql://u:s3cret@host:3306/a/b", err: "names no database"},
		{url: "mysql://:s3cret@host:3306/q", err: "names no user"},
		{url: "mysql://u:s3cret@/q", err: "names no host"},
		{url: "mysql://u:s3cret@host:3306/q?timeout=soon", err: "timeout"},
		{url: "mysql://u:s3cret@host:3306/q%zz", err: "does not parse"},
		{url: "postgres://u:s3cret@host/q", err: "is not mysql://"},
	} {
		got, err := MySQLDSN(tc.url)
		switch {
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
			t.Errorf("%s: error %v, want one saying %q", tc.url, err, tc.err)
		case tc.err == "" && err != nil:
			t.Errorf("%s: %v", tc.url, err)
		case tc.err == "" && got != tc.want:
			t.Errorf("%s: DSN %q, want %q", tc.url, got, tc.want)
		}
		if err != nil && strings.Contains(err.Error(), "s3cret") {
			t.Errorf("%s: the error shows the password: %v", tc.url, err)
		}
	}
}

func TestOpenMySQLRefused(t *testing.T) {
	// Port 1 on loopback: nothing listens, the error names the store without its password.
	_, err := OpenMySQL(context.Background(), "mysql://u:s3cret@127.0.0.1:1/ddlbot")
	if err == nil || strings.Contains(err.Error(), "s3cret") || !strings.Contains(err.Error(), "127.0.0.1:1") {
		t.Fatalf("error %v: want one naming the store, not its password", err)
	}
}
