package mysqlsrv

import (
	"slices"
	"strings"

	"vitess.io/vitess/go/sqltypes"
)

// sysVars are the system variables a client may ask about, with MySQL 8.0's defaults. They are the
// same in every scope, and SET does not change them.
var sysVars = map[string]func(q *queryRun) sqltypes.Value{
	"max_allowed_packet":       intVar(67108864),
	"version":                  func(q *queryRun) sqltypes.Value { return sqltypes.NewVarChar(q.h.version) },
	"version_comment":          strVar("localscale (PlanetScale emulator)"),
	"version_compile_os":       strVar("Linux"),
	"version_compile_machine":  strVar("x86_64"),
	"hostname":                 strVar("localscale"),
	"transaction_isolation":    strVar("REPEATABLE-READ"),
	"tx_isolation":             strVar("REPEATABLE-READ"),
	"transaction_read_only":    intVar(0),
	"tx_read_only":             intVar(0),
	"read_only":                intVar(0),
	"super_read_only":          intVar(0),
	"autocommit":               intVar(1),
	"sql_mode":                 strVar("ONLY_FULL_GROUP_BY,STRICT_TRANS_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION"),
	"character_set_client":     strVar("utf8mb4"),
	"character_set_connection": strVar("utf8mb4"),
	"character_set_results":    strVar("utf8mb4"),
	"character_set_server":     strVar("utf8mb4"),
	"character_set_database":   strVar("utf8mb4"),
	"character_set_system":     strVar("utf8mb3"),
	"collation_connection":     strVar("utf8mb4_0900_ai_ci"),
	"collation_server":         strVar("utf8mb4_0900_ai_ci"),
	"collation_database":       strVar("utf8mb4_0900_ai_ci"),
	"default_storage_engine":   strVar("InnoDB"),
	"time_zone":                strVar("SYSTEM"),
	"system_time_zone":         strVar("UTC"),
	"lower_case_table_names":   intVar(0),
	"auto_increment_increment": intVar(1),
	"auto_increment_offset":    intVar(1),
	"foreign_key_checks":       intVar(1),
	"unique_checks":            intVar(1),
	"sql_safe_updates":         intVar(0),
	"sql_select_limit":         func(*queryRun) sqltypes.Value { return sqltypes.NewUint64(18446744073709551615) },
	"wait_timeout":             intVar(28800),
	"interactive_timeout":      intVar(28800),
	"net_read_timeout":         intVar(30),
	"net_write_timeout":        intVar(60),
	"max_connections":          intVar(151),
	"init_connect":             strVar(""),
	"license":                  strVar("GPL"),
	"performance_schema":       intVar(0),
	"have_ssl":                 strVar("DISABLED"),
}

// sysVarNames lists sysVars in order, for SHOW VARIABLES.
var sysVarNames = func() []string {
	names := make([]string, 0, len(sysVars))
	for n := range sysVars {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}()

func intVar(n int64) func(*queryRun) sqltypes.Value {
	return func(*queryRun) sqltypes.Value { return sqltypes.NewInt64(n) }
}

func strVar(s string) func(*queryRun) sqltypes.Value {
	return func(*queryRun) sqltypes.Value { return sqltypes.NewVarChar(s) }
}

// sysVar returns the value of the system variable name (any case), or ERROR 1193.
func (q *queryRun) sysVar(name string) (sqltypes.Value, error) {
	f, ok := sysVars[strings.ToLower(name)]
	if !ok {
		return sqltypes.Value{}, errUnknownSysVar(name)
	}
	return f(q), nil
}
