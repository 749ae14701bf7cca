package localscale

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/ddlbot/ddlbot/internal/localscale/mysqlsrv"
	"github.com/ddlbot/ddlbot/schemadiff"
)

// Server is the emulator: the PlanetScale HTTP API over an in-memory (and
// optionally persisted) model, a deploy state machine driven by a Clock, and
// webhook delivery. Its methods are safe for concurrent use.
type Server struct {
	cfg     Config
	env     *schemadiff.Env
	log     *slog.Logger
	clock   Clock
	handler http.Handler
	faults  *faultInjector
	client  *http.Client

	mu       sync.Mutex
	st       *state
	sch      *schemas
	dirty    bool
	closed   bool
	timer    Timer
	timerAt  time.Time
	timerGen int
	outbox   []*delivery
	inflight map[string]bool // webhook ids with a delivery on the wire
	mysql    []*mysqlsrv.Server
	apiURL   string   // the API root clients last used, for url fields in webhooks
	denied   []string // service token accesses the API refuses (DenyAccess)

	ctx    context.Context // cancelled by Close; bounds webhook deliveries
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

// New builds a server. With Config.StatePath set and the file present, the
// state is read back from it and every clock resumes where it was.
func New(cfg Config) (*Server, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	env, err := schemadiff.NewEnv("")
	if err != nil {
		return nil, fmt.Errorf("localscale: schema environment: %w", err)
	}
	s := &Server{
		cfg:      cfg,
		env:      env,
		log:      cfg.Logger,
		clock:    cfg.Clock,
		sch:      newSchemas(env),
		inflight: map[string]bool{},
		client: &http.Client{
			Timeout: cfg.WebhookTimeout,
			// PlanetScale does not follow redirects.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
	}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	s.st = &state{Version: stateVersion, Orgs: map[string]*orgState{}}
	if cfg.StatePath != "" {
		loaded, err := s.loadState(cfg.StatePath)
		if err != nil {
			return nil, err
		}
		if loaded {
			s.log.Info("localscale: state restored", "path", cfg.StatePath)
		}
	}
	// The service token: configured, else the one the state file kept, else new.
	if s.cfg.TokenID == "" && s.cfg.Token == "" && s.st.TokenID != "" && s.st.Token != "" {
		s.cfg.TokenID, s.cfg.Token = s.st.TokenID, s.st.Token
	}
	if s.cfg.TokenID == "" {
		s.cfg.TokenID = randString(12)
	}
	if s.cfg.Token == "" {
		s.cfg.Token = "pscale_tkn_" + randString(32)
	}
	if s.st.TokenID != s.cfg.TokenID || s.st.Token != s.cfg.Token {
		s.st.TokenID, s.st.Token = s.cfg.TokenID, s.cfg.Token
		s.dirty = true
	}
	if s.st.Orgs[cfg.Org] == nil {
		s.st.Orgs[cfg.Org] = &orgState{Name: cfg.Org, Databases: map[string]*database{}}
		s.dirty = true
	}
	s.denied = slices.Clone(cfg.DeniedAccess)
	s.faults = newFaultInjector(cfg.Faults)
	s.handler = s.routes()
	s.update(func(time.Time) {})
	return s, nil
}

// Token returns the service token id and token the API accepts.
func (s *Server) Token() (id, token string) { return s.cfg.TokenID, s.cfg.Token }

// Org returns the organization the server was configured with.
func (s *Server) Org() string { return s.cfg.Org }

// Handler returns the HTTP API. Paths are PlanetScale's under /v1, so a
// client's base URL is http://host:port/v1.
func (s *Server) Handler() http.Handler { return s.handler }

// Tick advances every state machine to the clock's current time and sends
// the webhooks that became due. The server calls it itself from a timer on
// its Clock; tests may call it directly.
func (s *Server) Tick() {
	s.update(func(time.Time) {})
}

// Close stops the background timer, abandons pending webhook deliveries,
// waits for the ones on the wire and writes the state a last time.
func (s *Server) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	if s.timer != nil {
		s.timer.Stop()
		s.timer = nil
	}
	s.outbox = nil
	s.cancel()
	listeners := s.mysql
	s.mysql = nil
	s.mu.Unlock()
	var errs []error
	for _, l := range listeners {
		if err := l.Close(); err != nil {
			errs = append(errs, fmt.Errorf("localscale: closing the MySQL listener: %w", err))
		}
	}
	s.wg.Wait()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cfg.StatePath != "" {
		if err := s.saveState(); err != nil {
			errs = append(errs, fmt.Errorf("localscale: %w", err))
		}
	}
	return errors.Join(errs...)
}

// SeedDatabase loads a declarative schema folder or a migrations folder (in
// fsys, at dir) into the production branch `main` of database db, creating
// the organization and the database when they do not exist. The production
// branch has safe migrations on.
func (s *Server) SeedDatabase(org, db string, fsys fs.FS, dir string) error {
	if !validName(org) || !validName(db) {
		return fmt.Errorf("localscale: seed %s/%s: names use lowercase letters, digits and hyphens", org, db)
	}
	schema, err := loadSchemaDir(s.env, fsys, dir)
	if err != nil {
		return fmt.Errorf("localscale: seed %s/%s from %s: %w", org, db, dir, err)
	}
	var serr error
	s.update(func(now time.Time) {
		o := s.st.Orgs[org]
		if o == nil {
			o = &orgState{Name: org, Databases: map[string]*database{}}
			s.st.Orgs[org] = o
		}
		d := o.Databases[db]
		if d == nil {
			d = s.newDatabase(org, db, now, s.cfg.RequireApproval, s.cfg.ForeignKeysEnabled)
			o.Databases[db] = d
		}
		main := d.production()
		if main == nil {
			serr = fmt.Errorf("localscale: seed %s/%s: the database has no production branch", org, db)
			return
		}
		h := s.sch.put(schema)
		main.Schema, main.Base = h, h
		main.SchemaUpdatedAt = ptr(now)
		main.UpdatedAt = now
		s.dirty = true
	})
	return serr
}

// HasDatabase reports whether a database exists.
func (s *Server) HasDatabase(org, db string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.database(org, db) != nil
}

// EnsureDatabase creates an empty database (with its production branch main)
// unless it exists.
func (s *Server) EnsureDatabase(org, db string) error {
	if !validName(org) || !validName(db) {
		return fmt.Errorf("localscale: database %s/%s: names use lowercase letters, digits and hyphens", org, db)
	}
	s.update(func(now time.Time) {
		o := s.st.Orgs[org]
		if o == nil {
			o = &orgState{Name: org, Databases: map[string]*database{}}
			s.st.Orgs[org] = o
		}
		if o.Databases[db] == nil {
			o.Databases[db] = s.newDatabase(org, db, now, s.cfg.RequireApproval, s.cfg.ForeignKeysEnabled)
			s.dirty = true
		}
	})
	return nil
}

// MySQLAddr is the address advertised as passwords' access_host_url.
func (s *Server) MySQLAddr() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.cfg.MySQLAddr
}

