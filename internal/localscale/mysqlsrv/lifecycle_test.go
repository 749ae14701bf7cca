package mysqlsrv

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha1"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/binary"
	"fmt"
	"io"
	"math/big"
	"net"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestMultiStatementsWithClientOption(t *testing.T) {
	b := newFakeBackend()
	b.ddlHook = func(_ context.Context, sql string) error {
		if strings.Contains(sql, "fails") {
			return TableExists("fails")
		}
		return nil
	}
	srv := startServer(t, b, Options{})
	cfg := config(srv, "bot", "s3cret")
	cfg.MultiStatements = true
	db := openDB(t, cfg)

	if _, err := db.Exec("CREATE TABLE a (id int);\n-- between\nCREATE TABLE b (id int);"); err != nil {
		t.Fatal(err)
	}
	_, err := db.Exec("CREATE TABLE c (id int); CREATE TABLE fails (id int); CREATE TABLE d (id int)")
	if me := asMySQLError(t, err); me.Number != 1050 {
		t.Errorf("got %v, want 1050", me)
	}
	want := []string{"CREATE TABLE a (id int)", "-- between\nCREATE TABLE b (id int)", "CREATE TABLE c (id int)"}
	if got := b.statements(); strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("backend got %q, want %q (statements run in order, up to the first error)", got, want)
	}
	if _, rows := query(t, db, "SELECT 1"); len(rows) != 1 {
		t.Errorf("SELECT 1 after a failed batch: %q", rows)
	}
}

func TestPanicBecomesError(t *testing.T) {
	b := newFakeBackend()
	b.ddlHook = func(_ context.Context, sql string) error {
		if strings.Contains(sql, "boom") {
			panic("backend exploded")
		}
		return nil
	}
	srv := startServer(t, b, Options{})
	db := openDB(t, config(srv, "bot", "s3cret"))
	ctx := context.Background()
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var before uint64
	if err := conn.QueryRowContext(ctx, "SELECT CONNECTION_ID()").Scan(&before); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"CREATE TABLE boom (id int)", "SHOW CREATE TABLE panic_table"} {
		_, err = conn.ExecContext(ctx, q)
		me := asMySQLError(t, err)
		if me.Number != 1105 || !strings.HasPrefix(me.Message, "localscale internal error: ") {
			t.Errorf("%s: got %d %q, want 1105 localscale internal error", q, me.Number, me.Message)
		}
	}
	// Same connection, still usable.
	var after uint64
	if err := conn.QueryRowContext(ctx, "SELECT CONNECTION_ID()").Scan(&after); err != nil {
		t.Fatalf("query after a panic: %v", err)
	}
	if before != after {
		t.Errorf("connection id changed from %d to %d: the connection did not survive", before, after)
	}
	if _, err := conn.ExecContext(ctx, "CREATE TABLE fine (id int)"); err != nil {
		t.Errorf("DDL after a panic: %v", err)
	}
}

func TestPreparedStatementsRefused(t *testing.T) {
	srv := startServer(t, newFakeBackend(), Options{})
	db := openDB(t, config(srv, "bot", "s3cret"))
	_, err := db.Exec("SELECT ?", 1)
	if me := asMySQLError(t, err); me.Number != 1295 {
		t.Errorf("got %v, want 1295", me)
	}
	// With interpolateParams the driver sends text queries, which work.
	cfg := config(srv, "bot", "s3cret")
	cfg.InterpolateParams = true
	var v string
	if err := openDB(t, cfg).QueryRow("SELECT ?", "x").Scan(&v); err != nil || v != "x" {
		t.Errorf("SELECT ? with interpolateParams: %q, %v", v, err)
	}
}

// serverGoroutines lists the goroutines of the server (accept loop and connections) still running.
func serverGoroutines() []string {
	buf := make([]byte, 1<<20)
	buf = buf[:runtime.Stack(buf, true)]
	var out []string
	for _, g := range strings.Split(string(buf), "\n\n") {
		if strings.Contains(g, "vitess.io/vitess/go/mysql.(*Listener)") || strings.Contains(g, "mysqlsrv.(*trackingListener)") {
			out = append(out, g)
		}
	}
	return out
}

