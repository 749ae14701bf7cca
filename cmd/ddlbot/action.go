package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/ddlbot/ddlbot/internal/bot"
	"github.com/ddlbot/ddlbot/internal/config"
	"github.com/ddlbot/ddlbot/internal/github"
	"github.com/ddlbot/ddlbot/internal/lint"
	"github.com/ddlbot/ddlbot/internal/logsafe"
	"github.com/ddlbot/ddlbot/internal/planetscale"
	"github.com/sethvargo/go-githubactions"
)

const actionDescription = `The GitHub Action entry point (action.yml installs ddlbot and runs this):
reads the event GitHub Actions hands the step (GITHUB_EVENT_NAME,
GITHUB_EVENT_PATH) and the step's inputs (INPUT_*), runs the pull request
flow, and writes the step's outputs (GITHUB_OUTPUT) and job summary
(GITHUB_STEP_SUMMARY).

Events: pull_request and pull_request_target run the pull request flow;
issue_comment is where pull request commands (/deploy, ...) arrive; schedule
and workflow_dispatch refresh every open pull request's deployment in
progress (the comment, the check run, a reply once it rests), polling those
still moving for up to wait-timeout, so that a deployment longer than the job
that started it is followed to its end; any other event is ignored.

Exit status: 0 when the run succeeded (planned, linted only, nothing to do,
cleaned up, ignored, refreshed); 1 when it failed (failing lint findings,
PlanetScale's checks failed, planning failed, a pull request that could not
be refreshed, or the run could not complete; with fail-on: warning, also any
warning); 2 when the step is set up wrong (inputs, credentials, event).`

// Inputs of action.yml, with the default action.yml declares for each (a
// test keeps the two equal). The Actions runner passes every input as
// INPUT_<NAME>, its default filled in.
const (
	inConfig         = "config"
	inGitHubToken    = "github-token"
	inPSTokenID      = "planetscale-service-token-id"
	inPSToken        = "planetscale-service-token"
	inPSAPIURL       = "planetscale-api-url"
	inOrganization   = "organization"
	inDatabase       = "database"
	inFailOn         = "fail-on"
	inWaitTimeout    = "wait-timeout"
	defaultWaitLimit = 10 * time.Minute // the wait-timeout input's default
)

var actionInputs = map[string]string{
	inConfig:       config.FileName,
	inGitHubToken:  "${{ github.token }}",
	inPSTokenID:    "",
	inPSToken:      "",
	inPSAPIURL:     planetscale.DefaultBaseURL,
	inOrganization: "",
	inDatabase:     "",
	inFailOn:       "",
	inWaitTimeout:  "10m",
}

// Outputs of action.yml; every run writes all of them.
const (
	outDRNumber      = "deploy-request-number"
	outDRURL         = "deploy-request-url"
	outBranch        = "branch"
	outLintErrors    = "lint-errors"
	outLintWarnings  = "lint-warnings"
	outDeploymentSt  = "deployment-state"
	outDecision      = "decision"
	outReasonCode    = "reason-code"
	maxSummaryLength = 1<<20 - 4<<10 // GitHub takes 1 MiB of job summary per step
)

var actionOutputs = []string{outDRNumber, outDRURL, outBranch, outLintErrors, outLintWarnings, outDeploymentSt, outDecision, outReasonCode}

// Reason codes of problems the action finds before or around the engine (the
// engine's own are in internal/bot).
const (
	reasonInputsInvalid = bot.ReasonInputsInvalid // also the engine's, for inputs that do not fit the configuration
	reasonEventInvalid  = bot.ReasonCode("event-invalid")
	reasonCredentials   = bot.ReasonCode("credentials")
	reasonError         = bot.ReasonCode("error")
	reasonEventIgnored  = bot.ReasonCode("event-not-handled")
)

// actionReasonCodes are the action's own codes, beside bot.ReasonCodes.
var actionReasonCodes = []bot.ReasonCode{reasonEventInvalid, reasonCredentials, reasonError, reasonEventIgnored}

