package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"path"
	"regexp"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/ddlbot/ddlbot/internal/suggest"
	"github.com/ddlbot/ddlbot/schemadiff"
)

// Keys of each mapping, in the order the documentation lists them; the order
// is also the order of "known keys" hints.
var (
	topKeys      = []string{"databases", "lint", "deploy", "limits"}
	databaseKeys = []string{"name", "organization", "database", "production_branch", "schema", "migrations",
		"migration_format", "mysql_version", "allow_foreign_keys", "ignore_tables"}
	lintKeys   = []string{"rules", "fail_on"}
	limitsKeys = []string{"max_file_size", "max_files", "max_total_size"}
	deployKeys = []string{"min_permission", "allowed_teams", "allow_forks", "required_approvals", "gated", "instant", "base_branches", "accept_drift", "drop_unknown_tables", "on_merge", "backup", "backup_retention"}
)

// extensionPrefix marks top-level keys ddlbot ignores, so a file can hold
// YAML anchors (shared database settings) without tripping the unknown-key
// check; docker compose uses the same convention.
const extensionPrefix = "x-"

// Limits that keep a hostile or broken file from costing more than a
// moment: aliases let a few bytes of YAML stand for a great many keys.
const (
	// maxMergeDepth bounds how deeply merge keys (<<) may nest.
	maxMergeDepth = 16
	// maxMergedKeys bounds how many keys merge keys may copy in all.
	maxMergedKeys = 10000
	// maxProblems bounds how many problems are reported; past that, the
	// rest are counted, since nobody reads the thousandth one.
	maxProblems = 100
)

var (
	reMySQLVersion = regexp.MustCompile(`^(5\.7|8\.0|8\.4)(\.[0-9]{1,3})?$`)
)

// decoder walks a yaml.Node tree by hand rather than unmarshalling into
// structs, because only the node tree keeps the position of every key and
// value, and because walking lets it collect every problem instead of
// stopping at the first.
type decoder struct {
	file     string
	opts     Options
	problems []Problem
	// dropped counts problems past maxProblems.
	dropped int
	// merged counts keys copied by merge keys, against maxMergedKeys.
	merged int
	// merging holds the mappings whose merge keys are being expanded, to
	// catch a mapping that merges itself.
	merging map[*yaml.Node]bool
	// flagged holds keys already reported, so a mapping merged or aliased
	// into several places yields one problem per mistake, not one per use.
	flagged map[*yaml.Node]bool
}

// pair is one key/value of a mapping; value has aliases resolved.
type pair struct {
	key, value *yaml.Node
}

func (d *decoder) errorf(n *yaml.Node, format string, args ...any) {
	if len(d.problems) >= maxProblems {
		d.dropped++
		return
	}
	p := Problem{File: d.file, Message: fmt.Sprintf(format, args...)}
	if n != nil {
		p.Line, p.Column = n.Line, n.Column
	}
	d.problems = append(d.problems, p)
}

// errorOnce is errorf for problems that belong to a node rather than to
// the place it is used from.
func (d *decoder) errorOnce(n *yaml.Node, format string, args ...any) {
	if d.flagged[n] {
		return
	}
	if d.flagged == nil {
		d.flagged = map[*yaml.Node]bool{}
	}
	d.flagged[n] = true
	d.errorf(n, format, args...)
}

