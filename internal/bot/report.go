package bot

import (
	"fmt"
	"strings"

	"github.com/ddlbot/ddlbot/internal/check"
	"github.com/ddlbot/ddlbot/internal/config"
	"github.com/ddlbot/ddlbot/internal/github"
	"github.com/ddlbot/ddlbot/internal/lint"
	ps "github.com/ddlbot/ddlbot/internal/planetscale"
	"github.com/ddlbot/ddlbot/internal/redact"
	"github.com/ddlbot/ddlbot/schemadiff"
)

// report renders one database's sticky comment and check run summary. Every
// piece of user text (names, paths, SQL, messages) is escaped or fenced.
type report struct {
	db       config.Database
	pr       github.PullRequest
	res      *check.Result
	failOn   lint.Severity
	many     bool // more than one database: commands need --db
	version  string
	state    PlanState
	dr       *ps.DeployRequest
	psDiff   []ps.SchemaTable
	applied  []string
	lintOnly string
	err      error
	drift    []driftEntry // production vs the base (drift.go)
	// notes say what the plan did beyond the usual (a new branch, and why).
	notes []string
	// noDeploy says why /deploy will refuse this pull request whatever its
	// plan (its base branch may not deploy), "" when it may deploy.
	noDeploy string
	// pending are the other open deploy requests into production (with drift).
	pending   []ps.DeployRequest
	cfg       config.Deploy
	migration *migrationData // the tracking table's rows on deploy (migrationdata.go)
	// severities are the configuration's rule severities (lint.rules).
	severities map[string]lint.Severity
}

// needsAck reports whether production differs from the base in a way
// nobody has acknowledged yet: the check run is then action_required.
func (r *report) needsAck() bool {
	differs, unknown := unacknowledged(r.drift, r.cfg, Command{})
	return len(differs) > 0 || len(unknown) > 0
}

func (r *report) deploymentState() string {
	if r.dr == nil {
		return ""
	}
	return r.dr.DeploymentState
}

func (r *report) drURL() string {
	if r.dr == nil {
		return ""
	}
	return r.dr.HTMLURL
}

// drLink is a deploy request's number as a markdown link, or the bare
// number when it has no page (an in-process localscale).
func drLink(dr *ps.DeployRequest) string {
	if dr.HTMLURL == "" {
		return fmt.Sprintf("#%d", dr.Number)
	}
	return fmt.Sprintf("[#%d](%s)", dr.Number, dr.HTMLURL)
}

// title is the check run's one-line title.
func (r *report) title() string {
	errs, warns := r.counts()
	switch {
	case r.err != nil:
		return "Planning failed"
	case r.deploymentState() == ps.StateError:
		return fmt.Sprintf("Deploy request #%d failed PlanetScale's checks", r.dr.Number)
	case errs > 0:
		return fmt.Sprintf("%d lint error(s), %d warning(s)", errs, warns)
	case r.dr != nil && r.deploymentState() == ps.StateNoChanges:
		return fmt.Sprintf("Deploy request #%d: no changes", r.dr.Number)
	case r.needsAck():
		return fmt.Sprintf("Production differs from %s: acknowledge before deploying", baseName(r.pr))
	case r.dr != nil:
		return fmt.Sprintf("Deploy request #%d is %s", r.dr.Number, strings.ReplaceAll(r.deploymentState(), "_", " "))
	default:
		return fmt.Sprintf("Linted: %d error(s), %d warning(s)", errs, warns)
	}
}

