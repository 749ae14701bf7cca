package lint

import (
	"strings"

	"github.com/ddlbot/ddlbot/schemadiff"
)

var ruleReservedWord = &Rule{
	ID:       "reserved-word",
	Category: CategoryStyle,
	Severity: Warning,
	Summary:  "A table, view or column named after a MySQL reserved word (such as `order`, `rank`, `groups`, `key`, `system`).",
	Why: "Every query must back-quote the name, or it fails with a syntax error, often only on some code path or after a MySQL upgrade " +
		"(`rank`, `groups`, `lead`, `system` and the other window-function words became reserved in MySQL 8.0; `qualify` and `tablesample` in 8.4). " +
		"ORMs and hand-written SQL get this wrong regularly.",
	Fix: "Choose another name (`sort_order`, `user_rank`, `user_groups`, ...). If the name must stay, suppress with a reason and always back-quote it.",
	Check: func(p *Pass) {
		for _, t := range p.Tables() {
			if nameIntroduced(p, t.Name(), "") {
				reportReservedWord(p, t.Name(), t.Name(), "table "+Quote(t.Name()))
			}
			for _, c := range p.columns(t) {
				if nameIntroduced(p, t.Name(), c.Name()) {
					reportReservedWord(p, t.Name(), c.Name(), "column "+Quote(t.Name())+"."+Quote(c.Name()))
				}
			}
		}
		for _, v := range p.Views() {
			if viewCreated(p, v.Name()) {
				reportReservedWord(p, v.Name(), v.Name(), "view "+Quote(v.Name()))
			}
		}
	},
}

func reportReservedWord(p *Pass, entity, name, what string) {
	since, ok := reservedWords[strings.ToLower(name)]
	if !ok {
		return
	}
	at := p.Locate(entity, name)
	hint := ""
	if src := sourceOfOrigin(p, at); src != nil && at.Offset < len(src.Text) && src.Text[at.Offset] != '`' &&
		strings.EqualFold(src.Text[at.Offset:min(len(src.Text), at.Offset+len(name))], name) {
		hint = "; written without back-quotes as here, the statement fails on MySQL " + since + " (the Vitess parser accepts it)"
	}
	p.Report(at, "%s is named after a word reserved in MySQL %s: every query must back-quote it%s", what, since, hint)
}

// sourceOfOrigin returns the source of a linted file by name.
func sourceOfOrigin(p *Pass, at schemadiff.Origin) *schemadiff.Source {
	for _, st := range p.Statements {
		if st.Source != nil && st.Source.Name == at.File {
			return st.Source
		}
	}
	return nil
}

// viewCreated reports whether the change creates the view (always true without a diff).
func viewCreated(p *Pass, name string) bool {
	if p.Diff == nil {
		return true
	}
	for _, c := range p.Diff.Changes {
		if c.Kind == schemadiff.CreateView && c.Entity == name {
			return true
		}
	}
	return false
}

// reservedWords are the reserved words of MySQL 8.0 (marked (R) in the
// manual's "Keywords and Reserved Words" list, as of 8.0.40), plus the four
// that MySQL 8.4 added. Words that were reserved only briefly (ARRAY in
// 8.0.17–8.0.18) or only before 8.0 (ANALYSE, SQL_CACHE, ...) are left out.
// The Vitess parser's keyword table is no substitute: it mixes MySQL's
// reserved words with words Vitess handles specially and accepts several
// MySQL reserved words (such as RANK) as plain identifiers.
var reservedWords = func() map[string]string {
	m := map[string]string{}
	for _, w := range strings.Fields(reservedWords80) {
		m[strings.ToLower(w)] = "8.0"
	}
	for _, w := range strings.Fields(reservedWords84) {
		m[strings.ToLower(w)] = "8.4"
	}
	return m
}()

const reservedWords84 = `MANUAL PARALLEL QUALIFY TABLESAMPLE`

