// Package pscontract checks JSON against PlanetScale's published API schemas.
//
// PlanetScale documents each API operation on its own docs page, whose
// OpenAPI YAML reaches us flattened onto one line (indentation lost). Parse
// rebuilds the operation from such a page: method, path, operationId, the
// request body schema and the schema of each response status. Validate checks
// a JSON document against one of those schemas and reports every problem with
// a JSON path: missing required properties, wrong types, values outside an
// enum, and properties an object with additionalProperties: false does not
// declare.
//
// The excerpts of the operations ddlbot uses are vendored under
// testdata/openapi (regenerate them with scripts/vendor-planetscale-openapi.sh)
// and embedded, so tests anywhere in the module can check a body by
// operationId:
//
//	pscontract.CheckResponse(t, "create_deploy_request", rec.Code, rec.Body.Bytes())
//	pscontract.CheckRequest(t, "create_deploy_request", reqBody)
//
// # Policy where the excerpts and the real API differ
//
// JSON null is accepted as the value of any object property, whatever its
// schema's type. The excerpts carry no nullable markers, yet the API sends
// null for every unset timestamp (closed_at, deployed_at, ...), actor
// (closed_by, cutover_actor, ...) and optional string (deploy_errors, ...),
// and those properties are required, so a strict reading would reject every
// real response. A null property still counts as present for required. Null
// is not accepted as a whole body or as an array element unless the schema
// says nullable: true. Options.StrictNull turns the leniency off.
//
// Response bodies may also carry "type" with a string value (e.g.
// "type":"Branch") in objects that otherwise forbid unknown properties: the
// API sends it (see PLANETSCALE_API.md) though the excerpts omit it.
// ResponseOptions holds that policy; Validate itself is strict about it.
package pscontract
