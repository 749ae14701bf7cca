package localscale

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// referencedSchemas lists the schema hashes the state refers to.
func (s *Server) referencedSchemas() map[string]bool {
	keep := map[string]bool{}
	for _, o := range s.st.Orgs {
		for _, d := range o.Databases {
			for _, b := range d.Branches {
				keep[b.Schema] = true
				keep[b.Base] = true
			}
			for _, dr := range d.DeployRequests {
				if dr.D.Result != "" {
					keep[dr.D.Result] = true
				}
				if dr.D.Previous != "" {
					keep[dr.D.Previous] = true
				}
			}
		}
	}
	return keep
}

// saveState writes the state file atomically: a temporary file in the same
// folder, synced, then renamed over the old one.
func (s *Server) saveState() error {
	keep := s.referencedSchemas()
	s.sch.gc(keep)
	s.st.Schemas = map[string][]string{}
	for h := range keep {
		if stmts, ok := s.sch.stmts[h]; ok {
			s.st.Schemas[h] = stmts
		}
	}
	data, err := json.Marshal(s.st)
	s.st.Schemas = nil
	if err != nil {
		return fmt.Errorf("encode state: %w", err)
	}
	path := s.cfg.StatePath
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, ".localscale-state-*")
	if err != nil {
		return fmt.Errorf("write state %s: %w", path, err)
	}
	tmp := f.Name()
	defer os.Remove(tmp)
	if _, err := f.Write(data); err != nil {
		f.Close()
		return fmt.Errorf("write state %s: %w", path, err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("sync state %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write state %s: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("replace state %s: %w", path, err)
	}
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
	return nil
}

// loadState reads the state file; it reports false when there is none yet.
func (s *Server) loadState(path string) (bool, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("localscale: read state: %w", err)
	}
	var st state
	if err := json.Unmarshal(data, &st); err != nil {
		return false, fmt.Errorf("localscale: state file %s is not valid: %w", path, err)
	}
	if st.Version != stateVersion {
		return false, fmt.Errorf("localscale: state file %s has version %d, want %d", path, st.Version, stateVersion)
	}
	for h, stmts := range st.Schemas {
		if err := s.sch.load(h, stmts); err != nil {
			return false, fmt.Errorf("localscale: state file %s: %w", path, err)
		}
	}
	st.Schemas = nil
	if st.Orgs == nil {
		st.Orgs = map[string]*orgState{}
	}
	for _, o := range st.Orgs {
		if o.Databases == nil {
			o.Databases = map[string]*database{}
		}
		for _, d := range o.Databases {
			for _, b := range d.Branches {
				if s.sch.get(b.Schema) == nil || s.sch.get(b.Base) == nil {
					return false, fmt.Errorf("localscale: state file %s: branch %s/%s refers to a missing schema", path, d.Name, b.Name)
				}
			}
		}
	}
	s.st = &st
	return true, nil
}
