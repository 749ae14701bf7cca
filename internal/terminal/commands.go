package terminal

import (
	"context"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/ddlbot/ddlbot/internal/github"
)

// What commands need from GitHub (internal/bot.CommandGitHub), in a
// terminal: the person at the terminal runs the command, with admin
// permission (they hold the PlanetScale credentials; nobody else is asked);
// reactions and replies are shown on the Console, and edits of the sticky
// comment that carry a deployment redraw its progress there.

// User is the login of the person at the terminal, the author of the
// commands ddlbot runs for them.
const User = "you"

// React does nothing: the engine reacts only to a comment, and a terminal
// command (Engine.RunCommand) has none.
func (g *GitHub) React(context.Context, string, string, int64, string) error { return nil }

// Reply records a reply and shows it on the console.
func (g *GitHub) Reply(_ context.Context, _, _ string, _ int, body string) (int64, error) {
	g.mu.Lock()
	g.replies = append(g.replies, body)
	id := int64(1000 + len(g.replies))
	g.mu.Unlock()
	g.Console.Reply(body)
	return id, nil
}

// Replies returns the replies, oldest first.
func (g *GitHub) Replies() []string {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]string(nil), g.replies...)
}

// Permission is admin: the person at the terminal decides.
func (g *GitHub) Permission(context.Context, string, string, string) (github.Permission, error) {
	return github.Permission{Role: "admin", Base: "admin"}, nil
}

// TeamMember is true: there are no teams in a terminal.
func (g *GitHub) TeamMember(context.Context, string, string, string) (bool, error) {
	return true, nil
}

// Reviews is empty: a terminal has no reviews.
func (g *GitHub) Reviews(context.Context, string, string, int) ([]github.Review, error) {
	return nil, nil
}

// RequiredReviews is 0: a terminal has no branch protection.
func (g *GitHub) RequiredReviews(context.Context, string, string, string) (int, error) {
	return 0, nil
}

// EditComment replaces a sticky comment's body; a deployment in it is drawn
// on the console.
func (g *GitHub) EditComment(_ context.Context, _, _ string, id int64, body string) error {
	g.mu.Lock()
	var found bool
	for _, c := range g.comments {
		if c.ID == id {
			c.Body, found = body, true
		}
	}
	g.mu.Unlock()
	if !found {
		return fmt.Errorf("terminal: no comment %d", id)
	}
	g.Console.Deployment(body)
	return nil
}

// Console shows a command's run to the person at the terminal: reactions and
// replies as lines, the deployment as a progress display, one line per table
// with a bar, percent and ETA. On a terminal (TTY) the display is redrawn in
// place; elsewhere (a log, a pipe) it is printed again only when something
// other than the ETA changed (a state, or a table's progress passing a tenth).
// A nil *Console shows nothing.
type Console struct {
	W io.Writer
	// TTY redraws the progress display in place with ANSI escapes.
	TTY bool
	// Prefix starts every line that is not part of the progress display
	// ("ddlbot deploy: ").
	Prefix string

	mu      sync.Mutex
	drawn   int    // lines of the display drawn last, to redraw over (TTY)
	lastKey string // what the display showed last, ETA aside
}

var reMention = regexp.MustCompile(`^@[A-Za-z0-9-]+(\[bot\])? `)

// Reply shows a reply as plain text, without what only makes sense on a
// pull request: the mention, and the sentences that say which comment to
// write next (there is no pull request to comment on).
func (c *Console) Reply(body string) {
	if c == nil {
		return
	}
	text := reMention.ReplaceAllString(strings.TrimSpace(body), "")
	var lines []string
	for _, l := range strings.Split(text, "\n") {
		if l = DropCommentHints(PlainText(l)); strings.TrimSpace(l) != "" {
			lines = append(lines, l)
		}
	}
	if len(lines) > 0 {
		c.line(strings.Join(lines, "\n"+strings.Repeat(" ", len(c.Prefix))))
	}
}

