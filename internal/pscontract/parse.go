package pscontract

import (
	"fmt"
	"strconv"
	"strings"
)

// Parse rebuilds the operation described by one PlanetScale API docs page
// whose OpenAPI YAML has been flattened onto one line. The YAML starts at the
// first "paths:" (after the ````yaml fence when there is one) and ends at the
// closing fence.
//
// Without indentation, nesting is recovered from the grammar: a token is a
// keyword of the schema being read only when that schema has not used it yet,
// its type admits it (properties, required and additionalProperties belong to
// objects, items to arrays, enum to scalars) and the tokens after it have the
// value's shape (type: is followed by a type name, required: by a list of
// declared property names, ...). A property name is any key followed by
// tokens that start a schema. Free text (descriptions, summaries) runs until
// the first token that some enclosing construct would accept, so colons,
// ">-" folding markers and words such as "type" inside it do no harm. Parse
// fails, rather than guessing, on tokens that fit nowhere, and on constructs
// it does not model ($ref, oneOf, anyOf, allOf): the excerpts inline every
// schema.
func Parse(page []byte) (*Operation, error) {
	toks, err := tokenize(string(page))
	if err != nil {
		return nil, err
	}
	p := &parser{toks: toks}
	return p.document()
}

// tokenize returns the whitespace-separated tokens of the YAML part of a page.
func tokenize(page string) ([]string, error) {
	fields := strings.Fields(page)
	from := 0
	for i, f := range fields {
		if strings.HasPrefix(f, "```") && strings.HasSuffix(f, "yaml") {
			from = i + 1
			break
		}
	}
	start := -1
	for i := from; i < len(fields); i++ {
		if fields[i] == "paths:" {
			start = i
			break
		}
	}
	if start < 0 {
		return nil, fmt.Errorf("pscontract: no OpenAPI paths: key in the page")
	}
	end := len(fields)
	for i := start; i < len(fields); i++ {
		if strings.HasPrefix(fields[i], "```") {
			end = i
			break
		}
	}
	return fields[start:end], nil
}

type parser struct {
	toks []string
	pos  int
	// stack holds one acceptor per construct being read, innermost last.
	stack []acceptor
}

// acceptor reports whether token i continues a construct being read.
// Structural acceptors (the operation, its parameters, request body,
// responses and content maps) take precedence over property names: in
// "... description: Created '401': description: Unauthorized" the status
// ends the schema instead of starting a property named 401.
type acceptor struct {
	accepts    func(i int) bool
	structural bool
}

var httpMethods = map[string]bool{
	"get": true, "put": true, "post": true, "delete": true,
	"options": true, "head": true, "patch": true, "trace": true,
}

var typeNames = map[string]bool{
	TypeObject: true, TypeArray: true, TypeString: true, TypeInteger: true,
	TypeNumber: true, TypeBoolean: true, TypeNull: true,
}

func (p *parser) tok(i int) string {
	if i < 0 || i >= len(p.toks) {
		return ""
	}
	return p.toks[i]
}

// push enters a schema construct; pushStructural any other.
func (p *parser) push(accept func(i int) bool) {
	p.stack = append(p.stack, acceptor{accepts: accept})
}

func (p *parser) pushStructural(accept func(i int) bool) {
	p.stack = append(p.stack, acceptor{accepts: accept, structural: true})
}

func (p *parser) pop() { p.stack = p.stack[:len(p.stack)-1] }

// accepted reports whether any construct being read accepts token i.
func (p *parser) accepted(i int) bool {
	for j := len(p.stack) - 1; j >= 0; j-- {
		if p.stack[j].accepts(i) {
			return true
		}
	}
	return false
}

// structuralAt reports whether a structural construct accepts token i.
func (p *parser) structuralAt(i int) bool {
	for j := len(p.stack) - 1; j >= 0; j-- {
		if p.stack[j].structural && p.stack[j].accepts(i) {
			return true
		}
	}
	return false
}

