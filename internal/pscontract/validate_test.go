package pscontract

import (
	"encoding/json"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
)

// thingSchema is a hand-made schema exercising every keyword the validator enforces.
func thingSchema(t *testing.T) *Schema {
	t.Helper()
	op, err := Parse(op201("type: object properties: " +
		"id: type: string n: type: integer ratio: type: number ok: type: boolean " +
		"state: type: string enum: - open - closed " +
		"actor: type: object properties: id: type: string name: type: string additionalProperties: false required: - id - name " +
		"ops: type: array items: type: object properties: state: type: string enum: - pending - done eta: type: integer additionalProperties: false required: - state " +
		"tags: type: array items: type: string " +
		"free: type: object additionalProperties: true " +
		"labels: type: object additionalProperties: type: string " +
		"additionalProperties: false required: - id - n"))
	if err != nil {
		t.Fatal(err)
	}
	return op.Response(201).Schema
}

func TestValidate(t *testing.T) {
	s := thingSchema(t)
	tests := []struct {
		name string
		json string
		want []string // Problem.String()s, in order
	}{
		{"minimal", `{"id":"a","n":1}`, nil},
		{"everything", `{"id":"a","n":1,"ratio":1.5,"ok":true,"state":"open","actor":{"id":"u","name":"U"},
			"ops":[{"state":"done","eta":3}],"tags":["x"],"free":{"any":[1,{}]},"labels":{"k":"v"}}`, nil},
		{"an integer satisfies number", `{"id":"a","n":1,"ratio":2}`, nil},
		{"null is accepted for any property, required or not", `{"id":null,"n":null,"actor":null,"ops":null,"state":null,"labels":{"k":null}}`, nil},
		{"missing required", `{"ratio":1}`, []string{
			"$.id: missing required property",
			"$.n: missing required property",
		}},
		{"a float does not satisfy integer", `{"id":"a","n":1.5}`, []string{"$.n: got number 1.5, want integer"}},
		{"1.0 is written as a float", `{"id":"a","n":1.0}`, []string{"$.n: got number 1.0, want integer"}},
		{"wrong types", `{"id":7,"n":"1","ok":"true","ratio":"x","tags":"x","actor":[]}`, []string{
			`$.actor: got array [0 items], want object`,
			`$.id: got integer 7, want string`,
			`$.n: got string "1", want integer`,
			`$.ok: got string "true", want boolean`,
			`$.ratio: got string "x", want number`,
			`$.tags: got string "x", want array`,
		}},
		{"enum", `{"id":"a","n":1,"state":"merged"}`, []string{`$.state: "merged" is not one of [open closed]`}},
		{"unknown properties", `{"id":"a","n":1,"type":"Thing","weird key":1,"actor":{"id":"u","name":"U","email":"x"}}`, []string{
			"$.actor.email: unknown property (the schema has additionalProperties: false)",
			"$.type: unknown property (the schema has additionalProperties: false)",
			`$["weird key"]: unknown property (the schema has additionalProperties: false)`,
		}},
		{"recursion through arrays and objects", `{"id":"a","n":1,"actor":{"id":1},"ops":[{"state":"done"},{"eta":2.5,"x":1},null],"tags":["a",2],"labels":{"k":3}}`, []string{
			"$.actor.name: missing required property",
			"$.actor.id: got integer 1, want string",
			"$.labels.k: got integer 3, want string",
			"$.ops[1].state: missing required property",
			"$.ops[1].eta: got number 2.5, want integer",
			"$.ops[1].x: unknown property (the schema has additionalProperties: false)",
			"$.ops[2]: got null, want object",
			"$.tags[1]: got integer 2, want string",
		}},
		{"null body", `null`, []string{"$: got null, want object"}},
		{"not JSON", `{"id":`, []string{"$: invalid JSON: unexpected EOF"}},
		{"two values", `{"id":"a","n":1} {}`, []string{"$: invalid JSON: data after the first value"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, p := range Validate(s, []byte(tt.json)) {
				got = append(got, p.String())
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("problems\n got %q\nwant %q", got, tt.want)
			}
		})
	}
}