// line prints a line below the progress display, which stays as it is.
func (c *Console) line(s string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	fmt.Fprintf(c.W, "%s%s\n", c.Prefix, s)
	c.drawn = 0
}

const (
	deployStart = "<!-- ddlbot:deploy:start -->"
	deployEnd   = "<!-- ddlbot:deploy:end -->"
)

// Deployment draws the deployment section of a sticky comment body; a body
// without one draws nothing.
func (c *Console) Deployment(body string) {
	if c == nil {
		return
	}
	md, ok := DeploymentSection(body)
	if !ok {
		return
	}
	d := ParseDeployment(md)
	lines, key := d.Render()
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.TTY {
		var b strings.Builder
		if c.drawn > 0 {
			fmt.Fprintf(&b, "\x1b[%dF\x1b[J", c.drawn) // to the display's first line, and clear it
		}
		for _, l := range lines {
			b.WriteString(l + "\n")
		}
		fmt.Fprint(c.W, b.String())
		c.drawn, c.lastKey = len(lines), key
		return
	}
	if key == c.lastKey {
		return
	}
	c.lastKey = key
	fmt.Fprint(c.W, strings.Join(lines, "\n")+"\n")
}

// DeploymentSection returns the deployment section of a sticky comment's
// body, and whether it has one.
func DeploymentSection(body string) (string, bool) {
	i, j := strings.Index(body, deployStart), strings.Index(body, deployEnd)
	if i < 0 || j < i {
		return "", false
	}
	return body[i+len(deployStart) : j], true
}

// Deployment is a deployment as the sticky comment shows it.
type Deployment struct {
	Title  string // "deploy request #3: in progress"
	Tables []TableProgress
	Notes  []string // queue position, revert window, PlanetScale's errors, …
}

// TableProgress is one table's operation.
type TableProgress struct {
	Table     string
	Operation string // "ALTER · in progress"
	Percent   float64
	ETA       string // "" when none
}

var (
	reHeading = regexp.MustCompile(`^#{1,6}\s+(.*)$`)
	rePercent = regexp.MustCompile(`([0-9]+(?:\.[0-9]+)?)%`)
)

// ParseDeployment reads the markdown of a deployment section (see
// internal/bot's renderDeployment): a heading, a table of operations, and
// notes.
func ParseDeployment(md string) Deployment {
	var d Deployment
	backup := false // in the section of the backup made before the deploy
	for _, l := range strings.Split(md, "\n") {
		l = strings.TrimSpace(l)
		switch {
		case l == "", strings.HasPrefix(l, "<!--"):
		case reHeading.MatchString(l):
			// Without the link's address: a display redrawn in place must
			// not wrap on a narrow terminal.
			h := reLink.ReplaceAllString(reHeading.FindStringSubmatch(l)[1], "$1")
			if backup = strings.HasPrefix(h, "Backup of "); backup {
				d.Notes = append(d.Notes, PlainText(h))
				continue
			}
			d.Title = PlainText(strings.Replace(h, "Deployment of ", "deploy request ", 1))
		case strings.HasPrefix(l, "|") && backup:
			// | Backup | State | Size | Kept until |: one line per backup.
			cells := tableCells(l)
			if len(cells) < 4 || cells[0] == "Backup" {
				continue
			}
			// Without the link (cells are plain text: "name (url)"), as above.
			name, _, _ := strings.Cut(cells[0], " (")
			d.Notes = append(d.Notes, fmt.Sprintf("backup %s: %s, %s, kept until %s", name, cells[1], cells[2], cells[3]))
		case strings.HasPrefix(l, "|"):
			cells := tableCells(l) // nil for the separator row
			if len(cells) < 4 || cells[0] == "Table" {
				continue
			}
			tp := TableProgress{Table: cells[0], Operation: cells[1]}
			if m := rePercent.FindStringSubmatch(cells[2]); m != nil {
				tp.Percent, _ = strconv.ParseFloat(m[1], 64)
			}
			if eta := cells[3]; eta != "—" && eta != "-" {
				tp.ETA = eta
			}
			d.Tables = append(d.Tables, tp)
		default:
			if n := DropCommentHints(PlainText(l)); strings.TrimSpace(n) != "" {
				d.Notes = append(d.Notes, n)
			}
		}
	}
	return d
}

