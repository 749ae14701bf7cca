package pscontract

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// ProblemKind classifies a Problem.
type ProblemKind string

// Problem kinds.
const (
	// InvalidJSON: the document does not parse as one JSON value.
	InvalidJSON ProblemKind = "invalid_json"
	// Missing: a required property is absent.
	Missing ProblemKind = "missing"
	// WrongType: the value's JSON type is not the schema's type.
	WrongType ProblemKind = "wrong_type"
	// NotInEnum: the value is not one of the schema's enum values.
	NotInEnum ProblemKind = "not_in_enum"
	// Unknown: a property the schema does not declare, in an object with
	// additionalProperties: false.
	Unknown ProblemKind = "unknown"
)

// Problem is one way a JSON document departs from a schema.
type Problem struct {
	// Path locates the value: "$" is the document, "$.deployment.deploy_operations[0].state"
	// a nested one. A Missing problem's path names the absent property.
	Path    string
	Kind    ProblemKind
	Message string
}

// String renders the problem as "path: message".
func (p Problem) String() string { return p.Path + ": " + p.Message }

// Options tunes validation. The zero value is Validate's policy.
type Options struct {
	// StrictNull accepts JSON null only where the schema says nullable: true.
	// By default null is accepted as any property's value (see the package
	// documentation).
	StrictNull bool
	// ExtraStringProperties names properties accepted, with a string value,
	// in objects that forbid undeclared properties.
	ExtraStringProperties []string
}

// ResponseOptions is the policy CheckResponse applies to response bodies:
// Validate's, plus the "type" discriminator the API sends on its resources
// (e.g. "type":"Branch") though the published schemas do not declare it.
func ResponseOptions() Options {
	return Options{ExtraStringProperties: []string{"type"}}
}

// Validate checks the JSON document data against schema and returns every
// problem found, depth first: for each object, its missing required
// properties, then its members sorted by name; array elements in order. It
// returns nil when the document matches. JSON null is accepted as the value
// of any property; see the package documentation.
func Validate(schema *Schema, data []byte) []Problem {
	return ValidateWith(schema, data, Options{})
}

// ValidateWith is Validate under the given options.
func ValidateWith(schema *Schema, data []byte, opts Options) []Problem {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return []Problem{{Path: "$", Kind: InvalidJSON, Message: "invalid JSON: " + err.Error()}}
	}
	if _, err := dec.Token(); err == nil {
		return []Problem{{Path: "$", Kind: InvalidJSON, Message: "invalid JSON: data after the first value"}}
	}
	return ValidateValue(schema, v, opts)
}

// ValidateValue checks a decoded JSON value (as encoding/json decodes into
// an any; numbers should be json.Number, from a Decoder with UseNumber, so
// that integers and fractions can be told apart) against schema.
func ValidateValue(schema *Schema, v any, opts Options) []Problem {
	val := &validator{opts: opts}
	val.value(schema, v, "$", false)
	return val.problems
}

type validator struct {
	opts     Options
	problems []Problem
}

func (val *validator) add(path string, kind ProblemKind, format string, args ...any) {
	val.problems = append(val.problems, Problem{Path: path, Kind: kind, Message: fmt.Sprintf(format, args...)})
}

// value checks v at path; inProperty says v is an object member's value,
// where null is accepted unless StrictNull.
func (val *validator) value(s *Schema, v any, path string, inProperty bool) {
	if s == nil {
		return
	}
	if v == nil {
		if s.Nullable || s.Type == TypeNull || s.Type == "" || (inProperty && !val.opts.StrictNull) {
			return
		}
		val.add(path, WrongType, "got null, want %s", s.Type)
		return
	}
	if got := jsonType(v); !typeMatches(s.Type, v) {
		val.add(path, WrongType, "got %s %s, want %s", got, brief(v), s.Type)
		return
	}
	if len(s.Enum) > 0 && !inEnum(s.Enum, v) {
		val.add(path, NotInEnum, "%s is not one of [%s]", brief(v), strings.Join(s.Enum, " "))
	}
	switch v := v.(type) {
	case map[string]any:
		val.object(s, v, path)
	case []any:
		if s.Items != nil {
			for i, e := range v {
				val.value(s.Items, e, path+"["+strconv.Itoa(i)+"]", false)
			}
		}
	}
}

func (val *validator) object(s *Schema, obj map[string]any, path string) {
	for _, name := range s.Required {
		if _, ok := obj[name]; !ok {
			val.add(join(path, name), Missing, "missing required property")
		}
	}
	names := make([]string, 0, len(obj))
	for name := range obj {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		v := obj[name]
		if ps := s.Property(name); ps != nil || s.hasProperty(name) {
			val.value(ps, v, join(path, name), true)
			continue
		}
		a := s.AdditionalProperties
		switch {
		case a == nil:
		case a.Schema != nil:
			val.value(a.Schema, v, join(path, name), true)
		case !a.Allowed:
			if _, isString := v.(string); isString && val.extra(name) {
				continue
			}
			val.add(join(path, name), Unknown, "unknown property (the schema has additionalProperties: false)")
		}
	}
}

func (val *validator) extra(name string) bool {
	for _, e := range val.opts.ExtraStringProperties {
		if e == name {
			return true
		}
	}
	return false
}

var identifier = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// join appends a member name to a path: $.a.b, or $["odd name"].
func join(path, name string) string {
	if identifier.MatchString(name) {
		return path + "." + name
	}
	return path + "[" + strconv.Quote(name) + "]"
}

func jsonType(v any) string {
	switch v := v.(type) {
	case nil:
		return "null"
	case bool:
		return TypeBoolean
	case string:
		return TypeString
	case json.Number:
		if isIntegerLiteral(string(v)) {
			return TypeInteger
		}
		return TypeNumber
	case float64:
		return TypeNumber
	case []any:
		return TypeArray
	case map[string]any:
		return TypeObject
	}
	return fmt.Sprintf("%T", v)
}

// isIntegerLiteral reports whether a JSON number is written without a
// fraction or exponent: 3 is an integer, 3.0 and 3e0 are not.
func isIntegerLiteral(n string) bool {
	return !strings.ContainsAny(n, ".eE")
}

func typeMatches(want string, v any) bool {
	got := jsonType(v)
	switch want {
	case "":
		return true
	case TypeNumber:
		return got == TypeNumber || got == TypeInteger
	case TypeInteger:
		if f, ok := v.(float64); ok { // decoded without UseNumber
			return f == float64(int64(f))
		}
		return got == TypeInteger
	}
	return got == want
}

func inEnum(enum []string, v any) bool {
	for _, e := range enum {
		switch v := v.(type) {
		case string:
			if v == e {
				return true
			}
		case bool:
			if strconv.FormatBool(v) == e {
				return true
			}
		case json.Number:
			a, err1 := strconv.ParseFloat(string(v), 64)
			b, err2 := strconv.ParseFloat(e, 64)
			if err1 == nil && err2 == nil && a == b {
				return true
			}
		case float64:
			if b, err := strconv.ParseFloat(e, 64); err == nil && v == b {
				return true
			}
		}
	}
	return false
}

// brief renders a value for a message, shortened.
func brief(v any) string {
	switch v := v.(type) {
	case map[string]any:
		return "{...}"
	case []any:
		return fmt.Sprintf("[%d items]", len(v))
	case string:
		if len(v) > 40 {
			v = v[:37] + "..."
		}
		return strconv.Quote(v)
	}
	return fmt.Sprint(v)
}