// reason is the one-line, plain-text why of a check run's conclusion.
func (r *report) reason(conclusion string) string {
	errs, warns := r.counts()
	switch {
	case r.err != nil:
		return "planning failed: " + redact.Secrets(r.err.Error())
	case errs > 0:
		return fmt.Sprintf("%d lint error(s)", errs)
	case r.deploymentState() == ps.StateError:
		return fmt.Sprintf("deploy request #%d failed PlanetScale's checks", r.dr.Number)
	case conclusion == github.ConclusionFailure && warns > 0:
		return fmt.Sprintf("%d lint warning(s), and lint fails on warnings", warns)
	case conclusion == github.ConclusionFailure:
		return "lint fails"
	case r.lintOnly != "":
		return "linted only: " + plainText(r.lintOnly)
	case r.needsAck():
		return "production differs from the base; deploying needs an acknowledgement"
	case r.dr != nil:
		return fmt.Sprintf("deploy request #%d is %s", r.dr.Number, strings.ReplaceAll(r.deploymentState(), "_", " "))
	}
	return fmt.Sprintf("linted: %d error(s), %d warning(s)", errs, warns)
}

// plainText drops the code spans' backticks of a markdown sentence we wrote.
func plainText(s string) string { return strings.ReplaceAll(s, "`", "") }

func (r *report) counts() (errs, warns int) {
	s := lint.Summarize(r.res.Findings)
	return s.Errors, s.Warnings
}

func (r *report) render() string {
	var b strings.Builder
	b.WriteString(Marker(r.db.Name))
	b.WriteByte('\n')
	b.WriteString(encodeState(r.state))
	b.WriteString("\n\n")
	head := b.Len()
	fmt.Fprintf(&b, "### ddlbot · %s\n\n", schemadiff.MarkdownCode(r.db.Name))
	errs, warns := r.counts()
	var facts []string
	if r.dr != nil {
		facts = append(facts, fmt.Sprintf("Deploy request %s: **%s**", drLink(r.dr), strings.ReplaceAll(r.deploymentState(), "_", " ")))
	}
	if r.state.Branch != "" {
		facts = append(facts, "branch "+schemadiff.MarkdownCode(r.state.Branch))
	}
	facts = append(facts, "head "+schemadiff.MarkdownCode(short(r.pr.HeadSHA)))
	facts = append(facts, fmt.Sprintf("lint: %d error(s), %d warning(s)", errs, warns))
	b.WriteString(strings.Join(facts, " · "))
	b.WriteString("\n\n")
	if r.err != nil {
		b.WriteString("> [!CAUTION]\n> ")
		b.WriteString(schemadiff.MarkdownEscape(redact.Secrets(r.err.Error())))
		b.WriteString("\n\n")
	}
	if r.lintOnly != "" {
		b.WriteString("> [!NOTE]\n> ")
		b.WriteString(r.lintOnly)
		b.WriteString("\n\n")
	}
	for _, n := range r.notes {
		b.WriteString("> [!NOTE]\n> " + n + "\n\n")
	}
	r.renderDrift(&b)
	r.renderMigrationData(&b)
	r.renderChanges(&b)
	r.renderPlanetScaleErrors(&b)
	r.renderFindings(&b)
	r.renderNext(&b)
	if r.version != "" {
		fmt.Fprintf(&b, "\n<sub>ddlbot %s</sub>\n", schemadiff.MarkdownEscape(r.version))
	}
	// Everything below the hidden blocks may carry user text.
	out := b.String()
	return out[:head] + publicText(out[head:])
}

func (r *report) renderChanges(b *strings.Builder) {
	switch {
	case r.res.BaseErr != nil:
		b.WriteString("The schema on the base branch does not load, so the change could not be diffed.\n\n")
		return
	case r.res.DiffErr != nil:
		b.WriteString("The change could not be ordered: " + schemadiff.MarkdownEscape(r.res.DiffErr.Error()) + "\n\n")
		return
	case r.res.Diff == nil:
		return
	}
	b.WriteString("#### Changes\n\n")
	var md strings.Builder
	_ = r.res.Diff.RenderMarkdownWith(&md, schemadiff.MarkdownOptions{RiskMark: RiskMark(r.severities)})
	b.WriteString(md.String())
	b.WriteByte('\n')
	if len(r.psDiff) > 0 {
		var raw []string
		for _, t := range r.psDiff {
			raw = append(raw, strings.TrimRight(t.Raw, "\n"))
		}
		fmt.Fprintf(b, "<details><summary>PlanetScale's diff (%d table(s))</summary>\n\n", len(r.psDiff))
		b.WriteString(schemadiff.CodeFence("diff", strings.Join(raw, "\n\n")))
		b.WriteString("\n</details>\n\n")
	}
}

