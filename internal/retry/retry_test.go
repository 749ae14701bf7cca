package retry

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"
)

func TestSleep(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	if err := Sleep(ctx, 0); err != nil {
		t.Fatal(err)
	}
	cancel()
	if err := Sleep(ctx, time.Hour); !errors.Is(err, context.Canceled) {
		t.Fatalf("a cancelled context must end the wait at once: %v", err)
	}
	if err := Sleep(ctx, 0); !errors.Is(err, context.Canceled) {
		t.Fatalf("zero wait on a done context: %v", err)
	}
}

func TestRetryAfter(t *testing.T) {
	now := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"0", 0, true},
		{"5", 5 * time.Second, true},
		{" 30 ", 30 * time.Second, true},
		{"-1", 0, false},
		{"1.5", 0, false},
		{"soon", 0, false},
		{now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second, true},
		{now.Add(-time.Hour).Format(http.TimeFormat), 0, true},
		{"99999999999", 24 * time.Hour, true},
	} {
		got, ok := RetryAfter(tt.in, now)
		if got != tt.want || ok != tt.ok {
			t.Errorf("RetryAfter(%q) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestBackoff(t *testing.T) {
	const base, limit = 500 * time.Millisecond, 30 * time.Second
	for attempt, want := range []time.Duration{500 * time.Millisecond, time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 16 * time.Second, 30 * time.Second, 30 * time.Second} {
		if got := Backoff(attempt, base, limit, 1); got != want {
			t.Errorf("Backoff(%d, r=1) = %v, want %v", attempt, got, want)
		}
		if got := Backoff(attempt, base, limit, 0); got != want/2 {
			t.Errorf("Backoff(%d, r=0) = %v, want %v", attempt, got, want/2)
		}
	}
	if got := Backoff(1000, base, limit, 0.999); got > limit {
		t.Errorf("Backoff(1000) = %v", got)
	}
	if got := Backoff(0, time.Second, time.Minute, 7); got != 750*time.Millisecond {
		t.Errorf("an r out of range counts as 0.5: %v", got)
	}
}
