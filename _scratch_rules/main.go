package main

import (
	"fmt"
	"io"
	"log/slog"

	"github.com/ddlbot/ddlbot/schemadiff"
	vtlog "vitess.io/vitess/go/vt/log"
)

func main() {
	vtlog.SwapLogger(slog.New(slog.NewTextHandler(io.Discard, nil)))
	env, _ := schemadiff.NewEnv("")
	b, _ := env.LoadSQL("base.sql", "CREATE TABLE t (id int NOT NULL PRIMARY KEY, a varchar(100), b int, KEY ka (a), KEY kab (a, b));")
	for _, m := range []string{"ALTER TABLE t RENAME COLUMN a TO a2;", "ALTER TABLE t CHANGE COLUMN a a varchar(200);", "ALTER TABLE t CHANGE COLUMN a a2 varchar(200);"} {
		bl := env.NewBuilderFrom(b)
		bl.Apply(env.ParseSource(schemadiff.NewSource("m.sql", m)))
		h, err := bl.Finish()
		fmt.Println(m, err)
		fmt.Println(h.CreateStatements())
	}
}
