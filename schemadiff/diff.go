package schemadiff

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"vitess.io/vitess/go/mysql/capabilities"
	vsd "vitess.io/vitess/go/vt/schemadiff"
	"vitess.io/vitess/go/vt/sqlparser"
)

// DiffOptions tune a diff.
type DiffOptions struct {
	// DetectRenames turns on Vitess' heuristic table and column rename
	// detection. Off by default, as PlanetScale's declarative diff shows a
	// rename as a drop and an add.
	DetectRenames bool
}

// ChangeKind is what a change does to its entity.
type ChangeKind string

// Change kinds.
const (
	CreateTable ChangeKind = "create_table"
	AlterTable  ChangeKind = "alter_table"
	DropTable   ChangeKind = "drop_table"
	RenameTable ChangeKind = "rename_table"
	CreateView  ChangeKind = "create_view"
	AlterView   ChangeKind = "alter_view"
	DropView    ChangeKind = "drop_view"
)

// RiskCode names one deploy-safety concern of a change.
type RiskCode string

// Risk codes. Each is explained by Risk.Message.
const (
	RiskDropsTable            RiskCode = "drops-table"
	RiskDropsColumn           RiskCode = "drops-column"
	RiskNarrowsColumn         RiskCode = "narrows-column"
	RiskRenamesTable          RiskCode = "renames-table"
	RiskRenamesColumn         RiskCode = "renames-column"
	RiskAddsUniqueKey         RiskCode = "adds-unique-key"
	RiskNotNullWithoutDefault RiskCode = "not-null-without-default"
	RiskNullableToNotNull     RiskCode = "nullable-to-not-null"
	RiskEnumChange            RiskCode = "enum-change"
	RiskPrimaryKeyChange      RiskCode = "primary-key-change"
	RiskAddsForeignKey        RiskCode = "adds-foreign-key"
	RiskDropsForeignKey       RiskCode = "drops-foreign-key"
	RiskNoSharedUniqueKey     RiskCode = "no-shared-unique-key"
)

// Risk is one safety concern of a change.
type Risk struct {
	Code RiskCode `json:"code"`
	// Column or Key names what the risk is about, when it is about one.
	Column string `json:"column,omitempty"`
	Key    string `json:"key,omitempty"`
	// DropsData is true when applying the change can lose stored data.
	DropsData bool   `json:"drops_data"`
	Message   string `json:"message"`
}

// Summary lists what a change adds, drops and changes in a table.
type Summary struct {
	ColumnsAdded       []string `json:"columns_added"`
	ColumnsDropped     []string `json:"columns_dropped"`
	ColumnsChanged     []string `json:"columns_changed"`
	ColumnsRenamed     []string `json:"columns_renamed"`
	IndexesAdded       []string `json:"indexes_added"`
	IndexesDropped     []string `json:"indexes_dropped"`
	IndexesChanged     []string `json:"indexes_changed"`
	ForeignKeysAdded   []string `json:"foreign_keys_added"`
	ForeignKeysDropped []string `json:"foreign_keys_dropped"`
}

// Change is one DDL statement of a diff with its analysis.
type Change struct {
	Kind ChangeKind `json:"kind"`
	// Entity is the table or view changed (the old name for a rename).
	Entity  string `json:"entity"`
	NewName string `json:"new_name,omitempty"`
	// Statement is the canonical DDL that makes the change.
	Statement string `json:"statement"`
	// Instant is true when MySQL can apply the change with ALGORITHM=INSTANT
	// on the diff's MySQL version (creating or dropping is instant by nature).
	Instant bool `json:"instant"`
	// DropsData is true when any risk drops data.
	DropsData bool    `json:"drops_data"`
	Summary   Summary `json:"summary"`
	Risks     []Risk  `json:"risks"`
	// Unified is the CREATE statement before and after as +/- lines.
	Unified string `json:"unified_diff"`

	from, to vsd.Entity
	alter    *sqlparser.AlterTable
}

// From returns the entity before the change (nil for a create).
func (c *Change) From() vsd.Entity { return c.from }

// To returns the entity after the change (nil for a drop).
func (c *Change) To() vsd.Entity { return c.to }

// AlterTable returns the ALTER TABLE of an alter_table change (nil otherwise).
func (c *Change) AlterTable() *sqlparser.AlterTable { return c.alter }

// HasRisk reports whether the change carries a risk with that code.
func (c *Change) HasRisk(code RiskCode) bool {
	for _, r := range c.Risks {
		if r.Code == code {
			return true
		}
	}
	return false
}

// Diff is the ordered set of changes that turns one schema into another.
type Diff struct {
	MySQLVersion string    `json:"mysql_version"`
	Changes      []*Change `json:"changes"`
}