// actionRun is one run of `ddlbot action`.
type actionRun struct {
	a   *app
	gha *githubactions.Action
	log *slog.Logger
}

func runAction(ctx context.Context, a *app, args []string) int {
	fset := a.newFlagSet("action", "ddlbot action", actionDescription)
	rest, err := parseFlags(fset, args)
	if err != nil {
		return a.flagError(fset, err)
	}
	gha := githubactions.New(githubactions.WithWriter(a.stdout), githubactions.WithGetenv(a.getenv))
	// Secrets first: nothing may print them before the runner knows to hide them.
	secrets := []string{gha.GetInput(inGitHubToken), gha.GetInput(inPSTokenID), gha.GetInput(inPSToken)}
	for _, env := range []string{"GITHUB_TOKEN", planetscale.EnvServiceTokenID, planetscale.EnvServiceToken, planetscale.EnvOAuthToken} {
		secrets = append(secrets, strings.TrimSpace(a.getenv(env)))
	}
	for _, s := range secrets {
		if s != "" {
			gha.AddMask(s)
		}
	}
	r := &actionRun{a: a, gha: gha}
	r.log = slog.New(&actionsLogHandler{gha: gha, mu: &sync.Mutex{}})
	if len(rest) > 0 {
		return r.usage(reasonInputsInvalid, fmt.Errorf("action takes no arguments, got %q", rest))
	}
	return r.run(ctx)
}

// actionSettings are the inputs, checked.
type actionSettings struct {
	configPath    string
	token         string
	ps            planetscale.Config
	org, database string
	failOn        string
	wait          time.Duration
	// Polling knobs from the environment (envPollInterval, ...), for tests;
	// zero leaves the engine's default.
	poll, maxPoll, minUpdate time.Duration
}

// Environment variables that tune how the engine polls and how often it
// edits the comment and check run while following a deployment. They exist
// for tests (a deployment on localscale that takes a second is followed with
// millisecond polls); action.yml does not expose them, and a workflow has no
// reason to set them: the defaults (first poll after 1 s, doubling up to
// 10 s; at most one edit every 10 s) keep well inside GitHub's rate limits.
const (
	envPollInterval      = "DDLBOT_POLL_INTERVAL"
	envMaxPollInterval   = "DDLBOT_MAX_POLL_INTERVAL"
	envMinUpdateInterval = "DDLBOT_MIN_UPDATE_INTERVAL"
)

func (r *actionRun) settings() (actionSettings, error) {
	in := r.gha.GetInput
	s := actionSettings{configPath: in(inConfig), org: in(inOrganization), database: in(inDatabase)}
	if s.configPath == config.FileName {
		s.configPath = "" // the default: .ddlbot.yml, else .ddlbot.yaml
	}
	switch f := strings.ToLower(in(inFailOn)); f {
	case "", config.SeverityError, config.SeverityWarning:
		s.failOn = f
	default:
		return s, fmt.Errorf("the fail-on input is %q: use error or warning (or leave it empty for lint.fail_on in the configuration)", in(inFailOn))
	}
	s.wait = defaultWaitLimit
	if w := in(inWaitTimeout); w != "" {
		d, err := parseDurationInput(w)
		if err != nil {
			return s, fmt.Errorf("the wait-timeout input is %q: %w", w, err)
		}
		s.wait = d
	}
	var err error
	if s.poll, s.maxPoll, s.minUpdate, err = engineIntervals(r.a.getenv); err != nil {
		return s, err
	}
	s.token = in(inGitHubToken)
	if s.token == "" {
		s.token = strings.TrimSpace(r.a.getenv("GITHUB_TOKEN"))
	}
	// PlanetScale: the inputs, else the PLANETSCALE_* environment variables.
	env := planetscale.ConfigFromEnv(r.a.getenv)
	s.ps = planetscale.Config{ServiceTokenID: in(inPSTokenID), ServiceToken: in(inPSToken)}
	if s.ps.ServiceTokenID == "" && s.ps.ServiceToken == "" {
		s.ps.ServiceTokenID, s.ps.ServiceToken, s.ps.OAuthToken = env.ServiceTokenID, env.ServiceToken, env.OAuthToken
	}
	s.ps.BaseURL = in(inPSAPIURL)
	if (s.ps.BaseURL == "" || s.ps.BaseURL == planetscale.DefaultBaseURL) && env.BaseURL != "" {
		s.ps.BaseURL = env.BaseURL // set in the workflow's env: it beats the input's default
	}
	return s, nil
}

