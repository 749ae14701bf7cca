package localscale

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sort"
	"time"

	"github.com/ddlbot/ddlbot/internal/localscale/mysqlsrv"
	ps "github.com/ddlbot/ddlbot/internal/planetscale"
	"github.com/ddlbot/ddlbot/schemadiff"
	vsd "vitess.io/vitess/go/vt/schemadiff"
	"vitess.io/vitess/go/vt/sqlparser"
)

// MySQLBackend returns the store as the backend of a mysqlsrv listener: a
// branch password's username and plain_text open a session on its branch.
func (s *Server) MySQLBackend() mysqlsrv.Backend { return mysqlBackend{s: s} }

// ListenMySQL starts the MySQL-protocol endpoint on addr (for example
// "127.0.0.1:0"). When Config.MySQLAddr was empty, the bound address becomes
// the access_host_url of passwords. Close stops the listener.
func (s *Server) ListenMySQL(addr string) (net.Addr, error) {
	srv, err := mysqlsrv.Listen(addr, s.MySQLBackend(), mysqlsrv.Options{Logger: s.log})
	if err != nil {
		return nil, fmt.Errorf("localscale: MySQL listener: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		_ = srv.Close()
		return nil, errors.New("localscale: server closed")
	}
	if s.cfg.MySQLAddr == "" {
		s.cfg.MySQLAddr = srv.Addr().String()
	}
	s.mysql = append(s.mysql, srv)
	return srv.Addr(), nil
}

type mysqlBackend struct{ s *Server }

// mysqlSession is one connection bound to a branch through a password.
type mysqlSession struct {
	s                    *Server
	org, db, branch      string
	branchID, passwordID string
	username, role       string
}

// Authenticate finds the password of user and lets verify check it.
func (b mysqlBackend) Authenticate(ctx context.Context, user string, verify mysqlsrv.Verifier) (mysqlsrv.Session, error) {
	s := b.s
	s.mu.Lock()
	var sess *mysqlSession
	var plain string
	now := s.clock.Now()
	for _, o := range s.st.Orgs {
		for _, d := range o.Databases {
			for _, br := range d.Branches {
				for _, p := range br.Passwords {
					if p.Username == user && (p.ExpiresAt == nil || now.Before(*p.ExpiresAt)) {
						sess = &mysqlSession{s: s, org: o.Name, db: d.Name, branch: br.Name, branchID: br.ID, passwordID: p.ID, username: user, role: p.Role}
						plain = p.PlainText
					}
				}
			}
		}
	}
	s.mu.Unlock()
	if sess == nil || !verify(plain) {
		return nil, fmt.Errorf("localscale: access denied for %q", user)
	}
	s.update(func(now time.Time) {
		if _, _, p := sess.lookup(); p != nil {
			p.LastUsed = &now
			s.dirty = true
		}
	})
	return sess, nil
}

// lookup finds the session's database, branch and password (nil when gone).
func (m *mysqlSession) lookup() (*database, *branch, *password) {
	d := m.s.database(m.org, m.db)
	if d == nil {
		return nil, nil, nil
	}
	br := d.branch(m.branch)
	if br == nil || br.ID != m.branchID {
		return d, nil, nil
	}
	_, p := findPassword(br, m.passwordID)
	return d, br, p
}

func (m *mysqlSession) gone() error {
	return mysqlsrv.NewError(1045, "28000", "Access denied for user '%s': the password or its branch was deleted", m.username)
}

// Database is the database the branch belongs to.
func (m *mysqlSession) Database() string { return m.db }

// Tables lists the branch's tables and views, sorted by name.
func (m *mysqlSession) Tables(ctx context.Context) ([]mysqlsrv.Object, error) {
	m.s.mu.Lock()
	defer m.s.mu.Unlock()
	_, br, p := m.lookup()
	if p == nil {
		return nil, m.gone()
	}
	tables, views := entityNames(m.s.sch.get(br.Schema))
	out := make([]mysqlsrv.Object, 0, len(tables)+len(views))
	for _, t := range tables {
		out = append(out, mysqlsrv.Object{Name: t, Kind: mysqlsrv.KindTable})
	}
	for _, v := range views {
		out = append(out, mysqlsrv.Object{Name: v, Kind: mysqlsrv.KindView})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// ShowCreate returns a table's or view's CREATE statement as MySQL prints it.
func (m *mysqlSession) ShowCreate(ctx context.Context, name string) (mysqlsrv.Kind, string, error) {
	m.s.mu.Lock()
	defer m.s.mu.Unlock()
	_, br, p := m.lookup()
	if p == nil {
		return "", "", m.gone()
	}
	sch := m.s.sch.get(br.Schema)
	text, ok := createStatement(sch, name)
	if !ok {
		return "", "", fmt.Errorf("table %s.%s: %w", m.db, name, mysqlsrv.ErrNotFound)
	}
	if sch.View(name) != nil {
		return mysqlsrv.KindView, text, nil
	}
	return mysqlsrv.KindTable, text, nil
}

// ExecDDL applies DDL to the branch's schema, refusing it on a branch with
// safe migrations, and answers errors as MySQL would word them.
func (m *mysqlSession) ExecDDL(ctx context.Context, sql string) error {
	var err error
	m.s.update(func(now time.Time) { err = m.execLocked(sql, now) })
	return err
}

func (m *mysqlSession) execLocked(sql string, now time.Time) error {
	s := m.s
	d, br, p := m.lookup()
	if p == nil {
		return m.gone()
	}
	stmts := s.env.ParseSource(schemadiff.NewSource("", sql))
	ran := false
	for _, st := range stmts {
		switch st.Kind {
		case schemadiff.KindInvalid:
			return mysqlsrv.SyntaxError(sql, st.Err.Origin.Offset)
		case schemadiff.KindNonSchema:
			if st.What == "comment" {
				continue
			}
			return mysqlsrv.NewError(1235, "42000", "localscale supports schema statements only: %s is not supported", st.What)
		case schemadiff.KindUnsupported:
			return mysqlsrv.NewError(1235, "42000", "%s is not supported by PlanetScale", st.What)
		}
		ran = true
		if m.role == ps.RoleReader {
			return mysqlsrv.NewError(1142, "42000", "DDL command denied to user '%s' (password role %s)", m.username, m.role)
		}
		if br.SafeMigrations {
			return mysqlsrv.DirectDDLDisabled()
		}
		b := s.env.NewBuilderFrom(s.sch.get(br.Schema))
		b.Apply([]schemadiff.Statement{st})
		res, err := b.Finish()
		if err != nil {
			return mysqlError(m.db, st, err)
		}
		br.Schema = s.sch.put(res)
		br.SchemaUpdatedAt = &now
		br.UpdatedAt = now
		s.recheckBranch(d, br.Name, now)
		s.dirty = true
	}
	if !ran {
		return mysqlsrv.NewError(1065, "42000", "Query was empty")
	}
	return nil
}

// mysqlError words a failed apply as MySQL does.
func mysqlError(db string, st schemadiff.Statement, err error) error {
	var le *schemadiff.LoadError
	if !errors.As(err, &le) || len(le.Problems) == 0 {
		return mysqlsrv.NewError(1105, "HY000", "%v", err)
	}
	p := le.Problems[0]
	var (
		tblNF  *vsd.ApplyTableNotFoundError
		viewNF *vsd.ApplyViewNotFoundError
		colNF  *vsd.ApplyColumnNotFoundError
		keyNF  *vsd.ApplyKeyNotFoundError
		dupEnt *vsd.ApplyDuplicateEntityError
		dupCol *vsd.ApplyDuplicateColumnError
		dupKey *vsd.ApplyDuplicateKeyError
	)
	_, isDropTable := st.AST.(*sqlparser.DropTable)
	_, isDropView := st.AST.(*sqlparser.DropView)
	switch e := p.Err; {
	case e == nil:
	case errors.As(e, &tblNF):
		if isDropTable {
			return mysqlsrv.NewError(1051, "42S02", "Unknown table '%s.%s'", db, tblNF.Table)
		}
		return mysqlsrv.NoSuchTable(db, tblNF.Table)
	case errors.As(e, &viewNF):
		if isDropView {
			return mysqlsrv.NewError(1051, "42S02", "Unknown table '%s.%s'", db, viewNF.View)
		}
		return mysqlsrv.NoSuchTable(db, viewNF.View)
	case errors.As(e, &colNF):
		if dropsColumn(st.AST, colNF.Column) {
			return mysqlsrv.NewError(1091, "42000", "Can't DROP '%s'; check that column/key exists", colNF.Column)
		}
		return mysqlsrv.UnknownColumn(colNF.Column, colNF.Table)
	case errors.As(e, &keyNF):
		return mysqlsrv.NewError(1091, "42000", "Can't DROP '%s'; check that column/key exists", keyNF.Key)
	case errors.As(e, &dupEnt):
		return mysqlsrv.TableExists(dupEnt.Entity)
	case errors.As(e, &dupCol):
		return mysqlsrv.NewError(1060, "42S21", "Duplicate column name '%s'", dupCol.Column)
	case errors.As(e, &dupKey):
		return mysqlsrv.NewError(1061, "42000", "Duplicate key name '%s'", dupKey.Key)
	}
	return mysqlsrv.NewError(1105, "HY000", "%s", p.Message)
}

func dropsColumn(ast sqlparser.Statement, col string) bool {
	at, ok := ast.(*sqlparser.AlterTable)
	if !ok {
		return false
	}
	for _, o := range at.AlterOptions {
		if dc, ok := o.(*sqlparser.DropColumn); ok && dc.Name.Name.EqualString(col) {
			return true
		}
	}
	return false
}
