package lint

import (
	"cmp"
	"fmt"
	"iter"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/ddlbot/ddlbot/internal/clip"
	"github.com/ddlbot/ddlbot/schemadiff"
	vsd "vitess.io/vitess/go/vt/schemadiff"
	"vitess.io/vitess/go/vt/sqlparser"
)

// Finding is one problem a rule found, at a place in a file.
type Finding struct {
	File      string   `json:"file"`
	Line      int      `json:"line"`
	Column    int      `json:"column"`
	EndLine   int      `json:"end_line"`
	EndColumn int      `json:"end_column"`
	Rule      string   `json:"rule"`
	Severity  Severity `json:"severity"`
	Message   string   `json:"message"`
}

// Summary counts findings by severity.
type Summary struct {
	Errors   int `json:"errors"`
	Warnings int `json:"warnings"`
	Notices  int `json:"notices"`
}

// Summarize counts findings by severity.
func Summarize(fs []Finding) Summary {
	var s Summary
	for _, f := range fs {
		switch f.Severity {
		case Error:
			s.Errors++
		case Warning:
			s.Warnings++
		case Notice:
			s.Notices++
		}
	}
	return s
}

// Input is what a lint run looks at.
type Input struct {
	// Statements are the parsed statements of the files being linted (the
	// changed files), in order. File rules and suppressions read them.
	Statements []schemadiff.Statement
	// Head is the schema the files produce. Schema rules read it; it may carry
	// problems (then the rules see the entities that did load).
	Head *schemadiff.Schema
	// Base is the schema before the change (nil when there is none).
	Base *schemadiff.Schema
	// Diff is Base → Head (nil without a base or when either is invalid).
	// Change-safety rules read it.
	Diff *schemadiff.Diff
	// DiffError is why Base → Head could not be diffed when both loaded (for
	// example, no order of the changes can be applied safely).
	DiffError error
	// AllowForeignKeys is the database's foreign key setting.
	AllowForeignKeys bool
	// Severities overrides rule severities (from .ddlbot.yml).
	Severities map[string]Severity
	// Ignore reports the tables the repository does not manage
	// (ignore_tables): schema rules leave them alone. Nil ignores none.
	Ignore func(table string) bool
}

// Pass is what a rule sees while it runs.
type Pass struct {
	*Input
	rule     *Rule
	findings *[]Finding
	changed  map[string]bool
	// tableChanges is Diff's table changes by name (see tableChangeFor).
	tableChanges map[string]*schemadiff.Change
	// index is shared by every rule of a run.
	index *statementIndex
}

// statementIndex indexes the linted statements once per run, so that placing
// a finding looks at the statements about its entity rather than at all of
// them (which made lint quadratic in the schema's size).
type statementIndex struct {
	// touching lists, per entity, the indexes of the statements that
	// create, alter, drop or rename it (see touchedEntities), ascending.
	touching map[string][]int
	// at lists the statements starting at a file offset.
	at map[fileOffset][]int
	// patterns caches compiled regular expressions by their text: rules
	// look for the same few shapes of pattern once per finding.
	patterns map[string]compiled
	// columns and indexes cache Vitess' entity lists per table: each call
	// builds them anew, and a dozen rules ask for them.
	columns map[*vsd.CreateTableEntity][]*vsd.ColumnDefinitionEntity
	indexes map[*vsd.CreateTableEntity][]*vsd.IndexDefinitionEntity
	// definitions caches each table statement's definitions (definitions.go)
	// by where it starts and its text (statements that EXECUTE builds
	// share their origin): a table with several foreign keys is cut once.
	definitions map[statementKey][]definition
}

// columns is t.ColumnDefinitionEntities(), once per table and run. Rules
// only read the entities.
func (p *Pass) columns(t *vsd.CreateTableEntity) []*vsd.ColumnDefinitionEntity {
	return cached(p.index.columns, t, t.ColumnDefinitionEntities)
}

