package githubfake

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// SpecPath is the vendored OpenAPI subset, relative to the repository root.
// scripts/vendor-github-testdata.sh regenerates it.
const SpecPath = "testdata/github/openapi-subset.json"

// Spec is GitHub's OpenAPI description (the vendored subset), compiled for
// checking requests and responses.
type Spec struct {
	// Source names where the subset came from (npm package and version).
	Source string
	routes []*route
}

// An Operation is one operation of the Spec.
type Operation struct {
	// ID is GitHub's operationId, such as "checks/create".
	ID string
	// Method is the HTTP method in upper case.
	Method string
	// Template is the path template, such as "/repos/{owner}/{repo}/check-runs".
	Template string

	params       []*param
	bodyRequired bool
	body         *jsonschema.Schema
	responses    map[string]*jsonschema.Schema // status code → schema of the JSON body
	statuses     map[string]bool               // every documented status
}

type param struct {
	name     string
	in       string // path or query
	required bool
	typ      string // the schema's type
	schema   *jsonschema.Schema
}

type route struct {
	re       *regexp.Regexp
	names    []string
	literals int // characters outside parameters: the more, the more specific
	ops      map[string]*Operation
}

var specCache sync.Map // absolute path → *Spec

// LoadSpec reads and compiles the OpenAPI subset at path. Results are cached
// per path: the compiled spec is read-only and shared.
func LoadSpec(path string) (*Spec, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	if s, ok := specCache.Load(abs); ok {
		return s.(*Spec), nil
	}
	data, err := os.ReadFile(abs)
	if err != nil {
		return nil, err
	}
	s, err := parseSpec(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	specCache.Store(abs, s)
	return s, nil
}

type rawSpec struct {
	Info struct {
		Source string `json:"x-source"`
	} `json:"info"`
	Paths map[string]map[string]json.RawMessage `json:"paths"`
}

type rawParam struct {
	Name     string `json:"name"`
	In       string `json:"in"`
	Required bool   `json:"required"`
	Schema   any    `json:"schema"`
}

type rawOp struct {
	OperationID string     `json:"operationId"`
	Parameters  []rawParam `json:"parameters"`
	RequestBody *struct {
		Required bool                      `json:"required"`
		Content  map[string]map[string]any `json:"content"`
	} `json:"requestBody"`
	Responses map[string]struct {
		Content map[string]map[string]any `json:"content"`
	} `json:"responses"`
}

var httpMethods = map[string]bool{"get": true, "put": true, "post": true, "delete": true, "options": true, "head": true, "patch": true, "trace": true}

// greedyParams are path parameters whose values may hold slashes: a file
// path, a ref such as "feature/x", a tree given by branch name.
var greedyParams = map[string]bool{"path": true, "ref": true, "tree_sha": true}

func parseSpec(data []byte) (*Spec, error) {
	var raw rawSpec
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, err
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	n := 0
	compile := func(s any) (*jsonschema.Schema, error) {
		n++
		u := fmt.Sprintf("mem://githubfake/schema/%d.json", n)
		if err := c.AddResource(u, ConvertSchema(s)); err != nil {
			return nil, err
		}
		return c.Compile(u)
	}
	spec := &Spec{Source: raw.Info.Source}
	for _, tmpl := range sortedKeys(raw.Paths) {
		item := raw.Paths[tmpl]
		rt, err := newRoute(tmpl)
		if err != nil {
			return nil, err
		}
		var common []rawParam
		if p, ok := item["parameters"]; ok {
			if err := json.Unmarshal(p, &common); err != nil {
				return nil, fmt.Errorf("%s parameters: %w", tmpl, err)
			}
		}
		for method, opData := range item {
			if !httpMethods[method] {
				continue
			}
			var ro rawOp
			if err := decodeJSON(opData, &ro); err != nil {
				return nil, fmt.Errorf("%s %s: %w", method, tmpl, err)
			}
			op := &Operation{
				ID:        ro.OperationID,
				Method:    strings.ToUpper(method),
				Template:  tmpl,
				responses: map[string]*jsonschema.Schema{},
				statuses:  map[string]bool{},
			}
			for _, rp := range append(append([]rawParam(nil), common...), ro.Parameters...) {
				if rp.In != "path" && rp.In != "query" {
					continue
				}
				p := &param{name: rp.Name, in: rp.In, required: rp.Required || rp.In == "path"}
				if m, ok := rp.Schema.(map[string]any); ok {
					p.typ, _ = m["type"].(string)
				}
				if rp.Schema != nil {
					if p.schema, err = compile(rp.Schema); err != nil {
						return nil, fmt.Errorf("%s parameter %s: %w", op.ID, rp.Name, err)
					}
				}
				op.params = append(op.params, p)
			}
			if rb := ro.RequestBody; rb != nil {
				op.bodyRequired = rb.Required
				if mt, ok := rb.Content["application/json"]; ok && mt["schema"] != nil {
					if op.body, err = compile(mt["schema"]); err != nil {
						return nil, fmt.Errorf("%s request body: %w", op.ID, err)
					}
				}
			}
			for status, r := range ro.Responses {
				op.statuses[status] = true
				if mt, ok := r.Content["application/json"]; ok && mt["schema"] != nil {
					if op.responses[status], err = compile(mt["schema"]); err != nil {
						return nil, fmt.Errorf("%s response %s: %w", op.ID, status, err)
					}
				}
			}
			rt.ops[op.Method] = op
		}
		spec.routes = append(spec.routes, rt)
	}
	// Most specific first: more literal characters win.
	sort.SliceStable(spec.routes, func(i, j int) bool { return spec.routes[i].literals > spec.routes[j].literals })
	return spec, nil
}

// decodeJSON decodes with json.Number so that schemas keep their numbers.
func decodeJSON(data []byte, v any) error {
	d := json.NewDecoder(bytes.NewReader(data))
	d.UseNumber()
	return d.Decode(v)
}

var paramRe = regexp.MustCompile(`\{([^}]+)\}`)

func newRoute(tmpl string) (*route, error) {
	rt := &route{ops: map[string]*Operation{}}
	var b strings.Builder
	b.WriteString("^")
	last := 0
	for _, m := range paramRe.FindAllStringSubmatchIndex(tmpl, -1) {
		lit := tmpl[last:m[0]]
		rt.literals += len(lit)
		b.WriteString(regexp.QuoteMeta(lit))
		name := tmpl[m[2]:m[3]]
		rt.names = append(rt.names, name)
		if greedyParams[name] {
			b.WriteString("(.+)")
		} else {
			b.WriteString("([^/]+)")
		}
		last = m[1]
	}
	rt.literals += len(tmpl[last:])
	b.WriteString(regexp.QuoteMeta(tmpl[last:]))
	b.WriteString("$")
	re, err := regexp.Compile(b.String())
	if err != nil {
		return nil, err
	}
	rt.re = re
	return rt, nil
}

// Match finds the operation for method and an escaped request path (the path
// after the API root, starting with "/"). It returns the operation and the
// unescaped path parameters; allowed lists the methods the spec knows for the
// path when the path matches but the method does not.
func (s *Spec) Match(method, escapedPath string) (op *Operation, params map[string]string, allowed []string) {
	for _, rt := range s.routes {
		m := rt.re.FindStringSubmatch(escapedPath)
		if m == nil {
			continue
		}
		o, ok := rt.ops[strings.ToUpper(method)]
		if !ok {
			for k := range rt.ops {
				allowed = append(allowed, k)
			}
			continue
		}
		params = map[string]string{}
		for i, name := range rt.names {
			v, err := url.PathUnescape(m[i+1])
			if err != nil {
				v = m[i+1]
			}
			params[name] = v
		}
		return o, params, nil
	}
	sort.Strings(allowed)
	return nil, nil, allowed
}

// Operation returns the operation with GitHub's operationId id, or nil.
func (s *Spec) Operation(id string) *Operation {
	for _, rt := range s.routes {
		for _, op := range rt.ops {
			if op.ID == id {
				return op
			}
		}
	}
	return nil
}

// Operations lists every operation of the spec, sorted by operationId.
func (s *Spec) Operations() []*Operation {
	var ops []*Operation
	for _, rt := range s.routes {
		for _, op := range rt.ops {
			ops = append(ops, op)
		}
	}
	sort.Slice(ops, func(i, j int) bool { return ops[i].ID < ops[j].ID })
	return ops
}

// CheckRequest lists every way a request breaks the operation's contract:
// path parameters of the wrong type, required query parameters missing,
// query parameters the operation does not document or of the wrong type, a
// body that is required but missing, not JSON, or invalid against the
// request body schema. pathParams are the values Match returned.
func (op *Operation) CheckRequest(pathParams map[string]string, query url.Values, body []byte) []string {
	var problems []string
	known := map[string]bool{}
	for _, p := range op.params {
		var vals []string
		switch p.in {
		case "path":
			if v, ok := pathParams[p.name]; ok {
				vals = []string{v}
			}
		case "query":
			known[p.name] = true
			vals = query[p.name]
		}
		if len(vals) == 0 {
			if p.required {
				problems = append(problems, fmt.Sprintf("required %s parameter %q is missing", p.in, p.name))
			}
			continue
		}
		for _, v := range vals {
			if msg := p.check(v); msg != "" {
				problems = append(problems, fmt.Sprintf("%s parameter %q = %q: %s", p.in, p.name, v, msg))
			}
		}
	}
	var unknown []string
	for k := range query {
		if !known[k] {
			unknown = append(unknown, k)
		}
	}
	sort.Strings(unknown)
	for _, k := range unknown {
		problems = append(problems, fmt.Sprintf("query parameter %q is not documented for this operation", k))
	}
	trimmed := bytes.TrimSpace(body)
	// A JSON null stands for no body where the body is optional:
	// ghinstallation sends "null" without InstallationTokenOptions, and
	// GitHub accepts it.
	empty := len(trimmed) == 0 || (!op.bodyRequired && string(trimmed) == "null")
	switch {
	case op.body == nil && !empty:
		problems = append(problems, "the operation takes no request body, but one was sent")
	case op.body == nil:
	case empty && op.bodyRequired:
		problems = append(problems, msgBodyMissing)
	case !empty:
		v, err := jsonschema.UnmarshalJSON(bytes.NewReader(body))
		if err != nil {
			problems = append(problems, msgBodyNotJSON+err.Error())
		} else if err := op.body.Validate(v); err != nil {
			problems = append(problems, msgBodyInvalid+validationMessage(err))
		}
	}
	return problems
}

// The starts of CheckRequest's messages about the body.
const (
	msgBodyMissing = "the request body is required but missing"
	msgBodyNotJSON = "the request body is not valid JSON: "
	msgBodyInvalid = "request body: "
)

func (p *param) check(v string) string {
	var val any = v
	switch p.typ {
	case "integer":
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return "not an integer"
		}
		val = n
	case "number":
		f, err := strconv.ParseFloat(v, 64)
		if err != nil {
			return "not a number"
		}
		val = f
	case "boolean":
		b, err := strconv.ParseBool(v)
		if err != nil {
			return "not a boolean"
		}
		val = b
	}
	if p.schema == nil {
		return ""
	}
	if err := p.schema.Validate(val); err != nil {
		return validationMessage(err)
	}
	return ""
}