func (d *decoder) parse(data []byte) *Config {
	cfg := Default()
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return cfg // empty file: nothing configured
		}
		d.syntaxError(err, data)
		return cfg
	}
	// Silently reading only the first document would ignore settings the
	// user thinks are in force, so any later document with content is an
	// error. A stray trailing "---" is harmless and allowed.
	for {
		var extra yaml.Node
		err := dec.Decode(&extra)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			d.syntaxError(err, data)
			break
		}
		if len(extra.Content) > 0 && !isNull(resolve(extra.Content[0])) {
			d.errorf(extra.Content[0], "the file holds more than one YAML document; ddlbot reads exactly one")
			break
		}
	}

	root := &doc
	if root.Kind == yaml.DocumentNode {
		if len(root.Content) == 0 {
			return cfg
		}
		root = root.Content[0]
	}
	root = resolve(root)
	if isNull(root) {
		return cfg // a document of only comments, or "---"
	}
	if root.Kind != yaml.MappingNode {
		d.errorf(root, "expected a mapping of keys (databases, lint, deploy, limits) at the top level, got %s", describe(root))
		return cfg
	}

	var databases *pair
	for _, p := range d.pairs(root, "at the top level", topKeys, extensionPrefix) {
		switch p.key.Value {
		case "databases":
			databases = &p
			cfg.Databases = d.databases(p.value)
		case "lint":
			d.lint(p.value, &cfg.Lint)
		case "deploy":
			d.deploy(p.value, &cfg.Deploy)
		case "limits":
			d.limits(p.value, &cfg.Limits)
		}
	}
	// A file exists to configure databases; one without any is a mistake
	// (often a mis-indented list), not a request for the defaults.
	switch {
	case databases == nil:
		d.errorf(root, `missing required key "databases": list at least one database`)
	case isNull(databases.value) || databases.value.Kind == yaml.SequenceNode && len(databases.value.Content) == 0:
		d.errorf(databases.key, "databases: list at least one database")
	}
	return cfg
}

// pairs returns the keys of mapping n in order, with merge keys (<<)
// expanded, reporting duplicate keys and keys not in known. A nil known
// accepts any key. Keys starting with ignorePrefix (when not empty) are
// skipped without complaint.
func (d *decoder) pairs(n *yaml.Node, where string, known []string, ignorePrefix string) []pair {
	out := d.collect(n, where, 0)
	kept := out[:0]
	for _, p := range out {
		k := p.key.Value
		switch {
		case ignorePrefix != "" && strings.HasPrefix(k, ignorePrefix):
		case known != nil && !contains(known, k):
			d.errorOnce(p.key, "unknown key %s %s%s", quote(k), where, keyHint(k, known))
		default:
			kept = append(kept, p)
		}
	}
	return kept
}

// collect gathers a mapping's pairs. Explicit keys win over merged ones, and
// earlier merge sources over later ones, as the YAML merge key spec says.
func (d *decoder) collect(n *yaml.Node, where string, depth int) []pair {
	var explicit, merged []pair
	seen := map[string]*yaml.Node{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], resolve(n.Content[i+1])
		if k.Kind == yaml.ScalarNode && k.ShortTag() == "!!merge" {
			merged = append(merged, d.merge(n.Content[i+1], where, depth)...)
			continue
		}
		if k.Kind != yaml.ScalarNode {
			d.errorOnce(k, "keys %s must be plain strings, got %s", where, describe(k))
			continue
		}
		if first, ok := seen[k.Value]; ok {
			d.errorOnce(k, "duplicate key %s %s (first set at line %d)", quote(k.Value), where, first.Line)
			continue
		}
		seen[k.Value] = k
		explicit = append(explicit, pair{k, v})
	}
	for _, p := range merged {
		if _, ok := seen[p.key.Value]; !ok {
			seen[p.key.Value] = p.key
			explicit = append(explicit, p)
		}
	}
	return explicit
}

// merge expands the value of a merge key: a mapping or a list of mappings,
// usually aliases. Problems point at what the user wrote (the alias), not at
// the anchored mapping, which may be far away.
func (d *decoder) merge(raw *yaml.Node, where string, depth int) []pair {
	v := resolve(raw)
	if depth >= maxMergeDepth {
		d.errorf(raw, "merge keys (<<) %s nest too deeply", where)
		return nil
	}
	var sources []*yaml.Node
	switch v.Kind {
	case yaml.MappingNode:
		sources = []*yaml.Node{raw}
	case yaml.SequenceNode:
		sources = v.Content
	default:
		d.errorf(raw, "merge key (<<) %s needs a mapping or a list of mappings, got %s", where, describe(v))
		return nil
	}
	var out []pair
	for _, raw := range sources {
		s := resolve(raw)
		switch {
		case s.Kind != yaml.MappingNode:
			d.errorf(raw, "merge key (<<) %s needs a mapping or a list of mappings, got %s", where, describe(s))
		case d.merging[s]:
			d.errorf(raw, "merge key (<<) %s merges a mapping into itself", where)
		case d.merged+len(s.Content)/2 > maxMergedKeys:
			d.errorf(raw, "merge keys (<<) %s copy more than %d keys in all; simplify the anchors", where, maxMergedKeys)
			return out
		default:
			d.merged += len(s.Content) / 2
			if d.merging == nil {
				d.merging = map[*yaml.Node]bool{}
			}
			d.merging[s] = true
			out = append(out, d.collect(s, where, depth+1)...)
			delete(d.merging, s)
		}
	}
	return out
}