// indexes is t.IndexDefinitionEntities(), once per table and run.
func (p *Pass) indexes(t *vsd.CreateTableEntity) []*vsd.IndexDefinitionEntity {
	return cached(p.index.indexes, t, t.IndexDefinitionEntities)
}

// cached returns cache[key], computing it with build the first time.
func cached[K comparable, V any](cache map[K]V, key K, build func() V) V {
	v, ok := cache[key]
	if !ok {
		v = build()
		cache[key] = v
	}
	return v
}

type compiled struct {
	re  *regexp.Regexp
	err error
}

// compile is regexp.Compile, once per pattern and run.
func (p *Pass) compile(pattern string) (*regexp.Regexp, error) {
	c := cached(p.index.patterns, pattern, func() compiled {
		re, err := regexp.Compile(pattern)
		return compiled{re, err}
	})
	return c.re, c.err
}

type fileOffset struct {
	file   string
	offset int
}

type statementKey struct {
	fileOffset
	sql string
}

func newStatementIndex(stmts []schemadiff.Statement) *statementIndex {
	ix := &statementIndex{touching: map[string][]int{}, at: make(map[fileOffset][]int, len(stmts)), patterns: map[string]compiled{},
		columns: map[*vsd.CreateTableEntity][]*vsd.ColumnDefinitionEntity{}, indexes: map[*vsd.CreateTableEntity][]*vsd.IndexDefinitionEntity{},
		definitions: map[statementKey][]definition{}}
	for i, st := range stmts {
		for _, name := range touchedEntities(st.AST) {
			l := ix.touching[name]
			if len(l) == 0 || l[len(l)-1] != i {
				ix.touching[name] = append(l, i)
			}
		}
		k := fileOffset{st.Origin.File, st.Origin.Offset}
		ix.at[k] = append(ix.at[k], i)
	}
	return ix
}

// maxRuleWorkers bounds how many goroutines run the rules.
const maxRuleWorkers = 8

// forWorker is the index for one more goroutine running rules: the lists
// built from the statements are shared (nothing writes them after
// newStatementIndex), the caches filled while rules run are its own.
func (ix *statementIndex) forWorker() *statementIndex {
	c := *ix
	c.patterns = map[string]compiled{}
	c.columns = map[*vsd.CreateTableEntity][]*vsd.ColumnDefinitionEntity{}
	c.indexes = map[*vsd.CreateTableEntity][]*vsd.IndexDefinitionEntity{}
	c.definitions = map[statementKey][]definition{}
	return &c
}

// touching returns the indexes into Statements of the statements that
// create, alter, drop or rename the entity, in order.
func (p *Pass) touching(entity string) []int { return p.index.touching[entity] }

// lastTouching returns the statements that touch the entity, last first.
func (p *Pass) lastTouching(entity string) iter.Seq[schemadiff.Statement] {
	return func(yield func(schemadiff.Statement) bool) {
		l := p.touching(entity)
		for i := len(l) - 1; i >= 0; i-- {
			if !yield(p.Statements[l[i]]) {
				return
			}
		}
	}
}

// Rule is the rule being run.
func (p *Pass) Rule() *Rule { return p.rule }

// Report records a finding at an origin.
func (p *Pass) Report(at schemadiff.Origin, format string, args ...any) {
	f := Finding{File: at.File, Line: at.Line, Column: at.Column, EndLine: at.EndLine, EndColumn: at.EndColumn,
		Rule: p.rule.ID, Message: fmt.Sprintf(format, args...)}
	if f.Line == 0 {
		f.Line, f.Column = 1, 1
	}
	if f.Column == 0 {
		f.Column = 1
	}
	if f.EndLine < f.Line || (f.EndLine == f.Line && f.EndColumn < f.Column) {
		f.EndLine, f.EndColumn = f.Line, f.Column
	}
	*p.findings = append(*p.findings, f)
}

// Touched reports whether a schema rule should look at an entity: without a
// diff every entity counts; with one, only the entities the change creates or
// alters, so a pull request is not blamed for what it did not touch.
func (p *Pass) Touched(name string) bool {
	if p.Ignore != nil && p.Ignore(name) {
		return false
	}
	if p.Diff == nil {
		return true
	}
	return p.changed[name]
}