// engineIntervals reads the engine's polling knobs from the environment
// (DDLBOT_POLL_INTERVAL, DDLBOT_MAX_POLL_INTERVAL, DDLBOT_MIN_UPDATE_INTERVAL;
// zero where unset: the engine's defaults), for the Action and the server.
func engineIntervals(getenv func(string) string) (poll, maxPoll, minUpdate time.Duration, err error) {
	for _, k := range []struct {
		env string
		to  *time.Duration
	}{{envPollInterval, &poll}, {envMaxPollInterval, &maxPoll}, {envMinUpdateInterval, &minUpdate}} {
		v := strings.TrimSpace(getenv(k.env))
		if v == "" {
			continue
		}
		d, err := parseDurationInput(v)
		if err != nil {
			return 0, 0, 0, fmt.Errorf("%s is %q: %w (or unset it)", k.env, v, err)
		}
		*k.to = d
	}
	return poll, maxPoll, minUpdate, nil
}

var reSeconds = regexp.MustCompile(`^[0-9]+(\.[0-9]+)?$`)

// parseDurationInput reads a duration input: a number of seconds (120,
// 1.5) or a Go duration (10m, 90s, 1h30m). It must be positive.
func parseDurationInput(v string) (time.Duration, error) {
	v = strings.TrimSpace(v)
	var d time.Duration
	if reSeconds.MatchString(v) {
		secs, err := strconv.ParseFloat(v, 64)
		if err != nil || secs > float64(math.MaxInt64/int64(time.Second)) {
			return 0, errors.New("give a number of seconds (120) or a Go duration such as 10m or 90s")
		}
		d = time.Duration(secs * float64(time.Second))
	} else {
		var err error
		if d, err = time.ParseDuration(v); err != nil {
			return 0, errors.New("give a number of seconds (120) or a Go duration such as 10m or 90s")
		}
	}
	if d <= 0 {
		return 0, errors.New("give a positive number of seconds (120) or Go duration (10m, 90s)")
	}
	return d, nil
}

// refreshRepo is the repository a schedule or workflow_dispatch run
// refreshes: GITHUB_REPOSITORY, else the payload's (a schedule run's payload
// may carry no repository).
func refreshRepo(getenv func(string) string) (bot.Repo, error) {
	if full := strings.TrimSpace(getenv("GITHUB_REPOSITORY")); full != "" {
		owner, name, ok := strings.Cut(full, "/")
		if !ok || owner == "" || name == "" || strings.Contains(name, "/") {
			return bot.Repo{}, fmt.Errorf("GITHUB_REPOSITORY is %q, not owner/name", full)
		}
		return bot.Repo{Owner: owner, Name: name}, nil
	}
	data, err := readPayload(getenv("GITHUB_EVENT_PATH"))
	if err != nil {
		return bot.Repo{}, fmt.Errorf("GITHUB_REPOSITORY is not set, and %w", err)
	}
	return bot.PayloadRepo(data)
}