// databases decodes the databases list and checks what no single entry can:
// that names and PlanetScale targets are unique.
func (d *decoder) databases(n *yaml.Node) []Database {
	if isNull(n) {
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		d.errorf(n, "databases: expected a list of databases, got %s", describe(n))
		return nil
	}
	var out []Database
	type seenAt struct {
		index, line int
	}
	names := map[string]seenAt{}
	targets := map[string]seenAt{}
	for i, item := range n.Content {
		where := fmt.Sprintf("databases[%d]", i)
		item = resolve(item)
		if item.Kind != yaml.MappingNode {
			d.errorf(item, "%s: expected a mapping (name, schema, ...), got %s", where, describe(item))
			continue
		}
		db, nameNode, ok := d.database(item, where)
		if !ok {
			continue
		}
		if first, dup := names[db.Name]; dup {
			d.errorf(nameNode, "%s: duplicate database name %s (also used by databases[%d] at line %d)",
				where, quote(db.Name), first.index, first.line)
			out = append(out, db)
			continue
		}
		names[db.Name] = seenAt{i, db.Line}
		// Two entries for one PlanetScale database would fight over the same
		// branch and deploy request with two different schemas.
		target := db.Database
		if db.Organization != "" {
			target = db.Organization + "/" + db.Database
		}
		if first, dup := targets[target]; dup {
			d.errorf(item, "%s: PlanetScale database %s is already configured by databases[%d] at line %d",
				where, quote(target), first.index, first.line)
		} else {
			targets[target] = seenAt{i, db.Line}
		}
		out = append(out, db)
	}
	return out
}

// database decodes one entry. It returns the node to blame for a duplicate
// name, and ok=false when the entry is too broken to compare with others.
func (d *decoder) database(n *yaml.Node, where string) (Database, *yaml.Node, bool) {
	db := Database{
		ProductionBranch: DefaultProductionBranch,
		MySQLVersion:     DefaultMySQLVersion,
		Line:             n.Line,
	}
	var nameNode, databaseNode, schemaKey, migrationsKey, formatKey *yaml.Node
	ok := true
	// check passes on what an identifier read gave, noting a failure.
	check := func(s string, good bool) string {
		ok = ok && good
		return s
	}
	for _, p := range d.pairs(n, "in "+where, databaseKeys, "") {
		field := where + "." + p.key.Value
		if isNull(p.value) {
			continue // "key:" with no value means "not set", the default applies
		}
		switch p.key.Value {
		case "name":
			db.Name = check(d.identifier(p.value, field, false))
			nameNode = p.value
		case "organization":
			db.Organization = check(d.identifier(p.value, field, true))
		case "database":
			db.Database = check(d.identifier(p.value, field, false))
			databaseNode = p.value
		case "production_branch":
			db.ProductionBranch, _ = d.identifier(p.value, field, false)
		case "schema":
			db.Schema, _ = d.folder(p.value, field)
			schemaKey = p.key
			db.DirLine = p.key.Line
		case "migrations":
			db.Migrations, _ = d.folder(p.value, field)
			migrationsKey = p.key
			db.DirLine = p.key.Line
		case "migration_format":
			formatKey = p.key
			if s, good := d.str(p.value, field); good {
				if f, err := schemadiff.ParseFormat(s); err != nil || s == "" {
					d.errorf(p.value, "%s: %s", field, badValue(s, formatNames()))
				} else {
					db.MigrationFormat = f
				}
			}
		case "mysql_version":
			if s, good := d.str(p.value, field); good {
				if reMySQLVersion.MatchString(s) {
					db.MySQLVersion = s
				} else {
					d.errorf(p.value, "%s: unsupported MySQL version %s (allowed: 5.7, 8.0, 8.0.N, 8.4, 8.4.N)", field, quote(s))
				}
			}
		case "allow_foreign_keys":
			db.AllowForeignKeys, _ = d.boolean(p.value, field)
		case "ignore_tables":
			db.IgnoreTables = d.tablePatterns(p.value, field)
		}
	}
	// name and database default to each other: most repositories use the
	// PlanetScale database name as the display name.
	switch {
	case nameNode == nil && databaseNode == nil:
		d.errorf(n, `%s: missing "name" or "database" (set at least one)`, where)
		ok = false
	case nameNode == nil:
		db.Name, nameNode = db.Database, databaseNode
	case databaseNode == nil:
		db.Database = db.Name
	}
	switch {
	case schemaKey == nil && migrationsKey == nil:
		d.errorf(n, `%s: missing "schema" or "migrations" (set exactly one)`, where)
	case schemaKey != nil && migrationsKey != nil:
		later := migrationsKey
		if schemaKey.Line > later.Line || (schemaKey.Line == later.Line && schemaKey.Column > later.Column) {
			later = schemaKey
		}
		d.errorf(later, `%s: "schema" and "migrations" are mutually exclusive (set exactly one)`, where)
	case migrationsKey != nil && db.MigrationFormat == "":
		db.MigrationFormat = schemadiff.FormatAuto
	}
	if formatKey != nil && migrationsKey == nil {
		d.errorf(formatKey, `%s.migration_format: only applies together with "migrations"`, where)
	}
	return db, nameNode, ok
}