// CheckResponse reports, as one message, how a response breaks the
// operation's contract: a status the operation does not document, or a JSON
// body invalid against the documented schema for that status. Statuses
// documented without a JSON body accept any body. It returns "" when the
// response conforms.
func (op *Operation) CheckResponse(status int, body []byte) string {
	code := strconv.Itoa(status)
	if !op.statuses[code] {
		docs := sortedKeys(op.statuses)
		return fmt.Sprintf("status %d is not documented (documented: %s)", status, strings.Join(docs, ", "))
	}
	sch := op.responses[code]
	if sch == nil {
		return ""
	}
	return ValidateJSON(sch, body)
}

// ValidateJSON validates a JSON document against a compiled schema and
// returns "" or a description of every problem.
func ValidateJSON(sch *jsonschema.Schema, doc []byte) string {
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
	if err != nil {
		return "not valid JSON: " + err.Error()
	}
	if err := sch.Validate(v); err != nil {
		return validationMessage(err)
	}
	return ""
}

func validationMessage(err error) string {
	msg := err.Error()
	// Drop the first line, which names our in-memory schema URL.
	if i := strings.IndexByte(msg, '\n'); i >= 0 && strings.HasPrefix(msg, "jsonschema validation failed") {
		msg = msg[i+1:]
	}
	return strings.TrimSpace(msg)
}