func (p *parser) errorf(format string, args ...any) error {
	lo, hi := max(p.pos-6, 0), min(p.pos+6, len(p.toks))
	near := strings.Join(p.toks[lo:hi], " ")
	return fmt.Errorf("pscontract: token %d %q: %s (near %q)", p.pos, p.tok(p.pos), fmt.Sprintf(format, args...), near)
}

// isKey reports whether t is a mapping key: "name:" or "'quoted name':".
func isKey(t string) bool {
	return len(t) > 1 && strings.HasSuffix(t, ":") && t != "::"
}

// keyName strips the colon and any quotes from a key token.
func keyName(t string) string {
	return unquote(strings.TrimSuffix(t, ":"))
}

func unquote(s string) string {
	if len(s) >= 2 {
		switch {
		case s[0] == '\'' && s[len(s)-1] == '\'':
			return strings.ReplaceAll(s[1:len(s)-1], "''", "'")
		case s[0] == '"' && s[len(s)-1] == '"':
			if u, err := strconv.Unquote(s); err == nil {
				return u
			}
			return s[1 : len(s)-1]
		}
	}
	return s
}

// quoteClosed reports whether s, which starts with a quote, is a complete
// quoted scalar.
func quoteClosed(s string) bool {
	if len(s) < 2 {
		return false
	}
	q := s[0]
	if s[len(s)-1] != q {
		return false
	}
	if q == '\'' {
		inner := strings.ReplaceAll(s[1:len(s)-1], "''", "")
		return !strings.Contains(inner, "'")
	}
	n := 0
	for i := len(s) - 2; i > 0 && s[i] == '\\'; i-- {
		n++
	}
	return n%2 == 0
}

func isBool(t string) bool { return t == "true" || t == "false" }

func isNumber(t string) bool {
	_, err := strconv.ParseFloat(t, 64)
	return err == nil
}

// text reads free text (a description, a summary, a scalar) up to the first
// token some construct accepts. A leading folding marker is dropped; a quoted
// scalar is read to its closing quote.
func (p *parser) text() string {
	switch p.tok(p.pos) {
	case ">", ">-", ">+", "|", "|-", "|+":
		p.pos++
	}
	if t := p.tok(p.pos); t != "" && (t[0] == '\'' || t[0] == '"') {
		start := p.pos
		s := t
		p.pos++
		for !quoteClosed(s) && p.pos < len(p.toks) {
			s += " " + p.toks[p.pos]
			p.pos++
		}
		if quoteClosed(s) {
			return unquote(s)
		}
		p.pos = start // an unbalanced quote: read it as plain text
	}
	var words []string
	for p.pos < len(p.toks) && !p.accepted(p.pos) {
		words = append(words, p.toks[p.pos])
		p.pos++
	}
	return strings.Join(words, " ")
}

// list reads a block sequence ("- a - b") or a flow sequence ("[a, b]").
// Items may span several tokens; an item ends at the next "-" or at a token
// some construct accepts.
func (p *parser) list() []string {
	var items []string
	if t := p.tok(p.pos); strings.HasPrefix(t, "[") {
		var parts []string
		for p.pos < len(p.toks) {
			t := p.toks[p.pos]
			parts = append(parts, t)
			p.pos++
			if strings.HasSuffix(t, "]") {
				break
			}
		}
		flow := strings.TrimSuffix(strings.TrimPrefix(strings.Join(parts, " "), "["), "]")
		for _, it := range strings.Split(flow, ",") {
			if it = strings.TrimSpace(it); it != "" {
				items = append(items, unquote(it))
			}
		}
		return items
	}
	for p.tok(p.pos) == "-" {
		p.pos++
		var words []string
		for p.pos < len(p.toks) && p.toks[p.pos] != "-" && !p.accepted(p.pos) {
			words = append(words, p.toks[p.pos])
			p.pos++
		}
		items = append(items, unquote(strings.Join(words, " ")))
	}
	return items
}

