package lint

import (
	"regexp"
	"strings"

	"vitess.io/vitess/go/vt/sqlparser"
)

var ruleZeroDate = &Rule{
	ID:       "zero-date",
	Category: CategoryStyle,
	Severity: Error,
	Summary:  "A DATE, DATETIME or TIMESTAMP column whose DEFAULT is a zero date ('0000-00-00') or has a zero month or day.",
	Why: "MySQL 8.0's default SQL mode (NO_ZERO_DATE, NO_ZERO_IN_DATE with strict mode), which PlanetScale uses, rejects such defaults: " +
		"the CREATE or ALTER fails with \"Invalid default value\". Zero dates are also not real dates, and most drivers and languages cannot represent them.",
	Fix: "Make the column NULL and use NULL for \"no date\" (or a real date, or CURRENT_TIMESTAMP for a creation time).",
	Check: func(p *Pass) {
		for t, c := range p.touchedColumns() {
			typ := strings.ToLower(c.Type())
			if (typ != "date" && typ != "datetime" && typ != "timestamp") || c.ColumnDefinition.Type.Options == nil {
				continue
			}
			if why := zeroDateProblem(c.ColumnDefinition.Type.Options.Default); why != "" {
				p.Report(p.Locate(t.Name(), c.Name()), "column %s.%s (%s) has DEFAULT %s, %s: MySQL's default SQL mode rejects it",
					Quote(t.Name()), Quote(c.Name()), strings.ToUpper(typ), sqlparser.CanonicalString(c.ColumnDefinition.Type.Options.Default), why)
			}
		}
	},
}

var reDatePrefix = regexp.MustCompile(`^\s*(\d{1,4})-(\d{1,2})-(\d{1,2})`)

// zeroDateProblem says what is wrong with a default value ("" when nothing is).
func zeroDateProblem(def sqlparser.Expr) string {
	lit, ok := def.(*sqlparser.Literal)
	if !ok {
		return ""
	}
	if lit.Type == sqlparser.IntVal || lit.Type == sqlparser.DecimalVal {
		if strings.Trim(lit.Val, "0.") == "" {
			return "a zero date"
		}
		return ""
	}
	m := reDatePrefix.FindStringSubmatch(lit.Val)
	if m == nil {
		return ""
	}
	zero := func(s string) bool { return strings.Trim(s, "0") == "" }
	switch {
	case zero(m[1]) && zero(m[2]) && zero(m[3]):
		return "a zero date"
	case zero(m[2]) || zero(m[3]):
		return "a date with a zero month or day"
	}
	return ""
}

func init() { register(ruleZeroDate) }
