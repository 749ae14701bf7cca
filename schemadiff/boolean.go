package schemadiff

import (
	"strings"

	"vitess.io/vitess/go/vt/sqlparser"
)

// booleanColumns rewrites BOOL/BOOLEAN columns to tinyint(1) with their
// default quoted as MySQL stores it, before Vitess sees the statement. Vitess'
// own boolean normalisation keeps only a TRUE/FALSE default and silently drops
// any other (DEFAULT 0, DEFAULT '1', DEFAULT NULL), which would make a plan
// that removes production's default. It reports whether it changed anything.
func booleanColumns(stmt sqlparser.Statement) bool {
	changed := false
	fix := func(col *sqlparser.ColumnDefinition) {
		if col == nil || col.Type == nil {
			return
		}
		switch strings.ToLower(col.Type.Type) {
		case "bool", "boolean":
		default:
			return
		}
		col.Type.Type = "tinyint"
		one := 1
		col.Type.Length = &one
		changed = true
		if opts := col.Type.Options; opts != nil && opts.Default != nil {
			if text, ok := numericLiteral(opts.Default); ok {
				opts.Default = sqlparser.NewStrLiteral(text)
				opts.DefaultLiteral = true
			}
		}
	}
	for _, col := range columnDefinitions(stmt) {
		fix(col)
	}
	return changed
}