func (r *report) renderPlanetScaleErrors(b *strings.Builder) {
	if r.dr == nil || r.dr.Deployment == nil {
		return
	}
	d := r.dr.Deployment
	if len(d.LintErrors) == 0 && (d.DeployCheckErrors == nil || *d.DeployCheckErrors == "") {
		return
	}
	b.WriteString("#### PlanetScale's checks\n\n")
	if d.DeployCheckErrors != nil && *d.DeployCheckErrors != "" {
		b.WriteString("- " + schemadiff.MarkdownEscape(redact.Secrets(*d.DeployCheckErrors)) + "\n")
	}
	for _, le := range d.LintErrors {
		fmt.Fprintf(b, "- %s on %s: %s\n", schemadiff.MarkdownCode(le.LintError), schemadiff.MarkdownCode(le.TableName), schemadiff.MarkdownEscape(redact.Secrets(le.ErrorDescription)))
	}
	b.WriteByte('\n')
}

func (r *report) renderFindings(b *strings.Builder) {
	fs := r.res.Findings
	if len(fs) == 0 {
		b.WriteString("No lint findings.\n\n")
		return
	}
	fmt.Fprintf(b, "#### Lint (%d)\n\n", len(fs))
	const max = 50
	for i, f := range fs {
		if i == max {
			fmt.Fprintf(b, "- … and %d more in the check run's annotations\n", len(fs)-max)
			break
		}
		fmt.Fprintf(b, "- %s %s %s %s\n", severityMark(f.Severity), schemadiff.MarkdownCode(findingPlace(f)),
			schemadiff.MarkdownCode(f.Rule), schemadiff.MarkdownInline(f.Message))
	}
	b.WriteByte('\n')
}

// severityMark is the emoji of a lint severity ("" for off).
func severityMark(s lint.Severity) string {
	return map[lint.Severity]string{lint.Error: "🛑", lint.Warning: "⚠️", lint.Notice: "ℹ️"}[s]
}

// RiskMark shows a risk with the severity of the lint rule that reports it
// (severities override the rules' defaults, as lint.rules does), so a list
// of risks and the lint findings agree; a rule turned off shows as a notice.
// Risks no rule reports get "" (the renderer's default mark).
func RiskMark(severities map[string]lint.Severity) func(schemadiff.Risk) string {
	return func(risk schemadiff.Risk) string {
		rule, ok := lint.RuleForRisk(risk.Code)
		if !ok {
			return ""
		}
		sev := rule.Severity
		if s, ok := severities[rule.ID]; ok {
			sev = s
		}
		if sev == lint.Off {
			sev = lint.Notice
		}
		return severityMark(sev)
	}
}

// The pull request's words for what a terminal says otherwise (TerminalWords).
const (
	nextFixProblem    = "fix the problem above and push, or re-run the job."
	nextFixLint       = "fix the lint findings (or suppress them with a reason) and push."
	nextFixChecks     = "fix what PlanetScale's checks report and push."
	atHeadOfPR        = "at the head of this pull request"
	prSchema          = "this pull request's schema"
	blockedNoBranch   = "no PlanetScale branch or deploy request was made for this head: fix the findings and push."
	blockedNotBrought = "was not brought to this head:"
	blockedRefuses    = "`/deploy` refuses it until a head passes lint."
)