func TestValidateKindsAndOptions(t *testing.T) {
	s := thingSchema(t)
	kinds := func(ps []Problem) []ProblemKind {
		var out []ProblemKind
		for _, p := range ps {
			out = append(out, p.Kind)
		}
		return out
	}
	if got := kinds(Validate(s, []byte(`{"n":1.5,"state":"x","zzz":1}`))); !slices.Equal(got, []ProblemKind{Missing, WrongType, NotInEnum, Unknown}) {
		t.Errorf("kinds = %v", got)
	}
	if got := kinds(Validate(s, []byte(`[`))); !slices.Equal(got, []ProblemKind{InvalidJSON}) {
		t.Errorf("kinds = %v", got)
	}

	// StrictNull: null only where nullable.
	body := []byte(`{"id":null,"n":1}`)
	if got := ValidateWith(s, body, Options{StrictNull: true}); len(got) != 1 || got[0].String() != "$.id: got null, want string" {
		t.Errorf("StrictNull: %v", got)
	}
	nullable := &Schema{Type: TypeObject, Properties: []Property{{Name: "id", Schema: &Schema{Type: TypeString, Nullable: true}}}}
	if got := ValidateWith(nullable, body, Options{StrictNull: true}); len(got) != 0 {
		t.Errorf("StrictNull with nullable: %v", got)
	}

	// ResponseOptions tolerates a string "type", and nothing else.
	for _, tt := range []struct {
		json string
		want int
	}{{`{"id":"a","n":1,"type":"Thing","actor":{"id":"u","name":"U","type":"User"}}`, 0}, {`{"id":"a","n":1,"type":1}`, 1}, {`{"id":"a","n":1,"kind":"x"}`, 1}} {
		if got := ValidateWith(s, []byte(tt.json), ResponseOptions()); len(got) != tt.want {
			t.Errorf("ResponseOptions %s: %v", tt.json, got)
		}
	}

	// ValidateValue takes values decoded without UseNumber, too.
	var v any
	if err := json.Unmarshal([]byte(`{"id":"a","n":2,"ratio":0.5}`), &v); err != nil {
		t.Fatal(err)
	}
	if got := ValidateValue(s, v, Options{}); len(got) != 0 {
		t.Errorf("ValidateValue: %v", got)
	}
}

// recorder is a testing.TB that records failures instead of failing.
type recorder struct {
	testing.TB
	mu     sync.Mutex
	errors []string
	fatal  bool
}

func (r *recorder) Helper() {}
func (r *recorder) Error(args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errors = append(r.errors, fmt.Sprint(args...))
}
func (r *recorder) Errorf(format string, args ...any) { r.Error(fmt.Sprintf(format, args...)) }
func (r *recorder) Fatal(args ...any) {
	r.Error(args...)
	r.fatal = true
	runtime.Goexit()
}
func (r *recorder) Fatalf(format string, args ...any) { r.Fatal(fmt.Sprintf(format, args...)) }

// run calls f with a recorder on its own goroutine, so Fatal can stop it.
func run(t *testing.T, f func(tb testing.TB)) *recorder {
	r := &recorder{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		f(r)
	}()
	<-done
	return r
}