// ColumnTouched reports whether a style rule should look at a column: without
// a diff every column counts; with one, only columns of created tables and
// columns the change adds, changes or renames.
func (p *Pass) ColumnTouched(table, column string) bool {
	c, all := touchedTable(p, table)
	if all {
		return true
	}
	return c != nil && c.Kind == schemadiff.AlterTable && nameIn(column, c.Summary.ColumnsAdded, c.Summary.ColumnsChanged, renameTargets(c))
}

// nameIn reports whether name (case-insensitively) is in any of the lists.
func nameIn(name string, lists ...[]string) bool {
	for _, l := range lists {
		for _, n := range l {
			if strings.EqualFold(n, name) {
				return true
			}
		}
	}
	return false
}

// renameTargets lists the new names of the columns a change renames.
func renameTargets(c *schemadiff.Change) []string {
	var out []string
	for _, n := range c.Summary.ColumnsRenamed {
		if _, to, ok := strings.Cut(n, " → "); ok {
			out = append(out, to)
		}
	}
	return out
}

// ReportRisks reports every risk of a kind that the diff's analysis found,
// at the column or key it is about, with the analysis' message. Most
// change-safety rules are exactly this.
func (p *Pass) ReportRisks(code schemadiff.RiskCode) {
	for c, r := range p.risks(code) {
		needle := r.Column
		if needle == "" {
			needle = r.Key
		}
		p.Report(p.Locate(c.Entity, needle), "%s", r.Message)
	}
}

// changes returns the diff's changes (none without a diff).
func (p *Pass) changes() []*schemadiff.Change {
	if p.Diff == nil {
		return nil
	}
	return p.Diff.Changes
}

// risks yields every risk of a kind that the diff's analysis found, with the
// change it belongs to (nothing without a diff): the loop of the
// change-safety rules that say more than ReportRisks does.
func (p *Pass) risks(code schemadiff.RiskCode) iter.Seq2[*schemadiff.Change, schemadiff.Risk] {
	return func(yield func(*schemadiff.Change, schemadiff.Risk) bool) {
		for _, c := range p.changes() {
			for _, r := range c.Risks {
				if r.Code == code && !yield(c, r) {
					return
				}
			}
		}
	}
}

// Tables returns the head tables the schema rules should look at.
func (p *Pass) Tables() []*vsd.CreateTableEntity {
	if p.Head == nil {
		return nil
	}
	return touchedOnly(p, p.Head.Tables())
}

// Views returns the head views the schema rules should look at.
func (p *Pass) Views() []*vsd.CreateViewEntity {
	if p.Head == nil {
		return nil
	}
	return touchedOnly(p, p.Head.Views())
}

// touchedColumns yields the columns the style rules should look at: those of
// the tables they look at (Tables) that ColumnTouched lets through.
func (p *Pass) touchedColumns() iter.Seq2[*vsd.CreateTableEntity, *vsd.ColumnDefinitionEntity] {
	return func(yield func(*vsd.CreateTableEntity, *vsd.ColumnDefinitionEntity) bool) {
		for _, t := range p.Tables() {
			for _, c := range p.columns(t) {
				if p.ColumnTouched(t.Name(), c.Name()) && !yield(t, c) {
					return
				}
			}
		}
	}
}

// touchedOnly keeps the entities the schema rules should look at (Touched).
func touchedOnly[E interface{ Name() string }](p *Pass, all []E) []E {
	var out []E
	for _, e := range all {
		if p.Touched(e.Name()) {
			out = append(out, e)
		}
	}
	return out
}