// Empty reports whether the schemas are the same.
func (d *Diff) Empty() bool { return len(d.Changes) == 0 }

// DropsData reports whether any change can lose data.
func (d *Diff) DropsData() bool {
	for _, c := range d.Changes {
		if c.DropsData {
			return true
		}
	}
	return false
}

// Without returns d without the changes drop reports: d itself when it drops
// none, nil for a nil d. The rest keep their order; the caller answers for
// the rest applying without the changes left out.
func (d *Diff) Without(drop func(*Change) bool) *Diff {
	if d == nil {
		return nil
	}
	keep := make([]*Change, 0, len(d.Changes))
	for _, c := range d.Changes {
		if !drop(c) {
			keep = append(keep, c)
		}
	}
	if len(keep) == len(d.Changes) {
		return d
	}
	out := *d
	out.Changes = keep
	return &out
}

// Statements returns the ordered DDL.
func (d *Diff) Statements() []string {
	out := make([]string, 0, len(d.Changes))
	for _, c := range d.Changes {
		out = append(out, c.Statement)
	}
	return out
}

// Compute diffs two valid schemas (from → to) and analyses every change.
// Both schemas must have loaded without blocking problems.
func Compute(ctx context.Context, from, to *Schema, opts DiffOptions) (d *Diff, err error) {
	if from == nil || to == nil || from.vitess == nil || to.vitess == nil {
		return nil, errors.New("diff: both schemas must be valid (fix the load errors first)")
	}
	defer func() {
		if r := recover(); r != nil {
			d, err = nil, fmt.Errorf("diff: internal error in schema engine: %v", r)
		}
	}()
	hints := &vsd.DiffHints{
		TableCharsetCollateStrategy: vsd.TableCharsetCollateIgnoreAlways,
		AlterTableAlgorithmStrategy: vsd.AlterTableAlgorithmStrategyNone,
		EnumReorderStrategy:         vsd.EnumReorderStrategyAllow,
		ForeignKeyCheckStrategy:     vsd.ForeignKeyCheckStrategyStrict,
		SubsequentDiffStrategy:      vsd.SubsequentDiffStrategyAllow,
	}
	if opts.DetectRenames {
		hints.TableRenameStrategy = vsd.TableRenameHeuristicStatement
		hints.ColumnRenameStrategy = vsd.ColumnRenameHeuristicStatement
	}
	if ctx == nil {
		ctx = context.Background()
	}
	var groups [][]vsd.EntityDiff
	for _, names := range diffGroups(from, to, opts.DetectRenames) {
		ordered, err := orderGroup(ctx, from, to, names, hints)
		if err != nil {
			return nil, fmt.Errorf("order schema changes: %w", err)
		}
		if len(ordered) > 0 {
			groups = append(groups, ordered)
		}
	}
	sortGroups(groups)
	var ordered []vsd.EntityDiff
	for _, g := range groups {
		ordered = append(ordered, g...)
	}
	d = &Diff{MySQLVersion: from.env.mysqlVersion}
	capable := capabilities.MySQLVersionCapableOf(from.env.mysqlVersion)
	for _, ed := range ordered {
		for _, sub := range vsd.AllSubsequent(ed) {
			d.Changes = append(d.Changes, analyse(from, to, sub, capable))
		}
	}
	return d, nil
}

func entityName(e vsd.Entity) string {
	if e == nil {
		return ""
	}
	return e.Name()
}