// section returns the pairs of the top-level section name that set a value:
// a null section or value keeps the defaults. A section that is not a
// mapping is an error naming its keys (hint) and yields no pairs.
func (d *decoder) section(n *yaml.Node, name, hint string, known []string) []pair {
	if isNull(n) {
		return nil
	}
	if n.Kind != yaml.MappingNode {
		d.errorf(n, "%s: expected a mapping (%s), got %s", name, hint, describe(n))
		return nil
	}
	var out []pair
	for _, p := range d.pairs(n, "in "+name, known, "") {
		if !isNull(p.value) {
			out = append(out, p)
		}
	}
	return out
}

// lint decodes the lint section into l, which holds the defaults.
func (d *decoder) lint(n *yaml.Node, l *Lint) {
	for _, p := range d.section(n, "lint", "rules, fail_on", lintKeys) {
		switch p.key.Value {
		case "rules":
			l.Rules = d.rules(p.value)
		case "fail_on":
			if s, ok := d.enum(p.value, "lint.fail_on", []string{SeverityError, SeverityWarning}); ok {
				l.FailOn = s
			}
		}
	}
}

// rules decodes lint.rules. Rule ids are checked only through
// Options.KnownRule, because the rules live in a package this one must not
// import.
func (d *decoder) rules(n *yaml.Node) []RuleOverride {
	if n.Kind != yaml.MappingNode {
		d.errorf(n, "lint.rules: expected a mapping of rule id to severity, got %s", describe(n))
		return nil
	}
	var out []RuleOverride
	for _, p := range d.pairs(n, "in lint.rules", nil, "") {
		id := p.key.Value
		valid := true
		if id == "" {
			d.errorf(p.key, "lint.rules: empty rule id")
			valid = false
		} else if d.opts.KnownRule != nil && !d.opts.KnownRule(id) {
			d.errorf(p.key, "lint.rules: unknown rule %s%s", quote(id), ruleHint(id, d.opts.RuleIDs))
			valid = false
		}
		field := "lint.rules." + id
		if isNull(p.value) {
			d.errorf(p.key, "%s: missing severity (allowed: %s)", field, strings.Join(Severities(), ", "))
			continue
		}
		if p.value.Kind == yaml.ScalarNode && p.value.ShortTag() == "!!bool" {
			// `not-instant: false` reads naturally but is not a severity.
			d.errorf(p.value, "%s: expected a severity, got %s (write `off` to disable the rule; allowed: %s)", field, describe(p.value), strings.Join(Severities(), ", "))
			continue
		}
		sev, ok := d.enum(p.value, field, Severities())
		if ok && valid {
			out = append(out, RuleOverride{Rule: id, Severity: sev, Line: p.key.Line})
		}
	}
	return out
}