const barWidth = 20

// Render returns the display's lines, and what it shows without the ETAs
// and with each percentage rounded down to a tenth (to tell whether a
// non-TTY display changed enough to print again).
func (d Deployment) Render() (lines []string, key string) {
	var keys []string
	if d.Title != "" {
		lines = append(lines, d.Title)
		keys = append(keys, d.Title)
	}
	wt, wo := 0, 0
	for _, t := range d.Tables {
		wt, wo = max(wt, len([]rune(t.Table))), max(wo, len([]rune(t.Operation)))
	}
	for _, t := range d.Tables {
		pct := max(0, min(100, t.Percent))
		n := int(pct / 100 * barWidth)
		l := fmt.Sprintf("  %s  %s  [%s%s] %3.0f%%", pad(t.Table, wt), pad(t.Operation, wo), strings.Repeat("█", n), strings.Repeat("░", barWidth-n), pct)
		if t.ETA != "" {
			l += "  ETA " + t.ETA
		}
		lines = append(lines, strings.TrimRight(l, " "))
		keys = append(keys, fmt.Sprintf("%s %s %d", t.Table, t.Operation, int(pct)/10))
	}
	for _, n := range d.Notes {
		lines = append(lines, "  "+n)
		if !strings.HasPrefix(n, "The revert window ends") { // it counts down
			keys = append(keys, n)
		}
	}
	return lines, strings.Join(keys, "\n")
}

func pad(s string, w int) string {
	if n := len([]rune(s)); n < w {
		return s + strings.Repeat(" ", w-n)
	}
	return s
}

var (
	reLink     = regexp.MustCompile(`\[([^\]]*)\]\(([^)\s]*)\)`)
	reBold     = regexp.MustCompile(`\*\*([^*]*)\*\*`)
	reCode     = regexp.MustCompile("`+([^`]*)`+")
	reEscape   = regexp.MustCompile(`\\[` + regexp.QuoteMeta(escapable) + `]`)
	reEntities = strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&", "\u200b", "")
)

// escapable are the characters markdown escapes with a backslash. While
// PlainText works, an escaped one stands in as a private-use rune, so that it
// is never taken for markup.
const escapable = "\\`*_{}[]()#+.!|~>&<@:-" // "-" last: literal in the character class

const privateUse = 0xE000

// PlainText turns a line of ddlbot's markdown into text for a terminal:
// links become "text (url)", emphasis and code marks go, escapes are undone.
func PlainText(md string) string {
	s := reEscape.ReplaceAllStringFunc(md, func(m string) string {
		return string(rune(privateUse + strings.IndexByte(escapable, m[1])))
	})
	s = reLink.ReplaceAllString(s, "$1 ($2)")
	s = reBold.ReplaceAllString(s, "$1")
	s = reCode.ReplaceAllString(s, "$1")
	s = strings.Map(func(r rune) rune {
		if r >= privateUse && r < privateUse+rune(len(escapable)) {
			return rune(escapable[r-privateUse])
		}
		return r
	}, s)
	return reEntities.Replace(s)
}

var reCommentHint = regexp.MustCompile(`(?i)\bcomment\s+/[a-z]`)

// DropCommentHints leaves out the sentences of a line that tell a pull
// request's reader which command to comment ("Comment /revert to undo
// within the revert window ..."): in a terminal there is nobody to comment.
func DropCommentHints(s string) string {
	parts := strings.SplitAfter(s, ". ")
	var keep []string
	for _, p := range parts {
		if !reCommentHint.MatchString(p) {
			keep = append(keep, p)
		}
	}
	return strings.TrimSpace(strings.Join(keep, ""))
}
