package schemadiff

import (
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// Format names a migrations layout.
type Format string

// The migration formats ddlbot reads. FormatAuto detects the format from file
// names and contents.
const (
	FormatAuto          Format = "auto"
	FormatPlain         Format = "plain"
	FormatGolangMigrate Format = "golang-migrate"
	FormatGoose         Format = "goose"
	FormatDbmate        Format = "dbmate"
	FormatFlyway        Format = "flyway"
)

// Formats lists every accepted format name, FormatAuto first.
func Formats() []Format {
	return []Format{FormatAuto, FormatPlain, FormatGolangMigrate, FormatGoose, FormatDbmate, FormatFlyway}
}

// ParseFormat checks a format name ("" means auto).
func ParseFormat(s string) (Format, error) {
	if s == "" {
		return FormatAuto, nil
	}
	for _, f := range Formats() {
		if string(f) == s {
			return f, nil
		}
	}
	names := make([]string, 0, 6)
	for _, f := range Formats() {
		names = append(names, string(f))
	}
	return "", fmt.Errorf("unknown migration format %q (want one of %s)", s, strings.Join(names, ", "))
}

// MigrationFile is one migration: its file, its version for ordering, and the
// statements of its "up" part.
type MigrationFile struct {
	Path    string
	Version string
	Source  *Source
	Chunks  []Chunk
}

var (
	reGolangMigrate = regexp.MustCompile(`^(\d+)_.*\.up\.sql$`)
	reGolangDown    = regexp.MustCompile(`^(\d+)_.*\.down\.sql$`)
	reFlyway        = regexp.MustCompile(`^V(\d+(?:[._]\d+)*)__.*\.sql$`)
	reFlywayOther   = regexp.MustCompile(`^[UR]\d*(?:[._]\d+)*__.*\.sql$`)
	reLeadingNumber = regexp.MustCompile(`^(\d+)`)
	reGooseUp       = regexp.MustCompile(`(?mi)^--\s*\+goose\s+up\b`)
	reDbmateUp      = regexp.MustCompile(`(?mi)^--\s*migrate:up\b`)
)

// versionedNames holds the formats whose file names alone say what a file is:
// up matches the files that make the schema's history (the version its first
// group), other the files of the format that do not (golang-migrate's down
// files, Flyway's undo and repeatable ones); bad is the error for a name that
// is neither.
var versionedNames = map[Format]struct {
	up, other *regexp.Regexp
	bad       string
}{
	FormatGolangMigrate: {reGolangMigrate, reGolangDown, "not a golang-migrate file name (want N_name.up.sql or N_name.down.sql)"},
	FormatFlyway:        {reFlyway, reFlywayOther, "not a Flyway file name (want V<version>__<description>.sql)"},
}

// ReadMigrations reads the migration files of dir in fsys in the given format
// (FormatAuto detects it) and returns them in apply order with the format used.
func ReadMigrations(fsys fs.FS, dir string, format Format) ([]MigrationFile, Format, error) {
	files, names, err := readMigrationTexts(fsys, dir)
	if err != nil {
		return nil, format, err
	}
	if format == "" || format == FormatAuto {
		format = DetectFormat(files)
	}
	var out []MigrationFile
	for _, name := range names {
		p := path.Join(dir, name)
		m, ok, err := readMigration(p, name, files[name], format)
		if err != nil {
			return nil, format, err
		}
		if ok {
			out = append(out, m)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if c := compareVersions(out[i].Version, out[j].Version); c != 0 {
			return c < 0
		}
		return out[i].Path < out[j].Path
	})
	for i := 1; i < len(out); i++ {
		if format != FormatPlain && compareVersions(out[i-1].Version, out[i].Version) == 0 {
			return nil, format, fmt.Errorf("%s and %s: duplicate migration version %s", out[i-1].Path, out[i].Path, out[i].Version)
		}
	}
	return out, format, nil
}

// DetectMigrationsFormat is the format ReadMigrations detects for dir.
func DetectMigrationsFormat(fsys fs.FS, dir string) (Format, error) {
	files, _, err := readMigrationTexts(fsys, dir)
	if err != nil {
		return FormatAuto, err
	}
	return DetectFormat(files), nil
}

// readMigrationTexts reads the .sql files of dir, by name, and lists the names
// in directory order.
func readMigrationTexts(fsys fs.FS, dir string) (map[string]string, []string, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, nil, fmt.Errorf("read migrations folder %q: %w", dir, err)
	}
	files := map[string]string{}
	var names []string
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(strings.ToLower(e.Name()), ".sql") {
			continue
		}
		b, err := fs.ReadFile(fsys, path.Join(dir, e.Name()))
		if err != nil {
			return nil, nil, fmt.Errorf("read migration %q: %w", path.Join(dir, e.Name()), err)
		}
		files[e.Name()] = string(b)
		names = append(names, e.Name())
	}
	return files, names, nil
}