// deploy decodes the deploy section into dp, which holds the defaults.
func (d *decoder) deploy(n *yaml.Node, dp *Deploy) {
	for _, p := range d.section(n, "deploy", "min_permission, allowed_teams, ...", deployKeys) {
		field := "deploy." + p.key.Value
		switch p.key.Value {
		case "min_permission":
			if s, ok := d.enum(p.value, field, Permissions()); ok {
				dp.MinPermission = s
			}
		case "allowed_teams":
			dp.AllowedTeams = d.teams(p.value, field)
		case "allow_forks":
			dp.AllowForks, _ = d.boolean(p.value, field)
		case "required_approvals":
			if v, ok := d.atLeast(p.value, field, 0); ok {
				dp.RequiredApprovals = v
			}
		case "gated":
			dp.Gated, _ = d.boolean(p.value, field)
		case "instant":
			dp.Instant, _ = d.boolean(p.value, field)
		case "base_branches":
			dp.BaseBranches = d.gitBranches(p.value, field)
		case "accept_drift":
			dp.AcceptDrift, _ = d.boolean(p.value, field)
		case "drop_unknown_tables":
			dp.DropUnknownTables, _ = d.boolean(p.value, field)
		case "on_merge":
			dp.OnMerge, _ = d.boolean(p.value, field)
		case "backup":
			if s, ok := d.enum(p.value, field, BackupModes()); ok {
				dp.Backup = s
			}
		case "backup_retention":
			if r, ok := d.retention(p.value, field); ok {
				dp.BackupRetention = r
			}
		}
	}
}

// limits decodes the limits section into l, which holds the defaults.
func (d *decoder) limits(n *yaml.Node, l *schemadiff.Limits) {
	for _, p := range d.section(n, "limits", strings.Join(limitsKeys, ", "), limitsKeys) {
		field := "limits." + p.key.Value
		switch p.key.Value {
		case "max_file_size":
			if v, ok := d.size(p.value, field); ok {
				l.MaxFileSize = v
			}
		case "max_total_size":
			if v, ok := d.size(p.value, field); ok {
				l.MaxTotalSize = v
			}
		case "max_files":
			if v, ok := d.atLeast(p.value, field, 1); ok {
				l.MaxFiles = v
			}
		}
	}
}

// size reads a size in bytes: a whole number, or a string with a unit
// (64MiB; see schemadiff.ParseSize). It must be at least 1.
func (d *decoder) size(n *yaml.Node, field string) (int64, bool) {
	if n.Kind != yaml.ScalarNode || (n.ShortTag() != "!!int" && n.ShortTag() != "!!str") {
		d.errorf(n, "%s: expected a size such as 64MiB, got %s", field, describe(n))
		return 0, false
	}
	v, err := schemadiff.ParseSize(n.Value)
	if err != nil {
		d.errorf(n, "%s: %v", field, err)
		return 0, false
	}
	if v < 1 {
		d.errorf(n, "%s: must be at least 1 byte", field)
		return 0, false
	}
	return v, true
}

// gitBranches reads deploy.base_branches: git branch names or path.Match
// patterns ("release/*"), each checked so a typo is an error, not a branch
// that silently never deploys.
func (d *decoder) gitBranches(n *yaml.Node, field string) []string {
	return d.patterns(n, field, `git branch names or patterns ("release/*")`,
		"a git branch name or pattern (write the branch as GitHub shows it, such as release/2024; * and ? are wildcards)",
		func(s string) bool {
			bad := strings.IndexFunc(s, func(r rune) bool { return r <= ' ' || r == 0x7f || r == '~' || r == '^' || r == ':' || r == '\\' }) >= 0
			return !bad && !strings.HasPrefix(s, "/") && !strings.HasSuffix(s, "/") && !strings.Contains(s, "..") && !strings.HasPrefix(s, "refs/")
		})
}

// patterns reads a list of distinct path.Match patterns that valid accepts
// too: what names the list in an error, one names an item.
func (d *decoder) patterns(n *yaml.Node, field, what, one string, valid func(string) bool) []string {
	return d.distinct(n, field, what, "", func(item *yaml.Node, f string) (string, bool) {
		s, ok := d.str(item, f)
		if !ok {
			return "", false
		}
		if _, err := path.Match(s, ""); err != nil || s == "" || !valid(s) {
			d.errorf(item, "%s: %s is not %s", f, quote(s), one)
			return "", false
		}
		return s, true
	})
}

