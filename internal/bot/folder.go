package bot

import (
	"context"
	"fmt"
	"io/fs"

	"github.com/ddlbot/ddlbot/internal/check"
	"github.com/ddlbot/ddlbot/internal/config"
	"github.com/ddlbot/ddlbot/internal/github"
	"github.com/ddlbot/ddlbot/internal/listedfs"
	"github.com/ddlbot/ddlbot/schemadiff"
)

// folderSetting names the setting of a database's folder: where to fix it.
func folderSetting(cfg *config.Config, db config.Database) string {
	key := "migrations"
	if db.Schema != "" {
		key = "schema"
	}
	file := cfg.File
	if file == "" {
		file = config.FileName
	}
	return fmt.Sprintf("`%s: %s` (%s line %d, database `%s`)", key, schemadiff.MarkdownEscape(db.Dir()),
		schemadiff.MarkdownEscape(file), db.DirLine, schemadiff.MarkdownEscape(db.Name))
}

// missingFolder says why a database's configured folder is wrong at the head
// of a pull request ("" when it exists). A typo in the path must fail the
// check: read as "no schema", it would pass any change as "no schema change".
func (e *Engine) missingFolder(ctx context.Context, repo Repo, pr github.PullRequest, cfg *config.Config, db config.Database) (string, error) {
	head, err := e.readFolder(ctx, repo, pr.HeadSHA, cfg, db)
	if err != nil {
		return "", fmt.Errorf("read %s at head %s: %w", db.Dir(), short(pr.HeadSHA), err)
	}
	if _, err := fs.Stat(head, db.Dir()); err == nil {
		return "", nil
	}
	return fmt.Sprintf("- %s: the folder does not exist "+atHeadOfPR+" (%s). Fix the path in the configuration, or restore the folder.",
		folderSetting(cfg, db), short(pr.HeadSHA)), nil
}

// emptiedFolder says when the head's folder holds no schema while the
// base's did ("" otherwise): dropping every table is never what an emptied
// or misplaced folder means.
func emptiedFolder(cfg *config.Config, db config.Database, res *check.Result) string {
	// A head that does not load is reported by lint, with its errors.
	if res.Base == nil || len(res.Base.Names()) == 0 || len(res.Head.Names()) > 0 || len(res.Head.BlockingProblems()) > 0 {
		return ""
	}
	return fmt.Sprintf("- %s: the folder holds no schema "+atHeadOfPR+", and held %d table(s) and view(s) at the base. Move the schema back, or fix the path in the configuration.",
		folderSetting(cfg, db), len(res.Base.Names()))
}

// failFolders fails the pull request's check for folder problems.
func (e *Engine) failFolders(ctx context.Context, repo Repo, pr github.PullRequest, problems []string) (*Outcome, error) {
	msg := "A configured schema folder is wrong, so " + prSchema + " cannot be checked:\n\n"
	for _, p := range problems {
		msg += p + "\n"
	}
	return e.failAll(ctx, repo, pr, ReasonSchemaFolder, msg)
}

// readFolder reads db's folder at ref. A .sql file over the configured
// limits.max_file_size is listed but never read: the size check of the
// load (check.Run) then refuses it, with the configuration's hint, if the
// load would read it (a file of gigabytes in a pull request costs neither
// memory nor transfer).
func (e *Engine) readFolder(ctx context.Context, repo Repo, ref string, cfg *config.Config, db config.Database) (fs.FS, error) {
	l := cfg.Limits.WithDefaults()
	return e.GitHub.RepoFS(ctx, repo.Owner, repo.Name, ref, db.Dir(), listedfs.Limits{MaxFileSize: l.MaxFileSize, MaxFiles: int64(l.MaxFiles), MaxTotalSize: l.MaxTotalSize})
}