// SetRequireApproval turns the require_approval_for_deploy setting of a
// database on or off.
func (s *Server) SetRequireApproval(org, db string, on bool) error {
	var err error
	s.update(func(now time.Time) {
		var d *database
		if d, err = s.findDatabase(org, db); err != nil {
			return
		}
		d.RequireApproval = on
		d.UpdatedAt = now
		s.dirty = true
	})
	return err
}

// newDatabase makes a database with an empty, ready production branch main.
func (s *Server) newDatabase(org, name string, now time.Time, requireApproval, fks bool) *database {
	empty := s.sch.emptyHash()
	d := &database{ID: randString(12), Name: name, Org: org, Region: "us-east", RequireApproval: requireApproval,
		ForeignKeys: fks, CreatedAt: now, UpdatedAt: now, SlotFreeAt: now,
		MigrationTable: s.cfg.MigrationTableName, MigrationFramework: s.cfg.MigrationFramework}
	d.Branches = append(d.Branches, &branch{ID: randString(12), Name: "main", Production: true, SafeMigrations: true,
		Actor: defaultActor, CreatedAt: now, UpdatedAt: now, ReadyAt: now, ReadyNotified: true, Schema: empty, Base: empty})
	return d
}

func (s *Server) database(org, db string) *database {
	o := s.st.Orgs[org]
	if o == nil {
		return nil
	}
	return o.Databases[db]
}

