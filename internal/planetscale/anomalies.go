package planetscale

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"time"
)

// AccessReadDatabase is the service token access Insights (anomalies) needs.
const AccessReadDatabase = "read_database"

// Anomaly is a resource-usage anomaly PlanetScale's Insights detected on a
// branch's primary (CPU, memory, IOPS, rows read or written): the
// branch.anomaly webhook's event and the insights/anomalies endpoints.
type Anomaly struct {
	ID string `json:"id"`
	// PeriodStart is when the anomaly began; PeriodEnd when it ended (nil
	// while it is active).
	PeriodStart        time.Time  `json:"period_start"`
	PeriodEnd          *time.Time `json:"period_end"`
	MinutesInViolation int64      `json:"minutes_in_violation"`
	Active             bool       `json:"active"`
	// Duration is how long it lasted, in seconds.
	Duration     float64    `json:"duration"`
	MetricsStart *time.Time `json:"metrics_start"`
	MetricsEnd   *time.Time `json:"metrics_end"`
	// Correlations are the queries correlated with it (GetAnomaly only).
	Correlations []AnomalyCorrelation `json:"correlations,omitempty"`
}

// AnomalyCorrelation is a query pattern correlated with an anomaly.
type AnomalyCorrelation struct {
	ID            string  `json:"id"`
	R             float64 `json:"r"`
	Keyspace      string  `json:"keyspace"`
	Fingerprint   string  `json:"fingerprint"`
	NormalizedSQL string  `json:"normalized_sql"`
	TabletType    string  `json:"tablet_type"`
}

func anomaliesPath(org, db, branch string) string {
	return branchPath(org, db, branch) + "/insights/anomalies"
}

// ListAnomalies returns the anomalies Insights detected on a branch (all
// pages). The token needs the read_database access.
func (c *Client) ListAnomalies(ctx context.Context, org, db, branch string) ([]Anomaly, error) {
	return listAllNeeding[Anomaly](ctx, c, fmt.Sprintf("list anomalies of branch %q", branch), anomaliesPath(org, db, branch), nil, AccessReadDatabase)
}

// GetAnomaly returns one anomaly with its correlated queries.
func (c *Client) GetAnomaly(ctx context.Context, org, db, branch, id string) (*Anomaly, error) {
	op := fmt.Sprintf("get anomaly %q of branch %q", id, branch)
	return fetch[Anomaly](ctx, c, &request{op: op, method: http.MethodGet, path: anomaliesPath(org, db, branch) + "/" + url.PathEscape(id), access: AccessReadDatabase})
}
