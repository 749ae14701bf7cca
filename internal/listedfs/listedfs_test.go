package listedfs

import (
	"errors"
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"
)

func TestFS(t *testing.T) {
	m := fstest.MapFS{
		"db/a.sql":      {Data: []byte("CREATE TABLE a (id int);\n")},
		"db/big.sql":    {}, // listed, unread
		"db/sub/b.sql":  {Data: []byte("CREATE TABLE b (id int);\n")},
		"db/notes.txt":  {Data: []byte("notes")},
		"db/sub/c.json": {Data: []byte("{}")},
	}
	f := New(m, map[string]int64{"db/big.sql": 1 << 30}, 1<<20)
	// Everything that was read behaves as an ordinary file system.
	if err := fstest.TestFS(subFS{f, "db/sub"}, "b.sql", "c.json"); err != nil {
		t.Fatal(err)
	}
	if info, err := fs.Stat(f, "db/big.sql"); err != nil || info.Size() != 1<<30 || info.IsDir() {
		t.Fatalf("stat: %v %v", info, err)
	}
	entries, err := fs.ReadDir(f, "db")
	if err != nil {
		t.Fatal(err)
	}
	sizes := map[string]int64{}
	for _, e := range entries {
		info, err := e.Info()
		if err != nil {
			t.Fatal(err)
		}
		sizes[e.Name()] = info.Size()
	}
	if sizes["big.sql"] != 1<<30 || sizes["a.sql"] != int64(len(m["db/a.sql"].Data)) {
		t.Fatalf("listed sizes %v", sizes)
	}
	var ue *UnreadError
	if _, err := fs.ReadFile(f, "db/big.sql"); !errors.As(err, &ue) || ue.Path != "db/big.sql" || ue.Max != 1<<20 {
		t.Fatalf("read of the unread file: %v", err)
	}
	file, err := f.Open("db/big.sql")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := file.Read(make([]byte, 8)); !errors.As(err, &ue) {
		t.Fatalf("Read of the unread file: %v", err)
	}
	if b, err := fs.ReadFile(f, "db/a.sql"); err != nil || string(b) != "CREATE TABLE a (id int);\n" {
		t.Fatalf("a read file: %q %v", b, err)
	}
	if _, err := fs.Stat(f, "db/none.sql"); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("a missing file: %v", err)
	}
}

// subFS roots f at dir for fstest.TestFS (fs.Sub would hide f's methods).
type subFS struct {
	f   *FS
	dir string
}

func (s subFS) Open(name string) (fs.File, error) {
	if name == "." {
		return s.f.Open(s.dir)
	}
	return s.f.Open(s.dir + "/" + name)
}

// TestLazy: lazy files are listed with their sizes (so a size check needs
// no fetch), fetched once each when first read, and a fetch that fails
// fails that read only.
func TestLazy(t *testing.T) {
	m := fstest.MapFS{"db/a.sql": {}, "db/b.sql": {}, "db/big.sql": {}}
	fetched := map[string]int{}
	f := New(m, map[string]int64{"db/big.sql": 1 << 30}, 1<<20).Lazy(map[string]int64{"db/a.sql": 5, "db/b.sql": 7}, func(name string) ([]byte, error) {
		fetched[name]++
		if name == "db/b.sql" {
			return nil, errors.New("502 Bad Gateway")
		}
		return []byte("a;\n\n\n"), nil
	})
	var total int64
	if err := fs.WalkDir(f, "db", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		info, err := d.Info()
		total += info.Size()
		return err
	}); err != nil || total != 1<<30+12 {
		t.Fatalf("listed total %d, %v", total, err)
	}
	if len(fetched) != 0 {
		t.Fatalf("listing fetched %v", fetched)
	}
	for range 2 {
		if b, err := fs.ReadFile(f, "db/a.sql"); err != nil || string(b) != "a;\n\n\n" {
			t.Fatalf("a.sql: %q %v", b, err)
		}
	}
	if info, err := fs.Stat(f, "db/a.sql"); err != nil || info.Size() != 5 {
		t.Fatalf("a.sql once read: %v %v", info, err)
	}
	if _, err := f.Open("db/b.sql"); err == nil || !strings.Contains(err.Error(), "502") {
		t.Fatalf("a failed fetch: %v", err)
	}
	var ue *UnreadError
	if _, err := fs.ReadFile(f, "db/big.sql"); !errors.As(err, &ue) || fetched["db/big.sql"] != 0 {
		t.Fatalf("an unread file was fetched or read: %v", err)
	}
	if fetched["db/a.sql"] != 1 {
		t.Fatalf("fetched %v, want a.sql once", fetched)
	}
}
