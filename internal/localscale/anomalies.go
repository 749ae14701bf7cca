package localscale

import (
	"fmt"
	"net/http"
	"time"

	ps "github.com/ddlbot/ddlbot/internal/planetscale"
)

// Insights anomalies: Slowdown scripts one on a branch (its primary is slow
// for a while), which the insights/anomalies endpoints then list and the
// branch.anomaly webhook announces, as PlanetScale's Insights would.

// anomaly is a scripted slowdown of a branch.
type anomaly struct {
	ID    string    `json:"id"`
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
}

// Slowdown makes Insights report an anomaly on a branch from now for d: it
// is listed (active until d has passed), and the branch.anomaly webhook is
// sent at once.
func (s *Server) Slowdown(org, db, branchName string, d time.Duration) (ps.Anomaly, error) {
	var out ps.Anomaly
	var err error
	if d <= 0 {
		return out, fmt.Errorf("localscale: a slowdown needs a positive duration, not %s", d)
	}
	s.update(func(now time.Time) {
		var (
			dbase *database
			b     *branch
		)
		if dbase, b, err = s.findBranch(org, db, branchName); err != nil {
			return
		}
		a := &anomaly{ID: randString(12), Start: now, End: now.Add(d)}
		b.Anomalies = append(b.Anomalies, a)
		out = renderAnomaly(a, now)
		s.emit(dbase, ps.EventBranchAnomaly, now, out)
		s.dirty = true
		s.log.Info("localscale: slowdown", "database", db, "branch", branchName, "for", d)
	})
	return out, err
}

// renderAnomaly shows an anomaly as of now.
func renderAnomaly(a *anomaly, now time.Time) ps.Anomaly {
	end := a.End
	active := now.Before(end)
	if active {
		end = now
	}
	out := ps.Anomaly{ID: a.ID, PeriodStart: a.Start, Active: active, MinutesInViolation: int64(end.Sub(a.Start) / time.Minute),
		Duration: end.Sub(a.Start).Seconds(), MetricsStart: ptr(a.Start.Add(-time.Hour))}
	if !active {
		out.PeriodEnd, out.MetricsEnd = ptr(a.End), ptr(a.End)
	}
	return out
}

func (s *Server) listAnomalies(now time.Time, c *reqCtx) (int, any, *apiError) {
	return listed(c, newestFirst(c.branch.Anomalies), func(a *anomaly) ps.Anomaly { return renderAnomaly(a, now) })
}

func (s *Server) getAnomaly(now time.Time, c *reqCtx) (int, any, *apiError) {
	b := c.branch
	for _, a := range b.Anomalies {
		if a.ID == c.path("id") {
			out := renderAnomaly(a, now)
			out.Correlations = []ps.AnomalyCorrelation{}
			return http.StatusOK, out, nil
		}
	}
	return 0, nil, errNotFound()
}
