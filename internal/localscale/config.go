package localscale

import (
	"errors"
	"fmt"
	"log/slog"
	"time"
)

// Config configures a Server. The zero value works: an in-memory emulator of
// organization "localscale" with a generated service token.
type Config struct {
	// Org is the organization the emulator serves (default "localscale").
	// SeedDatabase may add others.
	Org string
	// TokenID and Token are the service token the API accepts, as
	// `Authorization: <TokenID>:<Token>` or `Authorization: Bearer <Token>`.
	// Both are generated when empty; read them back with Server.Token.
	TokenID, Token string
	// Clock drives every transition (default RealClock). Tests pass a
	// FakeClock and call Advance.
	Clock Clock
	// Speed multiplies how fast deploy operations progress (default 1; 10
	// makes a deployment ten times faster). The revert window and branch
	// readiness do not scale.
	Speed float64
	// BranchReadyDelay is how long a new branch stays pending (default 2s).
	BranchReadyDelay time.Duration
	// CheckDelay is how long a deploy request's checks run (default 1s).
	CheckDelay time.Duration
	// RevertWindow is how long a deployed change can be reverted (default 30m).
	RevertWindow time.Duration
	// OperationDuration is how long an ALTER of one table takes at speed 1
	// (default 20s); creating or dropping a table takes a quarter of it.
	OperationDuration time.Duration
	// BackupStartDelay is how long a new backup stays pending (default 1s);
	// BackupDuration how long it then runs until success (default 30s).
	// Neither scales with Speed.
	BackupStartDelay, BackupDuration time.Duration
	// BackupSize is the size of every backup in bytes (default: 64 KiB per
	// table of the branch).
	BackupSize int64
	// DeniedAccess are service token accesses the token lacks (e.g.
	// write_backups): the calls that need them are answered 403. See also
	// Server.DenyAccess.
	DeniedAccess []string
	// StatePath, when set, is a JSON file the state is written to after each
	// change (atomically) and read back by New.
	StatePath string
	// Faults injects failures into the HTTP API.
	Faults Faults
	// MySQLAddr is the host:port of the MySQL listener, advertised as
	// passwords' access_host_url and branches' mysql_address.
	MySQLAddr string
	// AppURL is where html_url links point (default: localscale's own
	// read-only pages under /app on the address the client used).
	AppURL string
	// NoPages leaves html_url links empty and serves no pages: for an
	// in-process server whose pages would vanish with the command.
	NoPages bool
	// RequireApproval is the require_approval_for_deploy setting of databases
	// created by SeedDatabase (create-database takes it from the body).
	RequireApproval bool
	// ForeignKeysEnabled is the foreign_keys_enabled setting of databases
	// created by SeedDatabase (create-database takes it from the body).
	ForeignKeysEnabled bool
	// MigrationTableName and MigrationFramework are the migration data
	// copying settings (migration_table_name, migration_framework) of the
	// databases localscale creates: the table whose rows PlanetScale copies
	// from a branch on deploy. Empty: copying is off.
	MigrationTableName, MigrationFramework string
	// WebhookTimeout bounds one webhook delivery (default 2s, as PlanetScale).
	WebhookTimeout time.Duration
	// Logger receives the emulator's logs (default: discarded).
	Logger *slog.Logger
}

// Faults makes the HTTP API misbehave on purpose, deterministically for a
// given Seed and sequence of requests.
type Faults struct {
	// ErrorRate is the fraction of requests answered 500 `{}` before they are
	// handled (0 to 1).
	ErrorRate float64
	// LostResponseRate is the fraction of requests that are handled but
	// answered 500 `{}`, as when a response is lost after the change was made.
	LostResponseRate float64
	// Latency is added to every request (a real sleep).
	Latency time.Duration
	// RateLimitEvery answers every Nth request 429 (0: never).
	RateLimitEvery int
	// RateLimitRate is the fraction of requests answered 429 (0 to 1).
	RateLimitRate float64
	// RetryAfter is the Retry-After of a 429 (default 1s; whole seconds).
	RetryAfter time.Duration
	// Seed seeds the random choices.
	Seed int64
}

func (f Faults) active() bool {
	return f.ErrorRate > 0 || f.LostResponseRate > 0 || f.Latency > 0 || f.RateLimitEvery > 0 || f.RateLimitRate > 0
}

// withDefaults fills the zero fields.
func (c Config) withDefaults() (Config, error) {
	if c.Org == "" {
		c.Org = "localscale"
	}
	if !validName(c.Org) {
		return c, fmt.Errorf("localscale: organization name %q: use lowercase letters, digits and hyphens", c.Org)
	}
	if c.Clock == nil {
		c.Clock = RealClock{}
	}
	if c.Speed == 0 {
		c.Speed = 1
	}
	if c.Speed < 0 {
		return c, errors.New("localscale: speed must be positive")
	}
	if c.BranchReadyDelay == 0 {
		c.BranchReadyDelay = 2 * time.Second
	}
	if c.CheckDelay == 0 {
		c.CheckDelay = time.Second
	}
	if c.RevertWindow == 0 {
		c.RevertWindow = 30 * time.Minute
	}
	if c.OperationDuration == 0 {
		c.OperationDuration = 20 * time.Second
	}
	if c.BackupStartDelay == 0 {
		c.BackupStartDelay = defaultBackupStartDelay
	}
	if c.BackupDuration == 0 {
		c.BackupDuration = defaultBackupDuration
	}
	if c.WebhookTimeout == 0 {
		c.WebhookTimeout = 2 * time.Second
	}
	if c.Faults.RetryAfter == 0 {
		c.Faults.RetryAfter = time.Second
	}
	for _, r := range []float64{c.Faults.ErrorRate, c.Faults.LostResponseRate, c.Faults.RateLimitRate} {
		if r < 0 || r > 1 {
			return c, errors.New("localscale: fault rates must be between 0 and 1")
		}
	}
	if c.BranchReadyDelay < 0 || c.CheckDelay < 0 || c.RevertWindow < 0 || c.OperationDuration < 0 || c.Faults.RateLimitEvery < 0 ||
		c.BackupStartDelay < 0 || c.BackupDuration < 0 || c.BackupSize < 0 {
		return c, errors.New("localscale: delays and counts must not be negative")
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return c, nil
}

// scaled divides a deploy duration by the speed.
func (c Config) scaled(d time.Duration) time.Duration {
	return time.Duration(float64(d) / c.Speed)
}