// Locate finds the best place to report something about an entity: the last
// statement of the linted files that creates, alters, drops or renames it and
// mentions needle (an identifier, matched as a whole word; "" matches any),
// narrowed to the needle itself. It falls back to where the head (or base)
// schema says the entity was last changed.
func (p *Pass) Locate(entity, needle string) schemadiff.Origin {
	for _, withNeedle := range []bool{true, false} {
		if !withNeedle && needle == "" {
			break
		}
		for st := range p.lastTouching(entity) {
			if needle == "" {
				return st.Origin
			}
			if a, ok := st.AST.(*sqlparser.AlterTable); ok && withNeedle && !alterMentions(a, needle) {
				// The word may be the referenced table's column in a FOREIGN
				// KEY clause (`REFERENCES doctors (id)`): not this table's.
				continue
			}
			if o, ok := p.columnNameIn(st, needle); ok {
				return o
			}
			if o, ok := p.findWord(st, needle); ok {
				return o
			}
			if !withNeedle {
				return st.Origin
			}
		}
	}
	if p.Head != nil {
		if o, ok := p.Head.ChangedAt(entity); ok {
			return p.refine(o, needle)
		}
		if o, ok := p.Head.DroppedAt(entity); ok {
			return o
		}
	}
	if p.Base != nil {
		if o, ok := p.Base.ChangedAt(entity); ok {
			return o
		}
	}
	return schemadiff.Origin{}
}

// alterMentions reports whether an ALTER TABLE names needle as one of its own
// table's columns, indexes or constraints: identifiers inside a REFERENCES
// clause belong to the parent table and do not count.
func alterMentions(a *sqlparser.AlterTable, needle string) bool {
	found := false
	visit := func(node sqlparser.SQLNode) (bool, error) {
		switch n := node.(type) {
		case *sqlparser.ReferenceDefinition:
			return false, nil
		case sqlparser.IdentifierCI:
			found = found || strings.EqualFold(n.String(), needle)
		case sqlparser.IdentifierCS:
			found = found || strings.EqualFold(n.String(), needle)
		}
		return !found, nil
	}
	for _, o := range a.AlterOptions {
		_ = sqlparser.Walk(visit, o)
	}
	return found
}

// refine narrows an origin to needle when it is a statement we have.
func (p *Pass) refine(o schemadiff.Origin, needle string) schemadiff.Origin {
	if needle == "" {
		return o
	}
	for _, i := range p.index.at[fileOffset{o.File, o.Offset}] {
		if r, ok := p.findWord(p.Statements[i], needle); ok {
			return r
		}
	}
	return o
}

// touchedEntities lists the tables and views a statement creates, alters,
// drops or renames (from and to).
func touchedEntities(ast sqlparser.Statement) []string {
	switch s := ast.(type) {
	case *sqlparser.CreateTable:
		return []string{s.Table.Name.String()}
	case *sqlparser.AlterTable:
		out := []string{s.Table.Name.String()}
		for _, o := range s.AlterOptions {
			if r, ok := o.(*sqlparser.RenameTableName); ok {
				out = append(out, r.Table.Name.String())
			}
		}
		return out
	case *sqlparser.DropTable:
		return tableNameStrings(s.FromTables)
	case *sqlparser.RenameTable:
		out := make([]string, 0, 2*len(s.TablePairs))
		for _, pr := range s.TablePairs {
			out = append(out, pr.FromTable.Name.String(), pr.ToTable.Name.String())
		}
		return out
	case *sqlparser.CreateView:
		return []string{s.ViewName.Name.String()}
	case *sqlparser.AlterView:
		return []string{s.ViewName.Name.String()}
	case *sqlparser.DropView:
		return tableNameStrings(s.FromTables)
	}
	return nil
}

func tableNameStrings(ts sqlparser.TableNames) []string {
	out := make([]string, 0, len(ts))
	for _, t := range ts {
		out = append(out, t.Name.String())
	}
	return out
}