func analyse(fromSchema, toSchema *Schema, ed vsd.EntityDiff, capable capabilities.CapableOf) *Change {
	from, to := ed.Entities()
	c := &Change{Statement: ed.CanonicalStatementString(), from: from, to: to}
	switch s := ed.Statement().(type) {
	case *sqlparser.CreateTable:
		c.Kind, c.Entity, c.Instant = CreateTable, s.Table.Name.String(), true
	case *sqlparser.DropTable:
		c.Kind, c.Entity, c.Instant = DropTable, entityName(from), true
		if c.Entity == "" && len(s.FromTables) > 0 {
			c.Entity = s.FromTables[0].Name.String()
		}
		c.Risks = append(c.Risks, Risk{Code: RiskDropsTable, DropsData: true,
			Message: fmt.Sprintf("drops table %s and every row in it", QuoteName(c.Entity))})
	case *sqlparser.RenameTable:
		c.Kind, c.Instant = RenameTable, true
		if len(s.TablePairs) > 0 {
			c.Entity, c.NewName = s.TablePairs[0].FromTable.Name.String(), s.TablePairs[0].ToTable.Name.String()
		}
		c.Risks = append(c.Risks, Risk{Code: RiskRenamesTable,
			Message: fmt.Sprintf("renames table %s to %s: queries that use the old name fail once it runs", QuoteName(c.Entity), QuoteName(c.NewName))})
	case *sqlparser.AlterTable:
		c.Kind, c.Entity, c.alter = AlterTable, s.Table.Name.String(), s
		ft, _ := from.(*vsd.CreateTableEntity)
		tt, _ := to.(*vsd.CreateTableEntity)
		if ft != nil && tt != nil {
			analyseAlter(c, ft, tt, s, capable)
		}
	case *sqlparser.CreateView:
		c.Kind, c.Entity, c.Instant = CreateView, s.ViewName.Name.String(), true
	case *sqlparser.AlterView:
		c.Kind, c.Entity, c.Instant = AlterView, s.ViewName.Name.String(), true
	case *sqlparser.DropView:
		c.Kind, c.Entity, c.Instant = DropView, entityName(from), true
	}
	sortSummary(&c.Summary)
	if c.Risks == nil {
		c.Risks = []Risk{}
	}
	for _, r := range c.Risks {
		if r.DropsData {
			c.DropsData = true
		}
	}
	switch c.Kind {
	case CreateTable, CreateView:
		c.Unified = unified(fromSchema, toSchema, "", c.Entity)
	case DropTable, DropView:
		c.Unified = unified(fromSchema, toSchema, c.Entity, "")
	case RenameTable:
		c.Unified = unified(fromSchema, toSchema, c.Entity, c.NewName)
	default:
		c.Unified = unified(fromSchema, toSchema, c.Entity, c.Entity)
	}
	return c
}

// unified renders the entity's CREATE statement before and after as a line
// diff, the way PlanetScale shows a deploy request's diff.
func unified(fromSchema, toSchema *Schema, fromName, toName string) string {
	var before, after string
	if e := fromSchema.entities[fromName]; fromName != "" && e != nil {
		before = sqlparser.CanonicalString(e.Create().Statement())
	}
	if e := toSchema.entities[toName]; toName != "" && e != nil {
		after = sqlparser.CanonicalString(e.Create().Statement())
	}
	return LineDiff(before, after)
}