// ConvertSchema turns an OpenAPI 3.0 schema object (decoded JSON) into the
// equivalent JSON Schema (draft 2020-12):
//   - nullable: true adds "null" to the type (and to the enum, if any); a
//     nullable schema without a type becomes anyOf [schema, {type: null}];
//   - boolean exclusiveMinimum / exclusiveMaximum become the numeric form;
//   - OpenAPI-only keywords (nullable, discriminator, xml, externalDocs,
//     example) are dropped; format stays an annotation.
//
// The input is not modified.
func ConvertSchema(v any) any {
	m, ok := v.(map[string]any)
	if !ok {
		return v
	}
	out := make(map[string]any, len(m))
	for k, val := range m {
		switch k {
		case "properties", "patternProperties", "$defs", "definitions":
			if props, ok := val.(map[string]any); ok {
				conv := make(map[string]any, len(props))
				for name, s := range props {
					conv[name] = ConvertSchema(s)
				}
				out[k] = conv
			} else {
				out[k] = val
			}
		case "items", "additionalProperties", "not", "propertyNames", "contains":
			out[k] = ConvertSchema(val)
		case "allOf", "anyOf", "oneOf":
			if list, ok := val.([]any); ok {
				conv := make([]any, len(list))
				for i, s := range list {
					conv[i] = ConvertSchema(s)
				}
				out[k] = conv
			} else {
				out[k] = val
			}
		case "nullable", "discriminator", "xml", "externalDocs", "example", "exclusiveMinimum", "exclusiveMaximum":
			// handled below, or OpenAPI only
		default:
			out[k] = val
		}
	}
	for _, kw := range []string{"Minimum", "Maximum"} {
		switch x := m["exclusive"+kw].(type) {
		case bool:
			bound := strings.ToLower(kw[:1]) + kw[1:]
			if b, ok := m[bound]; ok && x {
				out["exclusive"+kw] = b
				delete(out, bound)
			}
		case nil:
		default:
			out["exclusive"+kw] = x
		}
	}
	if nullable, _ := m["nullable"].(bool); nullable {
		switch t := out["type"].(type) {
		case string:
			out["type"] = []any{t, "null"}
		case []any:
			if !containsValue(t, "null") {
				out["type"] = append(append([]any(nil), t...), "null")
			}
		case nil:
			return map[string]any{"anyOf": []any{out, map[string]any{"type": "null"}}}
		}
		if enum, ok := out["enum"].([]any); ok && !containsValue(enum, nil) {
			out["enum"] = append(append([]any(nil), enum...), nil)
		}
	}
	return out
}

func containsValue(list []any, want any) bool {
	for _, v := range list {
		if v == want {
			return true
		}
	}
	return false
}
