package listedfs

import (
	"errors"
	"io/fs"
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