// LineDiff returns a unified-style diff of two texts without hunk headers:
// every line, prefixed with "-" (only in a), "+" (only in b) or " " (both).
func LineDiff(a, b string) string {
	split := func(s string) []string {
		if s == "" {
			return nil
		}
		return strings.Split(s, "\n")
	}
	x, y := split(a), split(b)
	// Longest common subsequence table; CREATE statements are small.
	lcs := make([][]int, len(x)+1)
	for i := range lcs {
		lcs[i] = make([]int, len(y)+1)
	}
	for i := len(x) - 1; i >= 0; i-- {
		for j := len(y) - 1; j >= 0; j-- {
			if x[i] == y[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	var out []string
	i, j := 0, 0
	for i < len(x) || j < len(y) {
		switch {
		case i < len(x) && j < len(y) && x[i] == y[j]:
			out = append(out, " "+x[i])
			i++
			j++
		case j < len(y) && (i == len(x) || lcs[i][j+1] > lcs[i+1][j]):
			out = append(out, "+"+y[j])
			j++
		default:
			out = append(out, "-"+x[i])
			i++
		}
	}
	return strings.Join(out, "\n")
}

// QuoteName back-quotes a MySQL identifier, doubling any backtick in it.
func QuoteName(s string) string { return "`" + strings.ReplaceAll(s, "`", "``") + "`" }

func analyseAlter(c *Change, ft, tt *vsd.CreateTableEntity, alter *sqlparser.AlterTable, capable capabilities.CapableOf) {
	table := QuoteName(c.Entity)
	if ok, err := vsd.AlterTableCapableOfInstantDDL(alter, ft.CreateTable, capable); err == nil {
		c.Instant = ok
	}
	renamed := map[string]string{} // old lowered name → new name
	for _, o := range alter.AlterOptions {
		switch o := o.(type) {
		case *sqlparser.RenameColumn:
			renamed[o.OldName.Name.Lowered()] = o.NewName.Name.String()
		case *sqlparser.ChangeColumn:
			if !o.OldColumn.Name.Equal(o.NewColDefinition.Name) {
				renamed[o.OldColumn.Name.Lowered()] = o.NewColDefinition.Name.String()
			}
		}
	}
	fcols, tcols := ft.ColumnDefinitionEntitiesMap(), tt.ColumnDefinitionEntitiesMap()
	s := &c.Summary
	for _, col := range ft.ColumnDefinitionEntities() {
		name := col.NameLowered()
		target, ok := tcols[name]
		if nn, isRenamed := renamed[name]; isRenamed {
			s.ColumnsRenamed = append(s.ColumnsRenamed, col.Name()+" → "+nn)
			c.Risks = append(c.Risks, Risk{Code: RiskRenamesColumn, Column: col.Name(),
				Message: fmt.Sprintf("renames column %s to %s in %s: queries that use the old name fail once it runs", QuoteName(col.Name()), QuoteName(nn), table)})
			target, ok = tcols[strings.ToLower(nn)]
		}
		if !ok {
			s.ColumnsDropped = append(s.ColumnsDropped, col.Name())
			c.Risks = append(c.Risks, Risk{Code: RiskDropsColumn, Column: col.Name(), DropsData: true,
				Message: fmt.Sprintf("drops column %s of %s and the data in it", QuoteName(col.Name()), table)})
			continue
		}
		if columnDef(col) == columnDef(target) {
			continue
		}
		s.ColumnsChanged = append(s.ColumnsChanged, target.Name())
		analyseColumnChange(c, table, col, target)
	}
	for _, col := range tt.ColumnDefinitionEntities() {
		if _, ok := fcols[col.NameLowered()]; ok {
			continue
		}
		isRenameTarget := false
		for _, nn := range renamed {
			if strings.EqualFold(nn, col.Name()) {
				isRenameTarget = true
			}
		}
		if isRenameTarget {
			continue
		}
		s.ColumnsAdded = append(s.ColumnsAdded, col.Name())
		if !col.IsNullable() && !col.HasDefault() && !col.IsAutoIncrement() && !col.IsGenerated() {
			c.Risks = append(c.Risks, Risk{Code: RiskNotNullWithoutDefault, Column: col.Name(),
				Message: fmt.Sprintf("adds NOT NULL column %s to %s without a default: existing rows get the type's implicit default, and inserts that omit the column fail", QuoteName(col.Name()), table)})
		}
	}
	analyseKeys(c, table, ft, tt)
	analyseForeignKeys(c, table, ft, tt)
	if !c.Instant {
		if _, err := vsd.OnlineDDLMigrationTablesAnalysis(ft, tt, vsd.OnlineDDLAlterTableAnalysis(alter)); err != nil {
			c.Risks = append(c.Risks, Risk{Code: RiskNoSharedUniqueKey,
				Message: fmt.Sprintf("%s has no unique NOT NULL key shared by the old and new table, which online DDL needs to copy rows (%v)", table, err)})
		}
	}
}

func columnType(c *vsd.ColumnDefinitionEntity) string {
	return sqlparser.CanonicalString(c.ColumnDefinition.Type)
}

// columnDef is a column's definition without its name, so a pure rename does
// not count as a change.
func columnDef(c *vsd.ColumnDefinitionEntity) string {
	return sqlparser.CanonicalString(c.ColumnDefinition.Type)
}

func analyseColumnChange(c *Change, table string, from, to *vsd.ColumnDefinitionEntity) {
	col := QuoteName(to.Name())
	if narrows, why := narrowing(from, to); narrows {
		c.Risks = append(c.Risks, Risk{Code: RiskNarrowsColumn, Column: to.Name(), DropsData: true,
			Message: fmt.Sprintf("changes %s.%s from %s to %s, which cannot hold every existing value (%s): values are cut or the change fails", table, col, columnType(from), columnType(to), why)})
	}
	if charsetChanged(from, to) {
		// Vitess' INSTANT analysis misses charset changes; MySQL copies the table for them.
		c.Instant = false
	}
	if from.IsNullable() && !to.IsNullable() {
		c.Risks = append(c.Risks, Risk{Code: RiskNullableToNotNull, Column: to.Name(),
			Message: fmt.Sprintf("makes %s.%s NOT NULL: the change fails if any row holds NULL there", table, col)})
	}
	if from.HasEnumValues() && to.HasEnumValues() {
		removed, moved := EnumChanges(from.EnumValues(), to.EnumValues())
		reordered := len(moved) > 0
		switch {
		case len(removed) > 0:
			c.Risks = append(c.Risks, Risk{Code: RiskEnumChange, Column: to.Name(), DropsData: true,
				Message: fmt.Sprintf("removes %s from %s.%s: rows holding them lose their value", strings.Join(removed, ", "), table, col)})
		case reordered:
			c.Risks = append(c.Risks, Risk{Code: RiskEnumChange, Column: to.Name(),
				Message: fmt.Sprintf("reorders the values of %s.%s: stored ordinals change meaning, and the change needs a full table copy", table, col)})
		}
	}
}

// EnumChanges compares two ENUM/SET value lists: the values of from missing
// in to, and the values present in both whose position changes (appending
// values moves none).
func EnumChanges(from, to []string) (removed, moved []string) {
	pos := make(map[string]int, len(to))
	for i, v := range to {
		pos[v] = i
	}
	for i, v := range from {
		j, ok := pos[v]
		switch {
		case !ok:
			removed = append(removed, v)
		case j != i:
			moved = append(moved, v)
		}
	}
	return removed, moved
}

func analyseKeys(c *Change, table string, ft, tt *vsd.CreateTableEntity) {
	fk, tk := ft.IndexDefinitionEntitiesMap(), tt.IndexDefinitionEntitiesMap()
	def := func(i *vsd.IndexDefinitionEntity) string { return sqlparser.CanonicalString(i.IndexDefinition) }
	s := &c.Summary
	var fpk, tpk *vsd.IndexDefinitionEntity
	for _, k := range ft.IndexDefinitionEntities() {
		if k.IsPrimary() {
			fpk = k
			continue
		}
		if _, ok := tk[k.NameLowered()]; !ok {
			s.IndexesDropped = append(s.IndexesDropped, k.Name())
		}
	}
	for _, k := range tt.IndexDefinitionEntities() {
		if k.IsPrimary() {
			tpk = k
			continue
		}
		old, ok := fk[k.NameLowered()]
		switch {
		case !ok:
			s.IndexesAdded = append(s.IndexesAdded, k.Name())
		case def(old) != def(k):
			s.IndexesChanged = append(s.IndexesChanged, k.Name())
		default:
			continue
		}
		if k.IsUnique() && (!ok || !old.IsUnique() || def(old) != def(k)) {
			c.Risks = append(c.Risks, Risk{Code: RiskAddsUniqueKey, Key: k.Name(),
				Message: fmt.Sprintf("adds unique key %s on %s (%s): the change fails if existing rows hold duplicates", QuoteName(k.Name()), table, strings.Join(k.ColumnNames(), ", "))})
		}
	}
	pkCols := func(k *vsd.IndexDefinitionEntity) string {
		if k == nil {
			return ""
		}
		return strings.Join(k.ColumnNames(), ",")
	}
	if pkCols(fpk) != pkCols(tpk) || (fpk != nil && tpk != nil && def(fpk) != def(tpk)) {
		c.Risks = append(c.Risks, Risk{Code: RiskPrimaryKeyChange, Key: "PRIMARY",
			Message: fmt.Sprintf("changes the primary key of %s from (%s) to (%s): a full table copy, and duplicates make it fail", table, pkCols(fpk), pkCols(tpk))})
	}
}

func foreignKeys(t *vsd.CreateTableEntity) map[string]string {
	out := map[string]string{}
	for _, cons := range t.TableSpec.Constraints {
		if fk, ok := cons.Details.(*sqlparser.ForeignKeyDefinition); ok {
			out[cons.Name.String()] = sqlparser.CanonicalString(fk)
		}
	}
	return out
}

func analyseForeignKeys(c *Change, table string, ft, tt *vsd.CreateTableEntity) {
	ffk, tfk := foreignKeys(ft), foreignKeys(tt)
	s := &c.Summary
	for _, name := range sortedKeys(tfk) {
		if old, ok := ffk[name]; !ok || old != tfk[name] {
			s.ForeignKeysAdded = append(s.ForeignKeysAdded, name)
			c.Risks = append(c.Risks, Risk{Code: RiskAddsForeignKey, Key: name,
				Message: fmt.Sprintf("adds foreign key %s on %s: writes are checked against the parent table, and the change fails if existing rows break it", QuoteName(name), table)})
		}
	}
	for _, name := range sortedKeys(ffk) {
		if nd, ok := tfk[name]; !ok || nd != ffk[name] {
			s.ForeignKeysDropped = append(s.ForeignKeysDropped, name)
			c.Risks = append(c.Risks, Risk{Code: RiskDropsForeignKey, Key: name,
				Message: fmt.Sprintf("drops foreign key %s of %s: the database stops enforcing that relationship", QuoteName(name), table)})
		}
	}
}

func sortedKeys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func sortSummary(s *Summary) {
	for _, l := range []*[]string{&s.ColumnsAdded, &s.ColumnsDropped, &s.ColumnsChanged, &s.ColumnsRenamed, &s.IndexesAdded, &s.IndexesDropped, &s.IndexesChanged, &s.ForeignKeysAdded, &s.ForeignKeysDropped} {
		if *l == nil {
			*l = []string{}
		}
		sort.Strings(*l)
	}
}