func (d *decoder) teams(n *yaml.Node, field string) []string {
	return d.distinct(n, field, "team slugs", "team ", func(item *yaml.Node, f string) (string, bool) {
		return d.identifier(item, f, false)
	})
}

// distinct reads a list (of what) of values that read decodes and checks,
// reporting what it refuses; a value given twice is an error naming the line
// of the first, worded as kind (such as "team ") and the quoted value.
func (d *decoder) distinct(n *yaml.Node, field, what, kind string, read func(item *yaml.Node, field string) (string, bool)) []string {
	if n.Kind != yaml.SequenceNode {
		d.errorf(n, "%s: expected a list of %s, got %s", field, what, describe(n))
		return nil
	}
	var out []string
	seen := map[string]int{}
	for i, item := range n.Content {
		item = resolve(item)
		f := fmt.Sprintf("%s[%d]", field, i)
		s, ok := read(item, f)
		if !ok {
			continue
		}
		if line, dup := seen[s]; dup {
			d.errorf(item, "%s: %s%s is listed twice (first at line %d)", f, kind, quote(s), line)
			continue
		}
		seen[s] = item.Line
		out = append(out, s)
	}
	return out
}

// tablePatterns reads ignore_tables: table names or path.Match patterns
// ("tmp_*"), each checked so a typo in a pattern is an error, not a table
// that is silently dropped.
func (d *decoder) tablePatterns(n *yaml.Node, field string) []string {
	return d.patterns(n, field, `table names or patterns ("tmp_*")`, "a table name or pattern (use * and ? as wildcards, [a-z] for a range)",
		func(s string) bool { return !strings.ContainsAny(s, "/`") })
}

// str reads a scalar as the text the user wrote. Numbers are accepted
// because YAML turns `name: 2024` or `mysql_version: 8.0` into numbers,
// and the user meant the text.
func (d *decoder) str(n *yaml.Node, field string) (string, bool) {
	if n.Kind == yaml.ScalarNode {
		switch n.ShortTag() {
		case "!!str", "!!int", "!!float", "!!timestamp":
			return n.Value, true
		}
	}
	d.errorf(n, "%s: expected a string, got %s", field, describe(n))
	return "", false
}

// identifier reads a name that ends up in URLs, branch names or the
// `/deploy --db NAME` comment grammar, where whitespace or a slash would
// break things far from the config file.
func (d *decoder) identifier(n *yaml.Node, field string, allowEmpty bool) (string, bool) {
	s, ok := d.str(n, field)
	if !ok {
		return "", false
	}
	if s == "" {
		if allowEmpty {
			return "", true
		}
		d.errorf(n, "%s: must not be empty", field)
		return "", false
	}
	if i := strings.IndexFunc(s, func(r rune) bool { return r <= ' ' || r == '/' || r == 0x7f }); i >= 0 {
		d.errorf(n, "%s: %s must not contain whitespace, control characters or \"/\"", field, quote(s))
		return "", false
	}
	return s, true
}

// folder reads a folder relative to the file's own folder (Options.Dir) and
// returns it relative to the repository root. Paths are cleaned so later
// comparisons with changed-file paths are exact, and must stay inside the
// repository because the bot reads them from a checkout or the contents API.
func (d *decoder) folder(n *yaml.Node, field string) (string, bool) {
	s, ok := d.str(n, field)
	if !ok {
		return "", false
	}
	switch {
	case s == "":
		d.errorf(n, "%s: must not be empty (use \".\" for this file's folder)", field)
		return "", false
	case strings.ContainsRune(s, '\\'):
		d.errorf(n, "%s: path %s must use forward slashes", field, quote(s))
		return "", false
	case path.IsAbs(s):
		d.errorf(n, "%s: path %s must be relative to the configuration file's folder", field, quote(s))
		return "", false
	}
	c := path.Clean(path.Join(d.opts.Dir, s))
	if c == ".." || strings.HasPrefix(c, "../") {
		if dir := path.Clean(d.opts.Dir); dir != "." {
			d.errorf(n, "%s: path %s leaves the repository (folders are relative to this file's folder, %s)", field, quote(s), quote(dir))
		} else {
			d.errorf(n, "%s: path %s leaves the repository", field, quote(s))
		}
		return "", false
	}
	return c, true
}