// peekList returns the single-token items of the block or flow sequence at i.
func (p *parser) peekList(i int) ([]string, bool) {
	t := p.tok(i)
	if strings.HasPrefix(t, "[") {
		var parts []string
		for ; i < len(p.toks); i++ {
			parts = append(parts, p.toks[i])
			if strings.HasSuffix(p.toks[i], "]") {
				break
			}
		}
		flow := strings.TrimSuffix(strings.TrimPrefix(strings.Join(parts, " "), "["), "]")
		var items []string
		for _, it := range strings.Split(flow, ",") {
			if it = strings.TrimSpace(it); it != "" {
				items = append(items, unquote(it))
			}
		}
		return items, true
	}
	if t != "-" {
		return nil, false
	}
	var items []string
	for ; p.tok(i) == "-" && p.tok(i+1) != ""; i += 2 {
		items = append(items, unquote(p.tok(i+1)))
	}
	return items, true
}

// document reads "paths: <path>: <method>: <operation>" and what follows.
func (p *parser) document() (*Operation, error) {
	p.pushStructural(p.rootKeyAt)
	defer p.pop()
	if p.tok(p.pos) != "paths:" {
		return nil, p.errorf("want paths:")
	}
	p.pos++
	if t := p.tok(p.pos); !isKey(t) || !strings.HasPrefix(keyName(t), "/") {
		return nil, p.errorf("want a path")
	}
	op := &Operation{Path: keyName(p.tok(p.pos))}
	p.pos++
	m := keyName(p.tok(p.pos))
	if !isKey(p.tok(p.pos)) || !httpMethods[m] {
		return nil, p.errorf("want an HTTP method")
	}
	op.Method = strings.ToUpper(m)
	p.pos++
	if err := p.operation(op); err != nil {
		return nil, err
	}
	if p.pos < len(p.toks) {
		if t := p.tok(p.pos); isKey(t) && httpMethods[keyName(t)] {
			return nil, p.errorf("the page documents more than one operation; want one")
		}
		if !p.rootKeyAt(p.pos) {
			return nil, p.errorf("unexpected token after the operation")
		}
	}
	if op.ID == "" {
		return nil, fmt.Errorf("pscontract: %s %s has no operationId", op.Method, op.Path)
	}
	return op, nil
}

// rootKeyAt accepts what may follow an operation: another method of the same
// path, or the document's components (or webhooks) map.
func (p *parser) rootKeyAt(i int) bool {
	t := p.tok(i)
	if !isKey(t) {
		return false
	}
	switch k := keyName(t); k {
	case "components", "webhooks":
		return isKey(p.tok(i + 1))
	default:
		return httpMethods[k] && p.keyAt(i+1, p.opKey)
	}
}

// keyAt reports whether token i is a key that fits (see mapping).
func (p *parser) keyAt(i int, fits func(i int, k string) bool) bool {
	t := p.tok(i)
	return isKey(t) && fits(i, keyName(t))
}

// mapping reads the keys of a mapping, each at most once, while they fit:
// fits says whether key k at token i (its value from token i+1) continues
// the mapping, and read reads the value of key k from p.pos. The keys that
// fit are structural while it reads (see pushStructural).
func (p *parser) mapping(fits func(i int, k string) bool, read func(k string) error) error {
	seen := map[string]bool{}
	accept := func(i int) bool {
		return p.keyAt(i, func(i int, k string) bool { return !seen[k] && fits(i, k) })
	}
	p.pushStructural(accept)
	defer p.pop()
	for accept(p.pos) {
		k := keyName(p.tok(p.pos))
		seen[k] = true
		p.pos++
		if err := read(k); err != nil {
			return err
		}
	}
	return nil
}

// opKey reports whether key k at token i continues an operation.
func (p *parser) opKey(i int, k string) bool {
	next := p.tok(i + 1)
	switch k {
	case "tags", "parameters", "security", "servers":
		return next == "-" || strings.HasPrefix(next, "[")
	case "summary", "description", "operationId":
		return next != "" && !isKey(next)
	case "requestBody":
		switch keyName(next) {
		case "content", "description", "required":
			return isKey(next)
		}
		return false
	case "responses":
		return p.statusAt(i + 1)
	case "deprecated":
		return isBool(next)
	case "externalDocs", "callbacks":
		return isKey(next)
	}
	return strings.HasPrefix(k, "x-")
}

