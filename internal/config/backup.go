package config

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// Values of deploy.backup.
const (
	// BackupAuto backs production up before a deploy that can drop data.
	BackupAuto = "auto"
	// BackupAlways backs production up before every deploy.
	BackupAlways = "always"
	// BackupNever never backs up.
	BackupNever = "never"
)

// DefaultBackup is deploy.backup's default.
const DefaultBackup = BackupAuto

// BackupModes lists the values deploy.backup accepts.
func BackupModes() []string { return []string{BackupAuto, BackupAlways, BackupNever} }

// Retention is how long a backup is kept: Value Units, where Unit is one of
// hour, day, week, month, year (PlanetScale's retention_unit values) and
// Value is 1 to 1000.
type Retention struct {
	Value int
	Unit  string
}

// DefaultRetention is deploy.backup_retention's default: 7 days.
var DefaultRetention = Retention{Value: 7, Unit: "day"}

// retentionUnits maps the suffixes deploy.backup_retention accepts to units.
var retentionUnits = map[string]string{"h": "hour", "d": "day", "w": "week", "mo": "month", "y": "year"}

// unitWords are spellings of a unit that are not accepted but recognised, so
// the error can say what to write instead.
var unitWords = map[string]string{
	"hour": "h", "hours": "h", "hr": "h", "hrs": "h",
	"day": "d", "days": "d",
	"week": "w", "weeks": "w", "wk": "w",
	"month": "mo", "months": "mo", "mon": "mo", "m": "mo",
	"year": "y", "years": "y", "yr": "y", "yrs": "y",
}

var reRetention = regexp.MustCompile(`^([0-9]+)\s*([A-Za-z]+)$`)

// String writes the retention as the file does: 7d, 12h, 3mo.
func (r Retention) String() string {
	for suffix, unit := range retentionUnits {
		if unit == r.Unit {
			return strconv.Itoa(r.Value) + suffix
		}
	}
	return fmt.Sprintf("%d %s", r.Value, r.Unit)
}

// ParseRetention reads a retention such as 7d, 12h, 2w, 3mo or 1y. The
// error says what to write instead.
func ParseRetention(s string) (Retention, error) {
	const how = "write a number from 1 to 1000 and a unit: h (hours), d (days), w (weeks), mo (months) or y (years), such as 7d"
	m := reRetention.FindStringSubmatch(s)
	if m == nil {
		return Retention{}, fmt.Errorf("invalid value %s (%s)", quote(s), how)
	}
	n, err := strconv.Atoi(m[1])
	if err != nil || n < 1 || n > 1000 {
		return Retention{}, fmt.Errorf("invalid value %s: the number must be from 1 to 1000 (PlanetScale keeps a backup at most 1000 of a unit)", quote(s))
	}
	unit, ok := retentionUnits[m[2]]
	if !ok || m[0] != m[1]+m[2] {
		word := strings.ToLower(m[2])
		suffix := word
		if _, known := retentionUnits[word]; !known {
			suffix = unitWords[word]
		}
		if suffix != "" {
			return Retention{}, fmt.Errorf("invalid value %s (did you mean %q?)", quote(s), m[1]+suffix)
		}
		return Retention{}, fmt.Errorf("invalid value %s (%s)", quote(s), how)
	}
	return Retention{Value: n, Unit: unit}, nil
}

// retention decodes deploy.backup_retention.
func (d *decoder) retention(n *yaml.Node, field string) (Retention, bool) {
	s, ok := d.str(n, field)
	if !ok {
		return Retention{}, false
	}
	r, err := ParseRetention(s)
	if err != nil {
		d.errorf(n, "%s: %s", field, err.Error())
		return Retention{}, false
	}
	return r, true
}