// TerminalWords turns a report's pull-request wording into a terminal's:
// pairs (old, new, ...) for strings.NewReplacer. On a terminal the head is
// the working tree, and the way on is to fix the files and run the command
// again, not to push or re-run a job. head is the terminal's head commit
// (as the report shows it), rerun the command to run again (`ddlbot plan`),
// deploy the command that deploys. The markdown a pull request gets keeps
// its own words: only a terminal's text report is reworded.
func TerminalWords(head, rerun, deploy string) []string {
	// Escaped, the commands keep their backticks in the text, as the
	// terminal's own "Next step: run `ddlbot deploy`" does.
	quote := func(cmd string) string { return "\\`" + cmd + "\\`" }
	again := "run " + quote(rerun) + " again."
	return []string{
		nextFixProblem, "fix the problem above and " + again,
		nextFixLint, "fix the lint findings in the files (or suppress them with a reason) and " + again,
		nextFixChecks, "fix what PlanetScale's checks report and " + again,
		atHeadOfPR, "in the working tree",
		prSchema, "the working tree's schema",
		blockedNoBranch, "no PlanetScale branch or deploy request was made for the working tree: fix the findings and " + again,
		blockedNotBrought, "was not brought to the working tree:",
		"still holds head " + schemadiff.MarkdownCode(short(head)), "still holds an earlier plan of the working tree",
		blockedRefuses, quote(deploy) + " refuses it until the working tree passes lint.",
	}
}

func (r *report) renderNext(b *strings.Builder) {
	errs, _ := r.counts()
	switch {
	case r.err != nil:
		b.WriteString("**Next step:** " + nextFixProblem + "\n")
	case errs > 0 || (r.failOn == lint.Warning && len(r.res.Findings) > 0):
		b.WriteString("**Next step:** " + nextFixLint + "\n")
	case r.deploymentState() == ps.StateError:
		b.WriteString("**Next step:** " + nextFixChecks + "\n")
	case r.deploymentState() == ps.StateReady && r.noDeploy != "":
		b.WriteString("`/deploy` is not available: " + r.noDeploy + "\n")
	case r.deploymentState() == ps.StateReady:
		b.WriteString("**Next step:** " + r.deployStep() + "\n")
	case r.deploymentState() == ps.StateNoChanges:
		b.WriteString("Production already has this schema: nothing to deploy.\n")
	}
}

// deployStep says how to deploy a ready deploy request: the reviews it
// still needs, and the command with the acknowledgements it needs.
func (r *report) deployStep() string {
	cmd := "/deploy"
	if r.many {
		cmd += " --db " + r.db.Name
	}
	differs, unknown := unacknowledged(r.drift, r.cfg, Command{})
	if len(differs) > 0 {
		cmd += " --accept-drift"
	}
	if len(unknown) > 0 {
		cmd += " --drop-unknown-tables"
	}
	step := fmt.Sprintf("comment `%s` to deploy", cmd)
	if r.cfg.OnMerge {
		step += ", or merge the pull request (`deploy.on_merge` deploys it then, through the same checks)"
	}
	step += "."
	if n := r.cfg.RequiredApprovals; n > 0 {
		review := "approving review"
		if n > 1 {
			review += "s"
		}
		step = fmt.Sprintf("needs %d %s of head %s (from someone other than the author, with write permission); then %s",
			n, review, schemadiff.MarkdownCode(short(r.pr.HeadSHA)), step)
	}
	return step
}

// annotations turns findings into check run annotations.
func annotations(fs []lint.Finding) []github.Annotation {
	out := make([]github.Annotation, 0, len(fs))
	for _, f := range fs {
		if f.File == "" {
			continue
		}
		level := github.LevelNotice
		switch f.Severity {
		case lint.Error:
			level = github.LevelFailure
		case lint.Warning:
			level = github.LevelWarning
		}
		a := github.Annotation{Path: f.File, StartLine: f.Line, EndLine: max(f.EndLine, f.Line), Level: level, Title: f.Rule, Message: f.Message}
		if a.StartLine == a.EndLine {
			a.StartColumn, a.EndColumn = f.Column, max(f.EndColumn, f.Column)
		}
		out = append(out, a)
	}
	return out
}