func (p *parser) operation(op *Operation) error {
	return p.mapping(p.opKey, func(k string) error {
		var err error
		switch k {
		case "summary":
			op.Summary = p.text()
		case "operationId":
			op.ID = p.text()
		case "tags", "security", "servers":
			p.list()
		case "parameters":
			err = p.parameters(op)
		case "requestBody":
			op.RequestBody, err = p.requestBody()
		case "responses":
			err = p.responses(op)
		default:
			p.text()
		}
		return err
	})
}

// paramKey reports whether key k at token i continues a parameter.
func (p *parser) paramKey(i int, k string) bool {
	next := p.tok(i + 1)
	switch k {
	case "name", "in", "description", "example", "style":
		return next != "" && !isKey(next)
	case "required", "deprecated", "explode", "allowEmptyValue":
		return isBool(next)
	case "schema":
		return p.startsSchema(i + 1)
	}
	return false
}

func (p *parser) parameters(op *Operation) error {
	if strings.HasPrefix(p.tok(p.pos), "[") {
		p.list() // a flow list: "[]"
		return nil
	}
	startsParam := func(i int) bool {
		return p.tok(i) == "-" && p.keyAt(i+1, p.paramKey)
	}
	p.pushStructural(startsParam)
	defer p.pop()
	for startsParam(p.pos) {
		p.pos++
		var prm Parameter
		if err := p.parameter(&prm); err != nil {
			return err
		}
		op.Parameters = append(op.Parameters, prm)
	}
	return nil
}

// parameter reads the fields of one parameter into prm.
func (p *parser) parameter(prm *Parameter) error {
	return p.mapping(p.paramKey, func(k string) error {
		var err error
		switch k {
		case "name":
			prm.Name = p.text()
		case "in":
			prm.In = p.text()
		case "required":
			prm.Required = p.tok(p.pos) == "true"
			p.pos++
		case "schema":
			prm.Schema, err = p.schema()
		default:
			p.text()
		}
		return err
	})
}

func (p *parser) requestBody() (*Schema, error) {
	fits := func(i int, k string) bool {
		switch k {
		case "content":
			return p.mediaAt(i + 1)
		case "required":
			return isBool(p.tok(i + 1))
		case "description":
			return p.tok(i+1) != "" && !isKey(p.tok(i+1))
		}
		return false
	}
	var body *Schema
	err := p.mapping(fits, func(k string) error {
		var err error
		switch k {
		case "content":
			body, err = p.content()
		case "required":
			p.pos++
		default:
			p.text()
		}
		return err
	})
	return body, err
}

// mediaAt reports whether token i is a media type key such as application/json:.
func (p *parser) mediaAt(i int) bool {
	t := p.tok(i)
	return isKey(t) && strings.Contains(keyName(t), "/")
}

