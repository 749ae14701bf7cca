package mysqlsrv

import (
	"context"
	"crypto/subtle"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"runtime/debug"
	"sync"
	"time"

	"vitess.io/vitess/go/mysql"
	"vitess.io/vitess/go/mysql/sqlerror"
	querypb "vitess.io/vitess/go/vt/proto/query"
	"vitess.io/vitess/go/vt/vtenv"
)

// DefaultServerVersion is the server version a Server announces when Options.ServerVersion is empty.
const DefaultServerVersion = "8.0.40-localscale"

// Options configure a Server. The zero value is ready to use.
type Options struct {
	// Logger receives connection, query (at Debug) and panic (at Error) logs. Nil discards them.
	Logger *slog.Logger
	// ServerVersion is announced in the handshake and answers @@version and VERSION(); it must
	// start with a MySQL version number. Empty means DefaultServerVersion.
	ServerVersion string
	// TLSConfig, if set, lets clients upgrade to TLS (optional for them). Plain TCP is the
	// expected use on loopback.
	TLSConfig *tls.Config
}

// Server is a running MySQL-protocol endpoint. Create one with Listen and stop it with Close.
type Server struct {
	ln       *trackingListener
	vl       *mysql.Listener
	ctx      context.Context // canceled by Close; parent of every Backend call
	cancel   context.CancelFunc
	accepted chan struct{} // closed when the accept loop has returned

	closeOnce sync.Once
	closeErr  error
}

// Listen starts serving the MySQL protocol on the TCP address addr (for example "127.0.0.1:0"),
// answering with what backend gives. It returns once the address is bound: clients may connect as
// soon as it returns.
func Listen(addr string, backend Backend, opts Options) (*Server, error) {
	if backend == nil {
		return nil, errors.New("mysqlsrv: nil backend")
	}
	if opts.ServerVersion == "" {
		opts.ServerVersion = DefaultServerVersion
	}
	logger := opts.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	version, err := mysqlVersionPrefix(opts.ServerVersion)
	if err != nil {
		return nil, err
	}
	env, err := vtenv.New(vtenv.Options{MySQLServerVersion: version})
	if err != nil {
		return nil, fmt.Errorf("mysqlsrv: server version %q: %w", opts.ServerVersion, err)
	}

	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("mysqlsrv: %w", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	s := &Server{
		ln:       newTrackingListener(ln, logger),
		ctx:      ctx,
		cancel:   cancel,
		accepted: make(chan struct{}),
	}
	h := &handler{
		ctx:     ctx,
		env:     env,
		log:     logger,
		version: opts.ServerVersion,
	}
	auth := &authServer{ctx: ctx, backend: backend, log: logger}
	auth.methods = []mysql.AuthMethod{mysql.NewMysqlNativeAuthMethod(auth, auth)}

	vl, err := mysql.NewListenerWithConfig(mysql.ListenerConfig{
		Listener:           s.ln,
		AuthServer:         auth,
		Handler:            h,
		ConnReadBufferSize: 16 * 1024,
		FlushDelay:         100 * time.Millisecond,
	})
	if err != nil {
		cancel()
		_ = ln.Close()
		return nil, fmt.Errorf("mysqlsrv: %w", err)
	}
	vl.ServerVersion = opts.ServerVersion
	if opts.TLSConfig != nil {
		vl.TLSConfig.Store(opts.TLSConfig)
	}
	s.vl = vl
	go func() {
		defer close(s.accepted)
		vl.Accept()
	}()
	logger.Debug("mysqlsrv: listening", "addr", ln.Addr().String(), "version", opts.ServerVersion)
	return s, nil
}

// mysqlVersionPrefix returns the leading "X.Y.Z" of a server version such as "8.0.40-localscale".
func mysqlVersionPrefix(v string) (string, error) {
	end, dots := 0, 0
	for end < len(v) && (v[end] >= '0' && v[end] <= '9' || v[end] == '.' && dots < 2) {
		if v[end] == '.' {
			dots++
		}
		end++
	}
	if end == 0 || dots == 0 || v[end-1] == '.' {
		return "", fmt.Errorf("mysqlsrv: server version %q does not start with a MySQL version such as 8.0.40", v)
	}
	return v[:end], nil
}

// Addr returns the address the server listens on.
func (s *Server) Addr() net.Addr {
	return s.ln.Addr()
}

// Close stops accepting connections, closes the open ones, cancels the context of Backend and
// Session calls in flight, and returns once every connection goroutine has ended. A Backend call that
// ignores its context delays Close until it returns. Close is safe to call more than once.
func (s *Server) Close() error {
	s.closeOnce.Do(func() {
		s.cancel()
		s.vl.Shutdown() // closes s.ln; the accept loop returns
		<-s.accepted
		s.closeErr = s.ln.closeConns()
	})
	return s.closeErr
}

// trackingListener records the connections it accepts, so Close can close them and wait for the
// goroutines serving them. Vitess closes the net.Conn it was handed as the very last step of a
// connection's goroutine, which is when the connection is forgotten.
type trackingListener struct {
	net.Listener
	log *slog.Logger

	mu       sync.Mutex
	closed   bool
	closeErr error
	conns    map[*trackedConn]struct{}
	wg       sync.WaitGroup
}

func newTrackingListener(ln net.Listener, log *slog.Logger) *trackingListener {
	return &trackingListener{Listener: ln, log: log, conns: map[*trackedConn]struct{}{}}
}

// Accept retries temporary failures (such as running out of file descriptors) with a backoff, since
// Vitess' accept loop stops at the first error.
func (l *trackingListener) Accept() (net.Conn, error) {
	var delay time.Duration
	for {
		c, err := l.Listener.Accept()
		l.mu.Lock()
		closed := l.closed
		if err == nil && !closed {
			tc := &trackedConn{Conn: c, l: l}
			l.conns[tc] = struct{}{}
			l.wg.Add(1)
			l.mu.Unlock()
			return tc, nil
		}
		l.mu.Unlock()
		if closed || errors.Is(err, net.ErrClosed) {
			if c != nil {
				_ = c.Close()
			}
			return nil, net.ErrClosed
		}
		delay = min(max(2*delay, 5*time.Millisecond), time.Second)
		l.log.Warn("mysqlsrv: accept failed; retrying", "error", err, "delay", delay)
		time.Sleep(delay)
	}
}

// Close stops accepting connections.
func (l *trackingListener) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.closed {
		l.closed = true
		l.closeErr = l.Listener.Close()
	}
	return l.closeErr
}