// DetectFormat guesses the migrations format from file names and contents.
func DetectFormat(files map[string]string) Format {
	counts := map[Format]int{}
	for name, text := range files {
		switch {
		case reGolangMigrate.MatchString(name) || reGolangDown.MatchString(name):
			counts[FormatGolangMigrate]++
		case reFlyway.MatchString(name):
			counts[FormatFlyway]++
		case commentLineMatches(text, reGooseUp):
			counts[FormatGoose]++
		case commentLineMatches(text, reDbmateUp):
			counts[FormatDbmate]++
		}
	}
	best, n := FormatPlain, 0
	for _, f := range []Format{FormatGolangMigrate, FormatFlyway, FormatGoose, FormatDbmate} {
		if counts[f] > n {
			best, n = f, counts[f]
		}
	}
	return best
}

// commentLineMatches reports whether re, a pattern of a line that starts
// with "--", matches a line of text. It runs re on those lines only: a
// multi-line pattern run over a whole 1.5 MB schema costs a fifth of a diff.
func commentLineMatches(text string, re *regexp.Regexp) bool {
	for i := 0; i < len(text); {
		j := strings.Index(text[i:], "--")
		if j < 0 {
			return false
		}
		j += i
		if j == 0 || text[j-1] == '\n' {
			end := strings.IndexByte(text[j:], '\n')
			if end < 0 {
				end = len(text)
			} else {
				end += j
			}
			if re.MatchString(text[j:end]) {
				return true
			}
		}
		i = j + 2
	}
	return false
}

func readMigration(p, name, text string, format Format) (MigrationFile, bool, error) {
	src := NewSource(p, text)
	m := MigrationFile{Path: p, Source: src}
	switch format {
	case FormatGolangMigrate, FormatFlyway:
		n := versionedNames[format]
		if n.other.MatchString(name) {
			return m, false, nil
		}
		sm := n.up.FindStringSubmatch(name)
		if sm == nil {
			return m, false, fmt.Errorf("%s: %s", p, n.bad)
		}
		m.Version = sm[1]
		m.Chunks = src.Split()
	case FormatGoose:
		m.Version = leadingVersion(name)
		if m.Version == "" {
			return m, false, fmt.Errorf("%s: goose migration names start with a version number", p)
		}
		chunks, err := gooseChunks(src)
		if err != nil {
			return m, false, err
		}
		m.Chunks = chunks
	case FormatDbmate:
		m.Version = leadingVersion(name)
		if m.Version == "" {
			return m, false, fmt.Errorf("%s: dbmate migration names start with a version number", p)
		}
		start, end, err := sectionRange(src, reDbmateUp, regexp.MustCompile(`(?mi)^--\s*migrate:down\b`), "-- migrate:up")
		if err != nil {
			return m, false, err
		}
		m.Chunks = src.SplitRange(start, end)
	default:
		m.Version = leadingVersion(name)
		m.Chunks = src.Split()
	}
	return m, true, nil
}

func leadingVersion(name string) string {
	if sm := reLeadingNumber.FindStringSubmatch(name); sm != nil {
		return sm[1]
	}
	return ""
}

// sectionRange returns the byte range of the "up" section: from the line after
// the up marker to the down marker (or the end of the file).
func sectionRange(src *Source, up, down *regexp.Regexp, want string) (int, int, error) {
	loc := up.FindStringIndex(src.Text)
	if loc == nil {
		return 0, 0, fmt.Errorf("%s:1:1: no %q marker: the file has no up migration", src.Name, want)
	}
	start := lineEnd(src.Text, loc[1])
	end := len(src.Text)
	if d := down.FindStringIndex(src.Text[start:]); d != nil {
		end = start + d[0]
	}
	return start, end, nil
}