// content reads a content map and returns its JSON schema, if any.
func (p *parser) content() (*Schema, error) {
	p.pushStructural(p.mediaAt)
	defer p.pop()
	var chosen *Schema
	for p.mediaAt(p.pos) {
		media := keyName(p.tok(p.pos))
		p.pos++
		fits := func(i int, k string) bool {
			switch k {
			case "schema":
				return p.startsSchema(i+1) || p.tok(i+1) == "{}"
			case "example", "examples", "encoding":
				// Not "example: type: string", a property named example.
				return p.tok(i+1) != "" && !p.startsSchema(i+1)
			}
			return false
		}
		err := p.mapping(fits, func(k string) error {
			if k != "schema" {
				p.text()
				return nil
			}
			s := &Schema{}
			if p.tok(p.pos) == "{}" {
				p.pos++
			} else {
				var err error
				if s, err = p.schema(); err != nil {
					return err
				}
			}
			if chosen == nil && (media == "application/json" || strings.HasSuffix(media, "+json")) {
				chosen = s
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return chosen, nil
}

// statusAt reports whether token i is a response status key ('200':, 200:,
// default:) followed by a response's first field.
func (p *parser) statusAt(i int) bool {
	t := p.tok(i)
	if !isKey(t) {
		return false
	}
	if _, ok := parseStatus(keyName(t)); !ok {
		return false
	}
	switch next := p.tok(i + 1); keyName(next) {
	case "description":
		return isKey(next) && p.tok(i+2) != "" && !isKey(p.tok(i+2))
	case "content":
		return isKey(next) && p.mediaAt(i+2)
	case "headers":
		return isKey(next)
	}
	return false
}

func parseStatus(k string) (int, bool) {
	if k == "default" {
		return 0, true
	}
	if len(k) != 3 {
		return 0, false
	}
	n, err := strconv.Atoi(k)
	return n, err == nil && n >= 100 && n <= 599
}

func (p *parser) responses(op *Operation) error {
	p.pushStructural(p.statusAt)
	defer p.pop()
	for p.statusAt(p.pos) {
		status, _ := parseStatus(keyName(p.tok(p.pos)))
		if op.Response(status) != nil {
			return p.errorf("status %d documented twice", status)
		}
		p.pos++
		r := OperationResponse{Status: status}
		if err := p.response(&r); err != nil {
			return err
		}
		op.Responses = append(op.Responses, r)
	}
	return nil
}

// response reads the fields of one response into r.
func (p *parser) response(r *OperationResponse) error {
	fits := func(i int, k string) bool {
		switch k {
		case "content":
			return p.mediaAt(i + 1)
		case "description":
			return p.tok(i+1) != "" && !isKey(p.tok(i+1))
		case "headers", "links":
			// {} or a map, not "headers: type: object", a property.
			return p.tok(i+1) == "{}" || isKey(p.tok(i+1)) && !p.startsSchema(i+1)
		}
		return false
	}
	return p.mapping(fits, func(k string) error {
		var err error
		switch k {
		case "description":
			r.Description = p.text()
		case "content":
			r.Schema, err = p.content()
		default: // headers, links: {} or a map we do not need
			if p.tok(p.pos) == "{}" {
				p.pos++
			} else {
				p.text()
			}
		}
		return err
	})
}

// schemaBuilder is a schema being read, with the keywords it has used.
type schemaBuilder struct {
	s    *Schema
	seen map[string]bool
}

func newBuilder() *schemaBuilder {
	return &schemaBuilder{s: &Schema{}, seen: map[string]bool{}}
}

// startsSchema reports whether the tokens at i begin a schema.
func (p *parser) startsSchema(i int) bool {
	return p.schemaKeyAt(newBuilder(), i)
}

// propertyAt reports whether token i is a property name: a key followed by
// a schema, which no structural construct claims.
func (p *parser) propertyAt(i int) bool {
	return isKey(p.tok(i)) && p.startsSchema(i+1) && !p.structuralAt(i)
}

// requiredFits reports whether the list at i names only properties that b
// declares (any list fits a schema that declares none).
func (p *parser) requiredFits(b *schemaBuilder, i int) bool {
	names, ok := p.peekList(i)
	if !ok {
		return false
	}
	if len(b.s.Properties) == 0 {
		return true
	}
	for _, n := range names {
		if !b.s.hasProperty(n) {
			return false
		}
	}
	return true
}

// schemaKeyAt reports whether token i is a keyword that continues schema b.
func (p *parser) schemaKeyAt(b *schemaBuilder, i int) bool {
	t := p.tok(i)
	if !isKey(t) {
		return false
	}
	k := keyName(t)
	if b.seen[k] {
		return false
	}
	next := p.tok(i + 1)
	typ := b.s.Type
	objectOK := typ == "" || typ == TypeObject
	switch k {
	case "type":
		if !typeNames[next] {
			return false
		}
		if (b.seen["properties"] || b.seen["required"] || b.seen["additionalProperties"]) && next != TypeObject {
			return false
		}
		if b.seen["items"] && next != TypeArray {
			return false
		}
		return !b.seen["enum"] || (next != TypeObject && next != TypeArray)
	case "properties":
		return objectOK && (next == "{}" || p.propertyAt(i+1))
	case "required":
		return objectOK && p.requiredFits(b, i+1)
	case "additionalProperties":
		if !objectOK {
			return false
		}
		if isBool(next) || next == "{}" {
			// "additionalProperties: false required: [...]" is one object's
			// tail: when the list names properties this schema does not
			// declare, both belong to an enclosing object.
			if p.tok(i+2) == "required:" && !b.seen["required"] && !p.requiredFits(b, i+3) {
				return false
			}
			return true
		}
		return p.startsSchema(i + 1)
	case "items":
		return (typ == "" || typ == TypeArray) && (next == "{}" || p.startsSchema(i+1))
	case "enum":
		return typ != TypeObject && typ != TypeArray && (next == "-" || strings.HasPrefix(next, "["))
	case "description", "title":
		// "description: type: string" is a property named description.
		return next != "" && !p.startsSchema(i+1)
	case "format", "pattern", "default", "example":
		return next != "" && !isKey(next)
	case "nullable", "readOnly", "writeOnly", "deprecated", "uniqueItems":
		return isBool(next)
	case "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf",
		"minLength", "maxLength", "minItems", "maxItems", "minProperties", "maxProperties":
		return isNumber(next) || isBool(next)
	}
	return false
}

// schema reads one schema at the current token.
func (p *parser) schema() (*Schema, error) {
	b := newBuilder()
	p.push(func(i int) bool { return p.schemaKeyAt(b, i) })
	defer p.pop()
	start := p.pos
	for p.schemaKeyAt(b, p.pos) {
		k := keyName(p.tok(p.pos))
		b.seen[k] = true
		p.pos++
		switch k {
		case "type":
			b.s.Type = p.tok(p.pos)
			p.pos++
		case "properties":
			if p.tok(p.pos) == "{}" {
				p.pos++
				continue
			}
			if err := p.properties(b.s); err != nil {
				return nil, err
			}
		case "items":
			if p.tok(p.pos) == "{}" {
				p.pos++
				b.s.Items = &Schema{}
				continue
			}
			items, err := p.schema()
			if err != nil {
				return nil, err
			}
			b.s.Items = items
		case "enum":
			b.s.Enum = p.list()
		case "required":
			b.s.Required = p.list()
		case "additionalProperties":
			switch t := p.tok(p.pos); t {
			case "true", "false", "{}":
				p.pos++
				b.s.AdditionalProperties = &Additional{Allowed: t != "false"}
			default:
				s, err := p.schema()
				if err != nil {
					return nil, err
				}
				b.s.AdditionalProperties = &Additional{Allowed: true, Schema: s}
			}
		case "description":
			b.s.Description = p.text()
		case "format":
			b.s.Format = p.text()
		case "title", "pattern", "default", "example":
			p.text()
		case "nullable":
			b.s.Nullable = p.tok(p.pos) == "true"
			p.pos++
		default: // one-token values: booleans and numbers
			p.pos++
		}
	}
	if p.pos == start {
		return nil, p.errorf("want a schema")
	}
	return b.s, nil
}

func (p *parser) properties(s *Schema) error {
	p.push(p.propertyAt)
	defer p.pop()
	for p.propertyAt(p.pos) {
		name := keyName(p.tok(p.pos))
		if s.hasProperty(name) {
			return p.errorf("property %q declared twice", name)
		}
		p.pos++
		// Declare the property before reading its schema, so that a
		// required list met while reading it can name it.
		s.Properties = append(s.Properties, Property{Name: name})
		ps, err := p.schema()
		if err != nil {
			return err
		}
		s.Properties[len(s.Properties)-1].Schema = ps
	}
	return nil
}

func (s *Schema) hasProperty(name string) bool {
	for _, p := range s.Properties {
		if p.Name == name {
			return true
		}
	}
	return false
}
