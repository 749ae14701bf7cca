package pscontract

import (
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
	"sync"
)

// excerpts are the vendored docs pages, one per operation, named
// <operationId>.txt. scripts/vendor-planetscale-openapi.sh regenerates them.
//
//go:embed testdata/openapi/*.txt
var excerpts embed.FS

const excerptDir = "testdata/openapi"

var cache struct {
	sync.Mutex
	ops map[string]*Operation
}

// Names lists the operationIds of the embedded excerpts, sorted.
func Names() []string {
	entries, err := fs.ReadDir(excerpts, excerptDir)
	if err != nil {
		return nil
	}
	var names []string
	for _, e := range entries {
		if n, ok := strings.CutSuffix(e.Name(), ".txt"); ok {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	return names
}

// Load returns the operation of the embedded excerpt name (an operationId
// such as "create_deploy_request"). Operations are parsed once and shared:
// treat the result as read-only.
func Load(name string) (*Operation, error) {
	cache.Lock()
	defer cache.Unlock()
	if op, ok := cache.ops[name]; ok {
		return op, nil
	}
	data, err := excerpts.ReadFile(path.Join(excerptDir, name+".txt"))
	if err != nil {
		return nil, fmt.Errorf("pscontract: no excerpt for operation %q (have %s)", name, strings.Join(Names(), ", "))
	}
	op, err := Parse(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if op.ID != name {
		return nil, fmt.Errorf("pscontract: excerpt %s.txt documents operation %q", name, op.ID)
	}
	if cache.ops == nil {
		cache.ops = map[string]*Operation{}
	}
	cache.ops[name] = op
	return op, nil
}

// Response returns the response body schema of operation name for status.
// It fails when the operation is unknown, the status is not documented, or
// the status documents no body.
func Response(name string, status int) (*Schema, error) {
	op, err := Load(name)
	if err != nil {
		return nil, err
	}
	r := op.Response(status)
	if r == nil {
		return nil, fmt.Errorf("pscontract: %s documents no status %d (documented: %v)", name, status, op.Statuses())
	}
	if r.Schema == nil {
		return nil, fmt.Errorf("pscontract: %s documents no body for status %d", name, status)
	}
	return r.Schema, nil
}

// Request returns the request body schema of operation name. It fails when
// the operation is unknown or takes no body.
func Request(name string) (*Schema, error) {
	op, err := Load(name)
	if err != nil {
		return nil, err
	}
	if op.RequestBody == nil {
		return nil, fmt.Errorf("pscontract: %s takes no request body", name)
	}
	return op.RequestBody, nil
}