// findWord finds identifier needle in a statement's text (case-insensitive,
// whole word, optionally back-quoted) and returns its exact origin. A needle
// that also names the statement's own table (a column called like its table)
// is looked for after the statement head, so the column is found, not the table.
func (p *Pass) findWord(st schemadiff.Statement, needle string) (schemadiff.Origin, bool) {
	if st.Source == nil {
		return schemadiff.Origin{}, false
	}
	// Only the first two matches are ever used.
	ms, ok := wordMatches(st.SQL, needle, 2)
	if !ok {
		re, err := p.compile(wordPattern(needle))
		if err != nil {
			return schemadiff.Origin{}, false
		}
		ms = nil
		for _, m := range re.FindAllStringSubmatchIndex(st.SQL, 2) {
			ms = append(ms, [2]int{m[4], m[5]})
		}
	}
	if len(ms) == 0 {
		return schemadiff.Origin{}, false
	}
	m := ms[0]
	if len(ms) > 1 && strings.EqualFold(needle, statementEntity(st.AST)) {
		m = ms[1]
	}
	return st.Source.Span(st.Origin.Offset+m[0], st.Origin.Offset+m[1]), true
}

// statementEntity is the table or view a CREATE or ALTER names in its head.
func statementEntity(ast sqlparser.Statement) string {
	switch s := ast.(type) {
	case *sqlparser.CreateTable:
		return s.Table.Name.String()
	case *sqlparser.AlterTable:
		return s.Table.Name.String()
	case *sqlparser.CreateView:
		return s.ViewName.Name.String()
	case *sqlparser.AlterView:
		return s.ViewName.Name.String()
	}
	return ""
}

// Run runs every enabled rule over the input and returns the findings after
// suppressions, sorted by file, line and column.
func Run(in *Input) []Finding {
	var raw []Finding
	changed := map[string]bool{}
	if in.Diff != nil {
		for _, c := range in.Diff.Changes {
			changed[c.Entity] = true
			if c.NewName != "" {
				changed[c.NewName] = true
			}
		}
	}
	byTable := tableChanges(in.Diff)
	index := newStatementIndex(in.Statements)
	type job struct {
		rule *Rule
		sev  Severity
		out  []Finding
	}
	var jobs []*job
	for _, r := range Rules() {
		sev := r.Severity
		if s, ok := in.Severities[r.ID]; ok {
			sev = s
		}
		if sev != Off {
			jobs = append(jobs, &job{rule: r, sev: sev})
		}
	}
	// The rules only read the input and the index, so they run on every
	// CPU; each worker has caches of its own (forWorker), and the findings
	// are gathered in the rules' order, so the output does not depend on
	// the schedule.
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(jobs), maxRuleWorkers) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ix := index.forWorker()
			for {
				i := int(next.Add(1)) - 1
				if i >= len(jobs) {
					return
				}
				j := jobs[i]
				runRule(&Pass{Input: in, rule: j.rule, findings: &j.out, changed: changed, tableChanges: byTable, index: ix})
				for k := range j.out {
					j.out[k].Severity = j.sev
				}
			}
		}()
	}
	wg.Wait()
	for _, j := range jobs {
		raw = append(raw, j.out...)
	}
	out := applySuppressions(in, raw)
	sortFindings(out)
	return dedupe(out)
}

// runRule runs one rule, turning a panic (a rule bug, or Vitess choking on a
// statement) into a finding rather than a crash.
func runRule(p *Pass) {
	defer func() {
		if r := recover(); r != nil {
			p.Report(schemadiff.Origin{}, "rule %s failed internally (%v); please report this with the SQL that caused it", p.rule.ID, r)
		}
	}()
	p.rule.Check(p)
}

func sortFindings(fs []Finding) {
	slices.SortStableFunc(fs, func(a, b Finding) int {
		return cmp.Or(strings.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line), cmp.Compare(a.Column, b.Column), strings.Compare(a.Rule, b.Rule))
	})
}

func dedupe(fs []Finding) []Finding {
	out := fs[:0]
	for i, f := range fs {
		if i > 0 && f == fs[i-1] {
			continue
		}
		out = append(out, f)
	}
	return out
}

// Truncate shortens s for a message, on a rune boundary (clip.Runes).
func Truncate(s string, n int) string { return clip.Runes(s, n) }

// Quote back-quotes an identifier for a message.
func Quote(name string) string { return schemadiff.QuoteName(name) }