func (r *actionRun) run(ctx context.Context) int {
	s, err := r.settings()
	if err != nil {
		return r.usage(reasonInputsInvalid, err)
	}
	event := strings.TrimSpace(r.a.getenv("GITHUB_EVENT_NAME"))
	if event == "" {
		return r.usage(reasonEventInvalid, errors.New("GITHUB_EVENT_NAME is not set: `ddlbot action` runs as a step of a GitHub Actions workflow (elsewhere, use `ddlbot plan`)"))
	}
	var (
		prEvent bot.PullRequestEvent
		cmEvent bot.CommentEvent
		repo    bot.Repo // schedule, workflow_dispatch: the repository to refresh
	)
	switch event {
	case "pull_request", "pull_request_target":
		prEvent, err = readPullRequestEvent(r.a.getenv("GITHUB_EVENT_PATH"))
	case "issue_comment":
		cmEvent, err = readCommentEvent(r.a.getenv("GITHUB_EVENT_PATH"))
	case "schedule", "workflow_dispatch":
		repo, err = refreshRepo(r.a.getenv)
	default:
		out := &bot.Outcome{Decision: bot.DecisionIgnored, ReasonCode: reasonEventIgnored, Reason: fmt.Sprintf("ddlbot does nothing on %s events", event)}
		return r.finish(out, s)
	}
	if err != nil {
		return r.usage(reasonEventInvalid, fmt.Errorf("%s event: %w", event, err))
	}
	if s.token == "" {
		return r.usage(reasonCredentials, errors.New("no GitHub token: set the github-token input (its default, ${{ github.token }}, needs nothing else)"))
	}
	gh, err := github.New(ctx, github.Config{Token: s.token, BaseURL: r.a.getenv("GITHUB_API_URL"), Logger: r.log, UserAgent: userAgent()})
	if err != nil {
		return r.usage(reasonCredentials, fmt.Errorf("GitHub: %w (check the github-token input and GITHUB_API_URL)", err))
	}
	var psClient bot.PlanetScale // stays a nil interface without credentials: the engine then lints only
	refresh := event == "schedule" || event == "workflow_dispatch"
	if !s.ps.HasCredentials() {
		if refresh {
			return r.usage(reasonCredentials, fmt.Errorf("a %s run follows the deployments in progress, which needs a PlanetScale service token: "+
				"set the planetscale-service-token-id and planetscale-service-token inputs from the repository's secrets", event))
		}
		r.log.Info("no PlanetScale credentials (pull requests from forks get no secrets): linting only")
	} else {
		s.ps.UserAgent, s.ps.Logger = userAgent(), r.log
		c, err := planetscale.New(s.ps)
		if err != nil {
			return r.usage(reasonCredentials, fmt.Errorf("%w (inputs planetscale-service-token-id, planetscale-service-token and planetscale-api-url)", err))
		}
		psClient = c
	}
	engine := &bot.Engine{
		GitHub:      newCheckoutGitHub(ctx, gh, r.a.getenv("GITHUB_WORKSPACE"), r.log),
		PlanetScale: psClient,
		Logger:      r.log,
		Options: bot.Options{
			BranchReadyTimeout: s.wait,
			ChecksTimeout:      s.wait,
			FollowTimeout:      s.wait,
			RefreshTimeout:     s.wait,
			// Not the engine's hour: the job's timeout-minutes (30 in the
			// example) would kill the job mid-wait, leaving the check run in
			// progress and the comment promising a deploy. Past the wait
			// the deploy is refused and says /deploy waits for the same backup.
			BackupTimeout:     s.wait,
			PollInterval:      s.poll,
			MaxPollInterval:   s.maxPoll,
			MinUpdateInterval: s.minUpdate,
			DetailsURL:        runURL(r.a.getenv),
			Version:           buildVersion(),
			ConfigPath:        s.configPath,
			Adjust:            s.adjust(r.log),
		},
	}
	var out *bot.Outcome
	switch {
	case refresh:
		r.log.Info("refresh the deployments in progress", "event", event, "repository", repo.String())
		out, err = engine.Refresh(ctx, repo)
	case event == "issue_comment":
		r.log.Info("comment event", "action", cmEvent.Action, "repository", cmEvent.Repo.String(), "number", cmEvent.Number, "comment", cmEvent.CommentID)
		out, err = engine.HandleComment(ctx, cmEvent)
	default:
		r.log.Info("pull request event", "event", event, "action", prEvent.Action, "repository", prEvent.Repo.String(), "number", prEvent.Number)
		out, err = engine.HandlePullRequest(ctx, prEvent)
	}
	if err != nil {
		if errors.Is(err, github.ErrUnauthorized) {
			return r.usage(reasonCredentials, fmt.Errorf("GitHub rejected the token: set the github-token input to a valid token: %w", err))
		}
		r.gha.Errorf("ddlbot could not complete: %v", err)
		r.writeOutputs(&bot.Outcome{Decision: bot.DecisionFailed, ReasonCode: reasonError})
		r.summary(fmt.Sprintf("### ddlbot could not complete\n\n%s", codeBlock(err.Error())))
		return exitFindings
	}
	return r.finish(out, s)
}

