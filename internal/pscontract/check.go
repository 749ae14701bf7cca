package pscontract

import (
	"fmt"
	"strings"
	"testing"
)

// ErrorBody returns the schema of PlanetScale's error responses, which the
// excerpts leave undocumented: {"code":"not_found","message":"Not Found"}
// (PLANETSCALE_API.md). Other properties are allowed.
func ErrorBody() *Schema {
	return &Schema{
		Type: TypeObject,
		Properties: []Property{
			{Name: "code", Schema: &Schema{Type: TypeString}},
			{Name: "message", Schema: &Schema{Type: TypeString}},
		},
		Required: []string{"code", "message"},
	}
}

// CheckResponse fails t, listing every problem, unless body is a response
// PlanetScale documents for operation op with this status:
//   - a status with a documented body is validated against its schema under
//     ResponseOptions (null accepted for any property; a string "type" is
//     tolerated);
//   - a 4xx or 5xx status without a documented body must carry ErrorBody,
//     except that a 500 may also be {} (PLANETSCALE_API.md);
//   - any other status must be documented (a documented status without a
//     body, such as 204, accepts any body).
func CheckResponse(t testing.TB, op string, status int, body []byte) {
	t.Helper()
	o, err := Load(op)
	if err != nil {
		t.Fatal(err)
	}
	r := o.Response(status)
	switch {
	case r != nil && r.Schema != nil:
		report(t, fmt.Sprintf("%s %d response", op, status), ValidateWith(r.Schema, body, ResponseOptions()), body)
	case status >= 400:
		if status == 500 && strings.TrimSpace(string(body)) == "{}" {
			return
		}
		report(t, fmt.Sprintf("%s %d error response", op, status), Validate(ErrorBody(), body), body)
	case r == nil:
		t.Errorf("%s: PlanetScale documents no status %d (documented: %v); body: %s", op, status, o.Statuses(), clip(body))
	}
}

// CheckRequest fails t, listing every problem, unless body matches the
// request body schema of operation op. Requests are held to the schema
// strictly, except that null is accepted for any property.
func CheckRequest(t testing.TB, op string, body []byte) {
	t.Helper()
	s, err := Request(op)
	if err != nil {
		t.Fatal(err)
	}
	report(t, op+" request", Validate(s, body), body)
}

func report(t testing.TB, what string, problems []Problem, body []byte) {
	t.Helper()
	if len(problems) == 0 {
		return
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s does not match PlanetScale's published schema (%d problems):", what, len(problems))
	for _, p := range problems {
		b.WriteString("\n\t")
		b.WriteString(p.String())
	}
	fmt.Fprintf(&b, "\nbody: %s", clip(body))
	t.Error(b.String())
}

func clip(body []byte) string {
	const limit = 2000
	if len(body) > limit {
		return string(body[:limit]) + fmt.Sprintf("... (%d bytes)", len(body))
	}
	return string(body)
}
