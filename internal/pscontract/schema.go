package pscontract

import "strings"

// Schema types, as OpenAPI spells them.
const (
	TypeObject  = "object"
	TypeArray   = "array"
	TypeString  = "string"
	TypeInteger = "integer"
	TypeNumber  = "number"
	TypeBoolean = "boolean"
	TypeNull    = "null"
)

// Schema is one node of an OpenAPI schema: the subset PlanetScale's excerpts
// use. Keywords the validator does not enforce (description, format, ...) are
// kept for reference.
type Schema struct {
	// Type is one of the Type* constants, or "" when the schema does not say.
	Type string
	// Format is the format keyword ("date-time", ...), not enforced.
	Format string
	// Description is the schema's free text, folding markers removed.
	Description string
	// Nullable is the OpenAPI 3.0 nullable keyword.
	Nullable bool
	// Enum holds the allowed values as YAML scalars, quotes removed.
	Enum []string
	// Properties are the declared properties of an object, in document order.
	Properties []Property
	// Required names the properties an object must have.
	Required []string
	// Items is the schema of an array's elements.
	Items *Schema
	// AdditionalProperties is the additionalProperties keyword; nil when
	// absent, which allows any undeclared property.
	AdditionalProperties *Additional
}

// Property is one declared property of an object schema.
type Property struct {
	Name   string
	Schema *Schema
}

// Additional is an additionalProperties keyword: either a boolean, or a
// schema that every undeclared property must match.
type Additional struct {
	// Allowed is false for additionalProperties: false.
	Allowed bool
	// Schema, when set, constrains undeclared properties (Allowed is true).
	Schema *Schema
}

// Property returns the schema of the declared property name, or nil.
func (s *Schema) Property(name string) *Schema {
	if s == nil {
		return nil
	}
	for _, p := range s.Properties {
		if p.Name == name {
			return p.Schema
		}
	}
	return nil
}

// PropertyNames returns the names of the declared properties, in order.
func (s *Schema) PropertyNames() []string {
	if s == nil {
		return nil
	}
	names := make([]string, len(s.Properties))
	for i, p := range s.Properties {
		names[i] = p.Name
	}
	return names
}

// IsRequired reports whether the object schema requires property name.
func (s *Schema) IsRequired(name string) bool {
	if s == nil {
		return false
	}
	for _, r := range s.Required {
		if r == name {
			return true
		}
	}
	return false
}

// Lookup follows a path of property names from s, where "[]" steps into an
// array's items: Lookup("deployment", "deploy_operations", "[]", "state").
// It returns nil when the path does not exist.
func (s *Schema) Lookup(path ...string) *Schema {
	for _, step := range path {
		if s == nil {
			return nil
		}
		if step == "[]" {
			s = s.Items
			continue
		}
		s = s.Property(step)
	}
	return s
}

// Operation is one API operation rebuilt from a docs page.
type Operation struct {
	// ID is the operationId, e.g. "create_deploy_request".
	ID string
	// Method is the HTTP method, upper case.
	Method string
	// Path is the templated path, e.g. "/organizations/{organization}/databases/{database}/branches".
	Path string
	// Summary is the operation's one-line summary.
	Summary string
	// Parameters are the path and query parameters, in order.
	Parameters []Parameter
	// RequestBody is the application/json request body schema, or nil.
	RequestBody *Schema
	// Responses are the documented statuses, in document order.
	Responses []OperationResponse
}

// Parameter is a path, query or header parameter of an operation.
type Parameter struct {
	Name     string
	In       string
	Required bool
	Schema   *Schema
}

// OperationResponse is one documented response status of an operation.
type OperationResponse struct {
	// Status is the HTTP status; 0 stands for "default".
	Status      int
	Description string
	// Schema is the application/json body schema, or nil when the status
	// documents no body (PlanetScale's 401, 403, 404, 500, ...).
	Schema *Schema
}

// Response returns the documented response for status, or nil.
func (op *Operation) Response(status int) *OperationResponse {
	if op == nil {
		return nil
	}
	for i := range op.Responses {
		if op.Responses[i].Status == status {
			return &op.Responses[i]
		}
	}
	return nil
}

// Statuses lists the documented statuses, in document order.
func (op *Operation) Statuses() []int {
	var out []int
	for _, r := range op.Responses {
		out = append(out, r.Status)
	}
	return out
}

// String renders the schema compactly on one line, for test failures and
// debugging: {id:string! number:integer! deployment:{...}} where ! marks a
// required property and additionalProperties: false adds a trailing "|".
func (s *Schema) String() string {
	var b strings.Builder
	s.write(&b)
	return b.String()
}

func (s *Schema) write(b *strings.Builder) {
	if s == nil {
		b.WriteString("<nil>")
		return
	}
	switch {
	case len(s.Properties) > 0 || s.Type == TypeObject:
		b.WriteByte('{')
		for i, p := range s.Properties {
			if i > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(p.Name)
			b.WriteByte(':')
			p.Schema.write(b)
			if s.IsRequired(p.Name) {
				b.WriteByte('!')
			}
		}
		if a := s.AdditionalProperties; a != nil {
			switch {
			case !a.Allowed:
				b.WriteByte('|')
			case a.Schema != nil:
				b.WriteString(" *:")
				a.Schema.write(b)
			default:
				b.WriteString(" *")
			}
		}
		b.WriteByte('}')
	case s.Items != nil || s.Type == TypeArray:
		b.WriteByte('[')
		if s.Items != nil {
			s.Items.write(b)
		}
		b.WriteByte(']')
	default:
		if s.Type == "" {
			b.WriteString("any")
		} else {
			b.WriteString(s.Type)
		}
		if len(s.Enum) > 0 {
			b.WriteByte('(')
			b.WriteString(strings.Join(s.Enum, "|"))
			b.WriteByte(')')
		}
	}
}