// adjust applies the organization, database and fail-on inputs to the
// configuration read from the base commit.
func (s actionSettings) adjust(log *slog.Logger) func(*config.Config) error {
	return func(cfg *config.Config) error {
		if s.database != "" && len(cfg.Databases) > 1 {
			names := make([]string, len(cfg.Databases))
			for i, d := range cfg.Databases {
				names[i] = d.Name
			}
			return fmt.Errorf("the database input (%q) applies only to a configuration with one database; this one has %d (%s): set `database:` for each of them in the configuration file instead",
				s.database, len(cfg.Databases), strings.Join(names, ", "))
		}
		for i := range cfg.Databases {
			d := &cfg.Databases[i]
			if s.org != "" && d.Organization != s.org {
				log.Info("organization input overrides the configuration", "db", d.Name, "organization", s.org)
				d.Organization = s.org
			}
			if s.database != "" && d.Database != s.database {
				log.Info("database input overrides the configuration", "db", d.Name, "database", s.database)
				d.Database = s.database
			}
		}
		if s.failOn != "" {
			cfg.Lint.FailOn = s.failOn
		}
		return nil
	}
}

// finish reports an outcome: outputs, job summary, annotations, exit status.
func (r *actionRun) finish(out *bot.Outcome, s actionSettings) int {
	r.writeOutputs(out)
	errs, warns := out.LintErrors()
	var b strings.Builder
	if out.Summary != "" {
		b.WriteString(out.Summary)
		if len(out.Databases) > 0 {
			b.WriteString("\n---\n\n")
		}
	}
	for i, d := range out.Databases {
		if i > 0 {
			b.WriteString("\n---\n\n")
		}
		b.WriteString(d.Visible())
		if d.CheckRunID == 0 {
			r.annotate(d.Findings)
		}
	}
	if len(out.Databases) == 0 {
		fmt.Fprintf(&b, "### ddlbot\n\n%s.\n", strings.TrimSuffix(escapeLine(out.Reason), "."))
	}
	r.summary(b.String())
	r.log.Info("done", "decision", out.Decision, "reason_code", out.ReasonCode, "reason", out.Reason, "lint_errors", errs, "lint_warnings", warns)
	switch {
	case out.ReasonCode == reasonInputsInvalid:
		r.gha.Errorf("ddlbot: %s", unmarkdown(out.Reason))
		return exitUsage
	case out.Decision == bot.DecisionFailed:
		r.gha.Errorf("ddlbot: %s", failure(out))
		return exitFindings
	case s.failOn == config.SeverityWarning && warns > 0:
		r.gha.Errorf("ddlbot: %d lint warning(s) and fail-on is warning", warns)
		return exitFindings
	}
	return exitOK
}

// usage reports a step that is set up wrong, and exits 2.
func (r *actionRun) usage(code bot.ReasonCode, err error) int {
	r.gha.Errorf("ddlbot: %v", err)
	r.writeOutputs(&bot.Outcome{Decision: bot.DecisionFailed, ReasonCode: code})
	return exitUsage
}