func lineEnd(text string, i int) int {
	if j := strings.IndexByte(text[i:], '\n'); j >= 0 {
		return i + j + 1
	}
	return len(text)
}

var reGooseAnnotation = regexp.MustCompile(`(?mi)^--\s*\+goose\s+(up|down|statementbegin|statementend|no transaction|envsub\s+\w+)\b.*$`)

// gooseChunks returns the statements of the Up section of a goose file,
// keeping StatementBegin/StatementEnd blocks whole.
func gooseChunks(src *Source) ([]Chunk, error) {
	text := src.Text
	var chunks []Chunk
	inUp, seenUp := false, false
	blockStart := -1
	segStart := 0
	for _, loc := range reGooseAnnotation.FindAllStringSubmatchIndex(text, -1) {
		kind := strings.ToLower(strings.Join(strings.Fields(text[loc[2]:loc[3]]), " "))
		lineStart, next := loc[0], lineEnd(text, loc[1])
		switch {
		case kind == "up":
			if inUp && blockStart < 0 {
				chunks = append(chunks, src.SplitRange(segStart, lineStart)...)
			}
			inUp, seenUp, segStart = true, true, next
		case kind == "down":
			if inUp && blockStart < 0 {
				chunks = append(chunks, src.SplitRange(segStart, lineStart)...)
			}
			if blockStart >= 0 {
				return nil, fmt.Errorf("%s: +goose Down inside a StatementBegin block (missing StatementEnd)", src.Position(lineStart))
			}
			inUp = false
		case kind == "statementbegin" && inUp:
			chunks = append(chunks, src.SplitRange(segStart, lineStart)...)
			blockStart = next
		case kind == "statementend" && inUp:
			if blockStart < 0 {
				return nil, fmt.Errorf("%s: +goose StatementEnd without StatementBegin", src.Position(lineStart))
			}
			chunks = append(chunks, wholeChunk(src, blockStart, lineStart)...)
			blockStart, segStart = -1, next
		}
	}
	if !seenUp {
		return nil, fmt.Errorf("%s:1:1: no \"-- +goose Up\" annotation", src.Name)
	}
	if blockStart >= 0 {
		return nil, fmt.Errorf("%s: +goose StatementBegin without StatementEnd", src.Position(blockStart))
	}
	if inUp {
		chunks = append(chunks, src.SplitRange(segStart, len(text))...)
	}
	return chunks, nil
}

// wholeChunk makes one statement of [start, end) (a goose block), dropping a
// trailing delimiter and leading comments.
func wholeChunk(src *Source, start, end int) []Chunk {
	parts := src.SplitRange(start, end)
	if len(parts) == 0 {
		return nil
	}
	first, last := parts[0], parts[len(parts)-1]
	s, e := first.Origin.Offset, last.Origin.Offset+len(last.SQL)
	return []Chunk{{SQL: src.Text[s:e], Comments: first.Comments, Origin: src.Span(s, e)}}
}

// compareVersions orders dotted or underscored numeric versions numerically
// part by part (1.10 after 1.9); non-numeric parts compare as text.
func compareVersions(a, b string) int {
	pa := strings.FieldsFunc(a, func(r rune) bool { return r == '.' || r == '_' })
	pb := strings.FieldsFunc(b, func(r rune) bool { return r == '.' || r == '_' })
	for i := 0; i < len(pa) || i < len(pb); i++ {
		if i >= len(pa) {
			return -1
		}
		if i >= len(pb) {
			return 1
		}
		x, errX := strconv.ParseUint(strings.TrimLeft(pa[i], "0")+"0", 10, 64)
		y, errY := strconv.ParseUint(strings.TrimLeft(pb[i], "0")+"0", 10, 64)
		if errX == nil && errY == nil {
			if x != y {
				if x < y {
					return -1
				}
				return 1
			}
			continue
		}
		if c := strings.Compare(pa[i], pb[i]); c != 0 {
			return c
		}
	}
	return 0
}