// findDatabase is database for the methods tests call: an error names what
// does not exist.
func (s *Server) findDatabase(org, db string) (*database, error) {
	d := s.database(org, db)
	if d == nil {
		return nil, fmt.Errorf("localscale: database %s/%s not found", org, db)
	}
	return d, nil
}

// findBranch is findDatabase for a branch of the database.
func (s *Server) findBranch(org, db, name string) (*database, *branch, error) {
	d, err := s.findDatabase(org, db)
	if err != nil {
		return nil, nil, err
	}
	b := d.branch(name)
	if b == nil {
		return nil, nil, fmt.Errorf("localscale: branch %s of %s/%s not found", name, org, db)
	}
	return d, b, nil
}

// update runs fn under the lock with every state machine advanced to now,
// then advances again (fn may have made something due at once), saves the
// state when it changed, re-arms the wake-up timer and sends due webhooks.
func (s *Server) update(fn func(now time.Time)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.clock.Now()
	s.advanceLocked(now)
	fn(now)
	s.advanceLocked(now)
	s.finishLocked(now)
}

// finishLocked saves, re-arms the timer and starts due deliveries.
func (s *Server) finishLocked(now time.Time) {
	if s.dirty && s.cfg.StatePath != "" && !s.closed {
		if err := s.saveState(); err != nil {
			s.log.Error("localscale: saving state failed", "path", s.cfg.StatePath, "err", err)
		}
	}
	if s.dirty && s.cfg.StatePath == "" {
		s.sch.gc(s.referencedSchemas())
	}
	s.dirty = false
	s.dispatchLocked(now)
	s.rescheduleLocked(now)
}

// advanceLocked performs, in time order, every transition due by now.
func (s *Server) advanceLocked(now time.Time) {
	for _, o := range s.st.Orgs {
		for _, d := range o.Databases {
			s.advanceDatabase(d, now)
		}
	}
}

// rescheduleLocked arms the clock to wake the server at its next deadline.
func (s *Server) rescheduleLocked(now time.Time) {
	if s.closed {
		return
	}
	next, ok := s.nextDeadlineLocked()
	if !ok {
		if s.timer != nil {
			s.timer.Stop()
			s.timer = nil
		}
		return
	}
	if s.timer != nil && s.timerAt.Equal(next) {
		return
	}
	if s.timer != nil {
		s.timer.Stop()
	}
	d := next.Sub(now)
	if d < 0 {
		d = 0
	}
	s.timerAt = next
	s.timerGen++
	gen := s.timerGen
	s.timer = s.clock.AfterFunc(d, func() { s.wake(gen) })
}

// wake is the timer callback.
func (s *Server) wake(gen int) {
	s.mu.Lock()
	if s.timerGen == gen {
		s.timer = nil
		s.timerAt = time.Time{}
	}
	closed := s.closed
	s.mu.Unlock()
	if !closed {
		s.Tick()
	}
}

// nextDeadlineLocked is the earliest time something changes by itself.
func (s *Server) nextDeadlineLocked() (time.Time, bool) {
	var best time.Time
	found := false
	consider := func(t time.Time) {
		if !found || t.Before(best) {
			best, found = t, true
		}
	}
	for _, o := range s.st.Orgs {
		for _, d := range o.Databases {
			if t, _, ok := s.nextStep(d); ok {
				consider(t)
			}
		}
	}
	for _, dl := range s.outbox {
		if !s.inflight[dl.webhookID] {
			consider(dl.nextAt)
		}
	}
	return best, found
}

// randString returns n random lowercase letters and digits.
func randString(n int) string {
	const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(errors.New("localscale: no randomness: " + err.Error()))
	}
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}