func TestCheckResponse(t *testing.T) {
	const webhook = `{"id":"w1","url":"https://x","secret":"s","enabled":true,"last_sent_result":null,"last_sent_success":null,
		"last_sent_at":null,"created_at":"2025-01-01T00:00:00Z","updated_at":"2025-01-01T00:00:00Z","events":["deploy_request.opened"]}`
	tests := []struct {
		name   string
		op     string
		status int
		body   string
		want   []string // substrings of the one failure; nil: passes
		fatal  bool
	}{
		{"valid", "create_webhook", 201, webhook, nil, false},
		{"valid with a type discriminator", "create_webhook", 201, strings.Replace(webhook, `"id"`, `"type":"Webhook","id"`, 1), nil, false},
		{"missing and wrong", "create_webhook", 201, strings.NewReplacer(`"secret":"s",`, "", `"enabled":true`, `"enabled":"yes"`, `"deploy_request.opened"`, `"deploy_request.merged"`).Replace(webhook),
			[]string{"create_webhook 201 response does not match", "(3 problems)", "$.secret: missing required property",
				`$.enabled: got string "yes", want boolean`, `$.events[0]: "deploy_request.merged" is not one of`}, false},
		{"error body", "create_webhook", 404, `{"code":"not_found","message":"Not Found"}`, nil, false},
		{"undocumented error status, error body", "create_webhook", 422, `{"code":"unprocessable","message":"Bad"}`, nil, false},
		{"500 may be {}", "create_webhook", 500, `{}`, nil, false},
		{"bad error body", "create_webhook", 404, `{"error":"nope"}`, []string{"create_webhook 404 error response", "$.code: missing required property", "$.message: missing required property"}, false},
		{"undocumented success status", "create_webhook", 200, webhook, []string{"create_webhook: PlanetScale documents no status 200 (documented: [201 401 403 404 500])"}, false},
		{"unknown operation", "create_widget", 201, `{}`, []string{`no excerpt for operation "create_widget"`}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := run(t, func(tb testing.TB) { CheckResponse(tb, tt.op, tt.status, []byte(tt.body)) })
			checkRecorded(t, r, tt.want, tt.fatal)
		})
	}
}

func TestCheckRequest(t *testing.T) {
	tests := []struct {
		name, op, body string
		want           []string
		fatal          bool
	}{
		{"valid", "create_deploy_request", `{"branch":"ddlbot-pr-7","into_branch":"main","notes":"PR #7","auto_cutover":false}`, nil, false},
		{"missing required", "create_deploy_request", `{"branch":"ddlbot-pr-7"}`, []string{"create_deploy_request request does not match", "$.into_branch: missing required property"}, false},
		{"unknown and wrong type", "create_password", `{"role":"owner","ttl":"3600","type":"Password"}`, []string{
			`$.role: "owner" is not one of [reader writer admin readwriter]`, `$.ttl: got string "3600", want integer`, "$.type: unknown property"}, false},
		{"close", "close_deploy_request", `{"state":"closed"}`, nil, false},
		{"close with another state", "close_deploy_request", `{"state":"open"}`, []string{`$.state: "open" is not one of [closed]`}, false},
		{"no request body", "cancel_deploy_request", `{}`, []string{"cancel_deploy_request takes no request body"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := run(t, func(tb testing.TB) { CheckRequest(tb, tt.op, []byte(tt.body)) })
			checkRecorded(t, r, tt.want, tt.fatal)
		})
	}
}

func checkRecorded(t *testing.T, r *recorder, want []string, fatal bool) {
	t.Helper()
	if want == nil {
		if len(r.errors) > 0 {
			t.Errorf("unexpected failure: %s", strings.Join(r.errors, "\n"))
		}
		return
	}
	if len(r.errors) != 1 {
		t.Fatalf("failures = %q, want one", r.errors)
	}
	for _, w := range want {
		if !strings.Contains(r.errors[0], w) {
			t.Errorf("failure lacks %q:\n%s", w, r.errors[0])
		}
	}
	if r.fatal != fatal {
		t.Errorf("fatal = %v, want %v", r.fatal, fatal)
	}
}

func TestLoad(t *testing.T) {
	want := []string{"cancel_deploy_request", "close_deploy_request", "complete_errored_deploy", "complete_gated_deploy_request",
		"complete_revert", "create_backup", "create_branch", "create_database", "create_deploy_request", "create_password", "create_webhook"}
	if got := Names(); !slices.Equal(got, want) {
		t.Errorf("Names() = %v", got)
	}
	a, err := Load("create_branch")
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := Load("create_branch"); a != b {
		t.Error("Load does not cache")
	}
	if _, err := Response("create_branch", 401); err == nil || !strings.Contains(err.Error(), "no body for status 401") {
		t.Errorf("Response 401: %v", err)
	}
	if _, err := Response("create_branch", 200); err == nil || !strings.Contains(err.Error(), "no status 200") {
		t.Errorf("Response 200: %v", err)
	}
	if s, err := Request("create_branch"); err != nil || !s.IsRequired("parent_branch") {
		t.Errorf("Request = %v, %v", s, err)
	}
}