// scalar decodes n into a T when it is a scalar of the YAML tag: is false
// when it is not one, err says why one does not fit a T.
func scalar[T any](n *yaml.Node, tag string) (v T, is bool, err error) {
	if n.Kind != yaml.ScalarNode || n.ShortTag() != tag {
		return v, false, nil
	}
	err = n.Decode(&v)
	return v, true, err
}

func (d *decoder) boolean(n *yaml.Node, field string) (bool, bool) {
	if b, is, err := scalar[bool](n, "!!bool"); is && err == nil {
		return b, true
	}
	d.errorf(n, "%s: expected true or false, got %s", field, describe(n))
	return false, false
}

func (d *decoder) integer(n *yaml.Node, field string) (int, bool) {
	v, is, err := scalar[int](n, "!!int")
	switch {
	case !is:
		d.errorf(n, "%s: expected a whole number, got %s", field, describe(n))
	case err != nil:
		d.errorf(n, "%s: %s is out of range", field, n.Value)
	default:
		return v, true
	}
	return 0, false
}

// atLeast reads a whole number no smaller than least.
func (d *decoder) atLeast(n *yaml.Node, field string, least int) (int, bool) {
	v, ok := d.integer(n, field)
	if ok && v < least {
		d.errorf(n, "%s: must be %d or more, got %d", field, least, v)
		return 0, false
	}
	return v, ok
}

func (d *decoder) enum(n *yaml.Node, field string, allowed []string) (string, bool) {
	s, ok := d.str(n, field)
	if !ok {
		return "", false
	}
	if !contains(allowed, s) {
		d.errorf(n, "%s: %s", field, badValue(s, allowed))
		return "", false
	}
	return s, true
}

// badValue words an invalid enum value, listing what is allowed and, for a
// near miss, the likely intended value.
func badValue(s string, allowed []string) string {
	msg := fmt.Sprintf("invalid value %s (allowed: %s", quote(s), strings.Join(allowed, ", "))
	if best, ok := suggest.Closest(s, allowed); ok {
		msg += fmt.Sprintf("; did you mean %q?", best)
	}
	return msg + ")"
}

// ruleHint suggests the rule id nearest to an unknown one, or points at the
// list of rules when nothing is near.
func ruleHint(id string, ids []string) string {
	if best, ok := suggest.Closest(id, ids); ok {
		return fmt.Sprintf(" (did you mean %q?)", best)
	}
	return " (see `ddlbot lint --list-rules`)"
}

// keyHint suggests the closest known key, or lists them all when nothing is
// close, so the user never has to open the docs to fix a typo.
func keyHint(k string, known []string) string {
	if best, ok := suggest.Closest(k, known); ok {
		return fmt.Sprintf(" (did you mean %q?)", best)
	}
	return fmt.Sprintf(" (known keys: %s)", strings.Join(known, ", "))
}

func formatNames() []string {
	var names []string
	for _, f := range schemadiff.Formats() {
		names = append(names, string(f))
	}
	return names
}

// resolve follows an alias to the node it names.
func resolve(n *yaml.Node) *yaml.Node {
	for range maxMergeDepth {
		if n.Kind != yaml.AliasNode || n.Alias == nil {
			break
		}
		n = n.Alias
	}
	return n
}

func isNull(n *yaml.Node) bool {
	return n.Kind == 0 || (n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null")
}

// describe names a node's type the way a user thinks of YAML values.
func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.AliasNode:
		return "an alias"
	case yaml.ScalarNode:
		switch t := n.ShortTag(); t {
		case "!!str":
			return "the string " + quote(n.Value)
		case "!!int", "!!float":
			return "the number " + n.Value
		case "!!bool":
			return "the boolean " + n.Value
		case "!!null":
			return "nothing (null)"
		default:
			return fmt.Sprintf("a value tagged %s", t)
		}
	}
	return "an empty value"
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