// writeOutputs sets every output. With several databases the deploy request
// fields are the first planned database's, the lint counts are sums.
func (r *actionRun) writeOutputs(out *bot.Outcome) {
	errs, warns := out.LintErrors()
	var first *bot.DatabaseOutcome
	for _, d := range out.Databases {
		if first == nil || (first.DeployRequest == 0 && d.DeployRequest != 0) {
			first = d
		}
	}
	vals := map[string]string{
		outDecision: string(out.Decision), outReasonCode: string(out.ReasonCode),
		outLintErrors: strconv.Itoa(errs), outLintWarnings: strconv.Itoa(warns),
	}
	if first != nil {
		vals[outBranch], vals[outDeploymentSt], vals[outDRURL] = first.Branch, first.DeploymentState, first.DeployRequestURL
		if first.DeployRequest != 0 {
			vals[outDRNumber] = strconv.Itoa(first.DeployRequest)
		}
	}
	if r.a.getenv("GITHUB_OUTPUT") == "" {
		r.log.Debug("GITHUB_OUTPUT is not set: outputs not written")
		return
	}
	for _, k := range actionOutputs {
		// One line each: a value can never end the file command's block early.
		r.gha.SetOutput(k, strings.NewReplacer("\r", " ", "\n", " ").Replace(vals[k]))
	}
}

func (r *actionRun) summary(md string) {
	if strings.TrimSpace(md) == "" {
		return
	}
	if r.a.getenv("GITHUB_STEP_SUMMARY") == "" {
		r.log.Debug("GITHUB_STEP_SUMMARY is not set: job summary not written")
		return
	}
	r.gha.AddStepSummary(github.TruncateMarkdown(md, maxSummaryLength))
}

// annotate turns lint findings into workflow annotations. It is called only
// for a database whose check run GitHub refused (a fork's read-only token):
// otherwise the check run carries the same annotations, and repeating them
// would show every finding twice on the pull request. GitHub shows at most
// 10 errors and 10 warnings of a step; the job summary lists them all.
func (r *actionRun) annotate(findings []lint.Finding) {
	for _, f := range findings {
		if f.File == "" {
			continue
		}
		fields := map[string]string{"file": f.File, "line": strconv.Itoa(f.Line), "title": f.Rule}
		if f.EndLine > f.Line {
			fields["endLine"] = strconv.Itoa(f.EndLine)
		} else if f.Column > 0 {
			fields["col"] = strconv.Itoa(f.Column)
			if f.EndColumn > f.Column {
				fields["endColumn"] = strconv.Itoa(f.EndColumn)
			}
		}
		g := r.gha.WithFieldsMap(fields)
		switch f.Severity {
		case lint.Error:
			g.Errorf("%s", f.Message)
		case lint.Warning:
			g.Warningf("%s", f.Message)
		default:
			g.Noticef("%s", f.Message)
		}
	}
}

func escapeLine(s string) string {
	return strings.NewReplacer("<", "&lt;", ">", "&gt;", "\n", " ").Replace(s)
}

func codeBlock(s string) string {
	fence := "```"
	for strings.Contains(s, fence) {
		fence += "`"
	}
	return fence + "\n" + s + "\n" + fence + "\n"
}

var markdownEscaped = regexp.MustCompile("\\\\([\\\\`*_{}\\[\\]()#+\\-!|~>&<@:])")

// unmarkdown turns a line of escaped markdown (schemadiff.MarkdownEscape)
// back into plain text, for the log.
func unmarkdown(s string) string {
	s = strings.NewReplacer("&lt;", "<", "&gt;", ">").Replace(s)
	return markdownEscaped.ReplaceAllString(s, "$1")
}

// failure says in one line why an outcome failed.
func failure(out *bot.Outcome) string {
	var parts []string
	for _, d := range out.Databases {
		if d.Conclusion != github.ConclusionFailure {
			continue
		}
		why := d.Reason
		if why == "" {
			why = "failed (see the report in the job summary)"
		}
		parts = append(parts, fmt.Sprintf("database %s: %s", d.Name, escapeLine(why)))
	}
	if len(parts) == 0 {
		return escapeLine(out.Reason)
	}
	return strings.Join(parts, "; ")
}

