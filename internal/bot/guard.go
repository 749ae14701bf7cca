package bot

import (
	"context"
	"fmt"
	"strings"

	"github.com/ddlbot/ddlbot/internal/redact"
)

// The sticky comment is trusted state, but parts of it are user-written
// (file paths, DDL, PlanetScale errors). These helpers keep user text from
// impersonating the bot's hidden blocks and refuse state that belongs to
// another database, branch or pull request.

// neutralizeHTMLComments makes user text unable to open an HTML comment
// (which would hide text or plant a marker or state block): "<!--" becomes
// "&lt;!--", which shows as typed outside code and stays visible inside it.
func neutralizeHTMLComments(s string) string {
	return strings.ReplaceAll(s, "<!--", "&lt;!--")
}

// publicText prepares text that goes below the hidden blocks of a public
// comment: credential-shaped text (PlanetScale and MySQL errors may echo
// passwords and tokens) is redacted and HTML comments are neutralised.
func publicText(s string) string {
	return neutralizeHTMLComments(redact.Secrets(s))
}

// stateFor reads the hidden block of the sticky comment of database db on
// pull request number of repo. Only the bot's own layout counts: the marker opens the
// comment and the state block is the line right after it. State naming
// another database, or a branch other than this pull request's (BranchName,
// its later generations, or LegacyBranchName for state written before branch
// names named the repository), is refused (ok false): it was planted or
// belongs elsewhere.
func stateFor(body, db string, repo Repo, number int) (PlanState, bool) {
	body = strings.ReplaceAll(body, "\r\n", "\n")
	marker := Marker(db)
	if !strings.HasPrefix(body, marker+"\n") {
		return PlanState{}, false
	}
	line, _, _ := strings.Cut(body[len(marker)+1:], "\n")
	st, ok := decodeState(line)
	if !ok || strings.TrimSpace(line) != reState.FindString(line) {
		return PlanState{}, false
	}
	if st.Database != db {
		return PlanState{}, false
	}
	if _, own := generationOf(repo, number, st.Branch); st.Branch != "" && !own {
		return PlanState{}, false
	}
	return st, true
}

// stickyState is the state the sticky comment of database db on pull
// request number keeps: zero when there is no comment or its state is not
// the bot's for this database and pull request (see stateFor).
func (e *Engine) stickyState(ctx context.Context, repo Repo, number int, db string) (PlanState, error) {
	c, err := e.GitHub.FindStickyComment(ctx, repo.Owner, repo.Name, number, Marker(db))
	if err != nil {
		return PlanState{}, fmt.Errorf("read the plan of %s: %w", db, err)
	}
	if c == nil {
		return PlanState{}, nil
	}
	st, _ := stateFor(c.Body, db, repo, number)
	return st, nil
}