// waitNoServerGoroutines fails unless the server's goroutines end; they are expected to be gone or
// to be returning when Close returns.
func waitNoServerGoroutines(t *testing.T) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		left := serverGoroutines()
		if len(left) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d server goroutines left after Close:\n%s", len(left), strings.Join(left, "\n\n"))
		}
		runtime.Gosched()
	}
}

func TestCloseWithOpenConnections(t *testing.T) {
	b := newFakeBackend()
	entered := make(chan struct{})
	b.ddlHook = func(ctx context.Context, sql string) error {
		if strings.Contains(sql, "slow") {
			close(entered)
			<-ctx.Done()
			return ctx.Err()
		}
		return nil
	}
	srv, err := Listen("127.0.0.1:0", b, Options{})
	if err != nil {
		t.Fatal(err)
	}
	db := openDB(t, config(srv, "bot", "s3cret"))
	ctx := context.Background()
	var conns []interface{ PingContext(context.Context) error }
	for range 5 {
		c, err := db.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		if err := c.PingContext(ctx); err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
	}
	// A query in flight, blocked in the backend until the server closes.
	slow := make(chan error, 1)
	go func() {
		_, err := db.ExecContext(ctx, "CREATE TABLE slow (id int)")
		slow <- err
	}()
	<-entered

	closed := make(chan error, 1)
	go func() { closed <- srv.Close() }()
	select {
	case err := <-closed:
		if err != nil {
			t.Errorf("Close: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Close did not return")
	}
	if err := <-slow; err == nil {
		t.Error("the query in flight succeeded after Close")
	}
	for i, c := range conns {
		if err := c.PingContext(ctx); err == nil {
			t.Errorf("connection %d still answers after Close", i)
		}
	}
	if err := srv.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if _, err := net.Dial("tcp", srv.Addr().String()); err == nil {
		t.Error("the listener still accepts after Close")
	}
	waitNoServerGoroutines(t)
	if n := b.closed.Load(); n < 6 {
		t.Errorf("%d sessions closed, want at least 6", n)
	}
}

func TestConcurrentConnections(t *testing.T) {
	b := newFakeBackend()
	srv := startServer(t, b, Options{})
	db := openDB(t, config(srv, "bot", "s3cret"))
	const workers, perWorker = 20, 20
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make(chan error, workers*perWorker)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			conn, err := db.Conn(ctx) // one connection per worker: 20 concurrent connections
			if err != nil {
				errs <- err
				return
			}
			defer conn.Close()
			for i := range perWorker {
				var err error
				switch i % 4 {
				case 0:
					var n int
					err = conn.QueryRowContext(ctx, "SELECT 1").Scan(&n)
				case 1:
					var rows interface{ Close() error }
					rows, err = conn.QueryContext(ctx, "SHOW FULL TABLES")
					if err == nil {
						err = rows.Close()
					}
				case 2:
					var name, create string
					err = conn.QueryRowContext(ctx, "SHOW CREATE TABLE orders").Scan(&name, &create)
				case 3:
					_, err = conn.ExecContext(ctx, fmt.Sprintf("CREATE TABLE t_%d_%d (id int)", w, i))
				}
				if err != nil {
					errs <- fmt.Errorf("worker %d query %d: %w", w, i, err)
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if got, want := len(b.statements()), workers*perWorker/4; got != want {
		t.Errorf("backend got %d DDL statements, want %d", got, want)
	}
}

// TestComInitDB speaks the protocol by hand: go-sql-driver never sends COM_INIT_DB.
func TestComInitDB(t *testing.T) {
	srv := startServer(t, newFakeBackend(), Options{})
	c, err := net.Dial("tcp", srv.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.SetDeadline(time.Now().Add(10 * time.Second)); err != nil {
		t.Fatal(err)
	}
	raw := &rawConn{t: t, c: c}

	// Handshake V10: version, connection id, salt part 1, ..., salt part 2, plugin name.
	hs := raw.read()
	if hs[0] != 10 {
		t.Fatalf("protocol version %d", hs[0])
	}
	version, rest, _ := strings.Cut(string(hs[1:]), "\x00")
	if version != DefaultServerVersion {
		t.Errorf("handshake server version %q, want %q", version, DefaultServerVersion)
	}
	r := []byte(rest)
	salt := append([]byte{}, r[4:12]...)
	r = r[12+1+2+1+2+2+1+10:]
	salt = append(salt, r[:12]...)
	plugin, _, _ := strings.Cut(string(r[13:]), "\x00")
	if plugin != "mysql_native_password" {
		t.Errorf("auth plugin %q", plugin)
	}

	// HandshakeResponse41 without a database.
	const caps = 0x00000001 | 0x00000200 | 0x00008000 | 0x00080000 | 0x00002000 // long password, protocol 41, secure conn, plugin auth, transactions
	resp := binary.LittleEndian.AppendUint32(nil, caps)
	resp = binary.LittleEndian.AppendUint32(resp, 1<<24)
	resp = append(resp, 255)
	resp = append(resp, make([]byte, 23)...)
	resp = append(resp, "bot\x00"...)
	scramble := nativeScramble(salt, "s3cret")
	resp = append(resp, byte(len(scramble)))
	resp = append(resp, scramble...)
	resp = append(resp, "mysql_native_password\x00"...)
	raw.write(1, resp)
	if ok := raw.read(); ok[0] != 0x00 {
		t.Fatalf("authentication failed: % x", ok)
	}

	raw.write(0, append([]byte{0x02}, "shop"...)) // COM_INIT_DB shop
	if ok := raw.read(); ok[0] != 0x00 {
		t.Errorf("COM_INIT_DB shop: % x", ok)
	}
	raw.write(0, append([]byte{0x02}, "other"...)) // COM_INIT_DB other
	p := raw.read()
	if p[0] != 0xff || binary.LittleEndian.Uint16(p[1:3]) != 1049 {
		t.Errorf("COM_INIT_DB other: % x", p)
	}
	raw.write(0, []byte{0x0e}) // COM_PING
	if ok := raw.read(); ok[0] != 0x00 {
		t.Errorf("COM_PING: % x", ok)
	}
	raw.write(0, []byte{0x01}) // COM_QUIT
}

type rawConn struct {
	t *testing.T
	c net.Conn
}

func (r *rawConn) read() []byte {
	r.t.Helper()
	var h [4]byte
	if _, err := io.ReadFull(r.c, h[:]); err != nil {
		r.t.Fatal(err)
	}
	n := int(h[0]) | int(h[1])<<8 | int(h[2])<<16
	p := make([]byte, n)
	if _, err := io.ReadFull(r.c, p); err != nil {
		r.t.Fatal(err)
	}
	return p
}

func (r *rawConn) write(seq byte, p []byte) {
	r.t.Helper()
	h := []byte{byte(len(p)), byte(len(p) >> 8), byte(len(p) >> 16), seq}
	if _, err := r.c.Write(append(h, p...)); err != nil {
		r.t.Fatal(err)
	}
}

// nativeScramble is mysql_native_password: SHA1(password) XOR SHA1(salt + SHA1(SHA1(password))).
func nativeScramble(salt []byte, password string) []byte {
	s1 := sha1.Sum([]byte(password))
	s2 := sha1.Sum(s1[:])
	h := sha1.New()
	h.Write(salt)
	h.Write(s2[:])
	out := h.Sum(nil)
	for i := range out {
		out[i] ^= s1[i]
	}
	return out
}

func TestTLS(t *testing.T) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "localscale test"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	srv := startServer(t, newFakeBackend(), Options{TLSConfig: &tls.Config{
		Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}},
		MinVersion:   tls.VersionTLS12,
	}})
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	cfg := config(srv, "bot", "s3cret")
	cfg.TLS = &tls.Config{RootCAs: pool, ServerName: "127.0.0.1", MinVersion: tls.VersionTLS12}
	_, rows := query(t, openDB(t, cfg), "SHOW TABLES")
	if len(rows) != 3 {
		t.Errorf("SHOW TABLES over TLS: %q", rows)
	}
	// Plain TCP still works on the same server.
	if err := openDB(t, config(srv, "bot", "s3cret")).Ping(); err != nil {
		t.Errorf("plain TCP next to TLS: %v", err)
	}
}