// closeConns closes the connections still open and waits for their goroutines to end.
// It returns the error of closing the listener.
func (l *trackingListener) closeConns() error {
	err := l.Close()
	l.mu.Lock()
	for tc := range l.conns {
		_ = tc.Conn.Close() // the raw conn: the goroutine's own Close call does the bookkeeping
	}
	l.mu.Unlock()
	l.wg.Wait()
	return err
}

type trackedConn struct {
	net.Conn
	l    *trackingListener
	once sync.Once
}

func (c *trackedConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(func() {
		c.l.mu.Lock()
		delete(c.l.conns, c)
		c.l.mu.Unlock()
		c.l.wg.Done()
	})
	return err
}

// authServer offers mysql_native_password and checks the scramble against the backend.
type authServer struct {
	ctx     context.Context
	backend Backend
	log     *slog.Logger
	methods []mysql.AuthMethod
}

var (
	_ mysql.AuthServer    = (*authServer)(nil)
	_ mysql.HashStorage   = (*authServer)(nil)
	_ mysql.UserValidator = (*authServer)(nil)
)

func (a *authServer) AuthMethods() []mysql.AuthMethod { return a.methods }

func (a *authServer) DefaultAuthMethodDescription() mysql.AuthMethodDescription {
	return mysql.MysqlNativePassword
}

// HandleUser accepts every user name: whether it exists is the backend's business, and an unknown
// user must look the same as a wrong password.
func (a *authServer) HandleUser(string) bool { return true }

// UserEntryWithHash checks the client's mysql_native_password scramble of the 20-byte salt.
func (a *authServer) UserEntryWithHash(_ *mysql.Conn, salt []byte, user string, authResponse []byte, remoteAddr net.Addr) (g mysql.Getter, err error) {
	denied := func() error {
		host := "localhost"
		if remoteAddr != nil {
			if h, _, err := net.SplitHostPort(remoteAddr.String()); err == nil {
				host = h
			}
		}
		using := "NO"
		if len(authResponse) > 0 {
			using = "YES"
		}
		return sqlerror.NewSQLErrorf(sqlerror.ERAccessDeniedError, sqlerror.SSAccessDeniedError,
			"Access denied for user '%s'@'%s' (using password: %s)", user, host, using)
	}
	defer func() {
		if r := recover(); r != nil {
			a.log.Error("mysqlsrv: panic while authenticating", "user", user, "panic", r, "stack", string(debug.Stack()))
			g, err = nil, denied()
		}
	}()
	salt = append([]byte(nil), salt...)
	response := append([]byte(nil), authResponse...)
	verify := func(password string) bool {
		if password == "" {
			return len(response) == 0
		}
		want := mysql.ScrambleMysqlNativePassword(salt, []byte(password))
		return subtle.ConstantTimeCompare(want, response) == 1
	}
	session, err := a.backend.Authenticate(a.ctx, user, verify)
	if err != nil {
		var own *SQLError
		if errors.As(err, &own) {
			return nil, own.vitess()
		}
		a.log.Info("mysqlsrv: access denied", "user", user, "remote", fmt.Sprint(remoteAddr), "reason", err)
		return nil, denied()
	}
	if session == nil {
		a.log.Error("mysqlsrv: backend returned neither a session nor an error", "user", user)
		return nil, denied()
	}
	return &userData{user: user, session: session}, nil
}

// userData is what an authenticated connection carries in mysql.Conn.UserData.
type userData struct {
	user    string
	session Session
}

func (u *userData) Get() *querypb.VTGateCallerID {
	return &querypb.VTGateCallerID{Username: u.user}
}