func userAgent() string {
	v, _, _ := strings.Cut(buildVersion(), " ")
	return "ddlbot/" + v
}

// runURL links check runs to the workflow run.
func runURL(getenv func(string) string) string {
	server, repo, id := getenv("GITHUB_SERVER_URL"), getenv("GITHUB_REPOSITORY"), getenv("GITHUB_RUN_ID")
	if server == "" || repo == "" || id == "" {
		return ""
	}
	return strings.TrimSuffix(server, "/") + "/" + repo + "/actions/runs/" + id
}

// readPayload reads the event payload the runner wrote (GITHUB_EVENT_PATH).
func readPayload(path string) ([]byte, error) {
	if path == "" {
		return nil, errors.New("GITHUB_EVENT_PATH is not set")
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read the payload (GITHUB_EVENT_PATH): %w", err)
	}
	if !json.Valid(data) {
		return nil, errors.New("the payload at GITHUB_EVENT_PATH is not valid JSON")
	}
	return data, nil
}

// readEvent reads and parses the payload of the named event (bot.ParseEvent,
// which the server uses too).
func readEvent(name, path string) (bot.Event, error) {
	data, err := readPayload(path)
	if err != nil {
		return bot.Event{Name: name}, err
	}
	return bot.ParseEvent(name, data)
}

func readPullRequestEvent(path string) (bot.PullRequestEvent, error) {
	ev, err := readEvent("pull_request", path)
	if err != nil || ev.PullRequest == nil {
		return bot.PullRequestEvent{}, err
	}
	return *ev.PullRequest, nil
}

func readCommentEvent(path string) (bot.CommentEvent, error) {
	ev, err := readEvent("issue_comment", path)
	if err != nil || ev.Comment == nil {
		return bot.CommentEvent{}, err
	}
	return *ev.Comment, nil
}

// actionsLogHandler writes slog records as GitHub Actions log lines: debug
// records as ::debug:: (shown when the run has debug logging on), warnings
// and errors as ::warning:: and ::error:: annotations, the rest as plain
// lines. Attribute values are quoted when needed, so a record is always one
// line and never starts a workflow command of its own.
type actionsLogHandler struct {
	gha    *githubactions.Action
	mu     *sync.Mutex
	attrs  []slog.Attr
	prefix string
}

func (h *actionsLogHandler) Enabled(context.Context, slog.Level) bool { return true }

func (h *actionsLogHandler) Handle(_ context.Context, rec slog.Record) error {
	var b strings.Builder
	b.WriteString(rec.Message)
	write := func(a slog.Attr) {
		v := a.Value.Resolve().String()
		if v == "" || strings.ContainsAny(v, " \t\r\n\"=") || !strconv.CanBackquote(v) {
			v = strconv.Quote(v)
		}
		fmt.Fprintf(&b, " %s%s=%s", h.prefix, a.Key, v)
	}
	for _, a := range h.attrs {
		write(a)
	}
	rec.Attrs(func(a slog.Attr) bool { write(a); return true })
	// Commenters' text reaches these lines: never a workflow command of its own.
	line := logsafe.Line(b.String())
	h.mu.Lock()
	defer h.mu.Unlock()
	switch {
	case rec.Level < slog.LevelInfo:
		h.gha.Debugf("%s", line)
	case rec.Level < slog.LevelWarn:
		h.gha.Infof("%s", line)
	case rec.Level < slog.LevelError:
		h.gha.Warningf("%s", line)
	default:
		h.gha.Errorf("%s", line)
	}
	return nil
}

func (h *actionsLogHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	c := *h
	c.attrs = append(append([]slog.Attr(nil), h.attrs...), attrs...)
	return &c
}

func (h *actionsLogHandler) WithGroup(name string) slog.Handler {
	c := *h
	c.prefix = h.prefix + name + "."
	return &c
}
