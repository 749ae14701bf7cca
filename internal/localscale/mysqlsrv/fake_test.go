package mysqlsrv

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
)

// fakeBackend is an in-memory Backend: users map to passwords, every session sees one schema.
type fakeBackend struct {
	db string

	mu      sync.Mutex
	users   map[string]string // user → password
	objects map[string]fakeObject
	ddl     []string

	// ddlHook, if set, answers ExecDDL before the default behaviour; a nil error lets the statement
	// be recorded.
	ddlHook func(ctx context.Context, sql string) error
	// authHook, if set, runs first in Authenticate.
	authHook func(user string)

	closed atomic.Int64 // sessions closed
}

type fakeObject struct {
	kind   Kind
	create string
}

func newFakeBackend() *fakeBackend {
	return &fakeBackend{
		db:    "shop",
		users: map[string]string{"bot": "s3cret", "nopass": ""},
		objects: map[string]fakeObject{
			"orders":       {KindTable, "CREATE TABLE `orders` (\n  `id` bigint NOT NULL,\n  `user_id` bigint NOT NULL,\n  PRIMARY KEY (`id`)\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_ai_ci"},
			"users":        {KindTable, "CREATE TABLE `users` (\n  `id` bigint NOT NULL,\n  `email` varchar(255) NOT NULL,\n  PRIMARY KEY (`id`)\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_ai_ci"},
			"active_users": {KindView, "CREATE ALGORITHM=UNDEFINED DEFINER=`root`@`%` SQL SECURITY DEFINER VIEW `active_users` AS select `users`.`id` AS `id` from `users`"},
		},
	}
}

func (b *fakeBackend) Authenticate(_ context.Context, user string, verify Verifier) (Session, error) {
	if b.authHook != nil {
		b.authHook(user)
	}
	b.mu.Lock()
	password, ok := b.users[user]
	b.mu.Unlock()
	if !ok || !verify(password) {
		return nil, errors.New("bad credentials")
	}
	return &fakeSession{b: b}, nil
}

func (b *fakeBackend) statements() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return slices.Clone(b.ddl)
}

type fakeSession struct {
	b      *fakeBackend
	closed atomic.Bool
}

func (s *fakeSession) Database() string { return s.b.db }

func (s *fakeSession) Tables(context.Context) ([]Object, error) {
	s.b.mu.Lock()
	defer s.b.mu.Unlock()
	var out []Object
	for name, o := range s.b.objects {
		out = append(out, Object{Name: name, Kind: o.kind})
	}
	slices.SortFunc(out, func(a, b Object) int { return strings.Compare(a.Name, b.Name) })
	return out, nil
}

func (s *fakeSession) ShowCreate(_ context.Context, name string) (Kind, string, error) {
	if name == "panic_table" {
		panic("show create exploded")
	}
	if name == "broken" {
		return "", "", errors.New("storage unavailable")
	}
	s.b.mu.Lock()
	defer s.b.mu.Unlock()
	o, ok := s.b.objects[name]
	if !ok {
		return "", "", fmt.Errorf("show create %s: %w", name, ErrNotFound)
	}
	return o.kind, o.create, nil
}

func (s *fakeSession) ExecDDL(ctx context.Context, sql string) error {
	if h := s.b.ddlHook; h != nil {
		if err := h(ctx, sql); err != nil {
			return err
		}
	}
	s.b.mu.Lock()
	defer s.b.mu.Unlock()
	s.b.ddl = append(s.b.ddl, sql)
	return nil
}

func (s *fakeSession) Close() error {
	if s.closed.CompareAndSwap(false, true) {
		s.b.closed.Add(1)
	}
	return nil
}

// captureHandler is an slog.Handler recording the "query" attribute of the server's query logs.
type captureHandler struct {
	mu      *sync.Mutex
	queries *[]string
}

func newCaptureHandler() *captureHandler {
	return &captureHandler{mu: &sync.Mutex{}, queries: new([]string)}
}

func (h *captureHandler) Enabled(context.Context, slog.Level) bool { return true }

func (h *captureHandler) Handle(_ context.Context, r slog.Record) error {
	if !strings.HasPrefix(r.Message, "mysqlsrv: query") {
		return nil
	}
	r.Attrs(func(a slog.Attr) bool {
		if a.Key == "query" {
			h.mu.Lock()
			*h.queries = append(*h.queries, a.Value.String())
			h.mu.Unlock()
		}
		return true
	})
	return nil
}

func (h *captureHandler) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h *captureHandler) WithGroup(string) slog.Handler      { return h }

func (h *captureHandler) take() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := *h.queries
	*h.queries = nil
	return out
}