const reservedWords80 = `
ACCESSIBLE ADD ALL ALTER ANALYZE AND AS ASC ASENSITIVE
BEFORE BETWEEN BIGINT BINARY BLOB BOTH BY
CALL CASCADE CASE CHANGE CHAR CHARACTER CHECK COLLATE COLUMN CONDITION CONSTRAINT CONTINUE CONVERT CREATE CROSS
CUBE CUME_DIST CURRENT_DATE CURRENT_TIME CURRENT_TIMESTAMP CURRENT_USER CURSOR
DATABASE DATABASES DAY_HOUR DAY_MICROSECOND DAY_MINUTE DAY_SECOND DEC DECIMAL DECLARE DEFAULT DELAYED DELETE
DENSE_RANK DESC DESCRIBE DETERMINISTIC DISTINCT DISTINCTROW DIV DOUBLE DROP DUAL
EACH ELSE ELSEIF EMPTY ENCLOSED ESCAPED EXCEPT EXISTS EXIT EXPLAIN
FALSE FETCH FIRST_VALUE FLOAT FLOAT4 FLOAT8 FOR FORCE FOREIGN FROM FULLTEXT FUNCTION
GENERATED GET GRANT GROUP GROUPING GROUPS
HAVING HIGH_PRIORITY HOUR_MICROSECOND HOUR_MINUTE HOUR_SECOND
IF IGNORE IN INDEX INFILE INNER INOUT INSENSITIVE INSERT INT INT1 INT2 INT3 INT4 INT8 INTEGER INTERSECT INTERVAL INTO
IO_AFTER_GTIDS IO_BEFORE_GTIDS IS ITERATE
JOIN JSON_TABLE
KEY KEYS KILL
LAG LAST_VALUE LATERAL LEAD LEADING LEAVE LEFT LIKE LIMIT LINEAR LINES LOAD LOCALTIME LOCALTIMESTAMP LOCK LONG
LONGBLOB LONGTEXT LOOP LOW_PRIORITY
MASTER_BIND MASTER_SSL_VERIFY_SERVER_CERT MATCH MAXVALUE MEDIUMBLOB MEDIUMINT MEDIUMTEXT MIDDLEINT
MINUTE_MICROSECOND MINUTE_SECOND MOD MODIFIES
NATURAL NOT NO_WRITE_TO_BINLOG NTH_VALUE NTILE NULL NUMERIC
OF ON OPTIMIZE OPTIMIZER_COSTS OPTION OPTIONALLY OR ORDER OUT OUTER OUTFILE OVER
PARTITION PERCENT_RANK PRECISION PRIMARY PROCEDURE PURGE
RANGE RANK READ READS READ_WRITE REAL RECURSIVE REFERENCES REGEXP RELEASE RENAME REPEAT REPLACE REQUIRE RESIGNAL
RESTRICT RETURN REVOKE RIGHT RLIKE ROW ROWS ROW_NUMBER
SCHEMA SCHEMAS SECOND_MICROSECOND SELECT SENSITIVE SEPARATOR SET SHOW SIGNAL SMALLINT SPATIAL SPECIFIC SQL
SQLEXCEPTION SQLSTATE SQLWARNING SQL_BIG_RESULT SQL_CALC_FOUND_ROWS SQL_SMALL_RESULT SSL STARTING STORED
STRAIGHT_JOIN SYSTEM
TABLE TERMINATED THEN TINYBLOB TINYINT TINYTEXT TO TRAILING TRIGGER TRUE
UNDO UNION UNIQUE UNLOCK UNSIGNED UPDATE USAGE USE USING UTC_DATE UTC_TIME UTC_TIMESTAMP
VALUES VARBINARY VARCHAR VARCHARACTER VARYING VIRTUAL
WHEN WHERE WHILE WINDOW WITH WRITE
XOR
YEAR_MONTH
ZEROFILL
`

func init() { register(ruleReservedWord) }
