package main

import (
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/ddlbot/ddlbot/internal/bot"
	"github.com/sethvargo/go-githubactions"
	"gopkg.in/yaml.v3"
)

type actionYAML struct {
	Name   string `yaml:"name"`
	Inputs map[string]struct {
		Description string  `yaml:"description"`
		Required    bool    `yaml:"required"`
		Default     *string `yaml:"default"`
	} `yaml:"inputs"`
	Outputs map[string]struct {
		Description string `yaml:"description"`
		Value       string `yaml:"value"`
	} `yaml:"outputs"`
	Runs struct {
		Using string       `yaml:"using"`
		Steps []actionStep `yaml:"steps"`
	} `yaml:"runs"`
}

// actionStep is a step of the composite action.
type actionStep struct {
	ID    string            `yaml:"id"`
	Shell string            `yaml:"shell"`
	Env   map[string]string `yaml:"env"`
	Run   string            `yaml:"run"`
	Uses  string            `yaml:"uses"`
}

// step is the composite action's step with this id.
func (a actionYAML) step(t *testing.T, id string) actionStep {
	t.Helper()
	for _, s := range a.Runs.Steps {
		if s.ID == id {
			return s
		}
	}
	t.Fatalf("action.yml has no step %q", id)
	return actionStep{}
}

// inputEnv is the variable the Actions runner would set for an input of a
// Docker or JavaScript action, and that `ddlbot action` reads.
func inputEnv(name string) string {
	return "INPUT_" + strings.ToUpper(strings.ReplaceAll(name, " ", "_"))
}

func loadActionYAML(t *testing.T) actionYAMLInputs {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(repoRoot(t), "action.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var a actionYAML
	if err := yaml.Unmarshal(data, &a); err != nil {
		t.Fatalf("action.yml: %v", err)
	}
	out := actionYAMLInputs{raw: a, Inputs: map[string]actionInputYAML{}}
	for name, in := range a.Inputs {
		def := ""
		if in.Default != nil {
			def = *in.Default
		}
		out.Inputs[name] = actionInputYAML{Default: def, HasDefault: in.Default != nil, Description: in.Description}
	}
	return out
}

type actionInputYAML struct {
	Default     string
	HasDefault  bool
	Description string
}

type actionYAMLInputs struct {
	raw    actionYAML
	Inputs map[string]actionInputYAML
}

// TestActionYAMLMatchesCode keeps action.yml and the inputs and outputs the
// code reads and writes equal.
func TestActionYAMLMatchesCode(t *testing.T) {
	a := loadActionYAML(t)
	var yin, cin []string
	for name, in := range a.Inputs {
		yin = append(yin, name)
		if !in.HasDefault || strings.TrimSpace(in.Description) == "" {
			t.Errorf("input %s: every input needs a description and a default", name)
		}
		if def, ok := actionInputs[name]; ok && def != in.Default {
			t.Errorf("input %s: action.yml's default %q, the code's %q", name, in.Default, def)
		}
		if a.raw.Inputs[name].Required {
			t.Errorf("input %s is required: every input has a default", name)
		}
	}
	for name := range actionInputs {
		cin = append(cin, name)
	}
	sort.Strings(yin)
	sort.Strings(cin)
	if !slices.Equal(yin, cin) {
		t.Errorf("inputs: action.yml %v, code %v", yin, cin)
	}
	var yout []string
	for name, o := range a.raw.Outputs {
		yout = append(yout, name)
		if strings.TrimSpace(o.Description) == "" {
			t.Errorf("output %s has no description", name)
		}
	}
	cout := slices.Clone(actionOutputs)
	sort.Strings(yout)
	sort.Strings(cout)
	if !slices.Equal(yout, cout) {
		t.Errorf("outputs: action.yml %v, code %v", yout, cout)
	}
	// The composite: install, then `ddlbot action` with every input passed
	// as the runner passes inputs to a Docker action, and the outputs read
	// from that step.
	if r := a.raw.Runs; r.Using != "composite" || len(r.Steps) != 2 {
		t.Fatalf("runs: using %q with %d steps, want a composite of install and run", r.Using, len(r.Steps))
	}
	inst := a.raw.step(t, "install")
	if inst.Shell != "bash" || !strings.Contains(inst.Run, `"$GITHUB_ACTION_PATH/scripts/action-install.sh"`) ||
		inst.Env["DDLBOT_ACTION_REF"] != "${{ github.action_ref }}" || inst.Env["DDLBOT_ACTION_REPOSITORY"] != "${{ github.action_repository }}" {
		t.Errorf("install step %+v: want scripts/action-install.sh run with the action's ref and repository", inst)
	}
	run := a.raw.step(t, "run")
	if run.Shell != "bash" || strings.TrimSpace(run.Run) != `exec "$DDLBOT_BIN" action` || run.Env["DDLBOT_BIN"] != "${{ steps.install.outputs.bin }}" {
		t.Errorf("run step: shell %q, run %q, DDLBOT_BIN %q: want bash (dash drops INPUT_ names with hyphens) running the installed binary", run.Shell, run.Run, run.Env["DDLBOT_BIN"])
	}
	for _, name := range cin {
		if got, want := run.Env[inputEnv(name)], "${{ inputs."+name+" }}"; got != want {
			t.Errorf("run step: env %s is %q, want %q", inputEnv(name), got, want)
		}
	}
	for k, v := range run.Env {
		if k != "DDLBOT_BIN" && (!strings.HasPrefix(k, "INPUT_") || !strings.Contains(v, "inputs.")) {
			t.Errorf("run step: env %s: %q is no input", k, v)
		}
	}
	if len(run.Env) != len(cin)+1 {
		t.Errorf("run step: %d variables for %d inputs", len(run.Env), len(cin))
	}
	// No step text expands an expression: inputs reach the shell as
	// variables only, never as script text (script injection).
	for _, st := range a.raw.Runs.Steps {
		if strings.Contains(st.Run, "${{") {
			t.Errorf("step %s: run %q expands an expression; pass it in env", st.ID, st.Run)
		}
	}
	for name, o := range a.raw.Outputs {
		if want := "${{ steps.run.outputs." + name + " }}"; o.Value != want {
			t.Errorf("output %s: value %q, want %q", name, o.Value, want)
		}
	}
	// The reason codes the outputs document are the ones the code uses.
	desc := a.raw.Outputs[outReasonCode].Description
	for _, code := range []bot.ReasonCode{reasonInputsInvalid, reasonEventInvalid, reasonCredentials, reasonError, reasonEventIgnored,
		bot.ReasonFollowed, bot.ReasonNothingToFollow, bot.ReasonRefreshFailed} {
		if !strings.Contains(desc, string(code)) {
			t.Errorf("action.yml's reason-code does not list %s", code)
		}
	}
	// The README documents every input and output.
	readme, err := os.ReadFile(filepath.Join(repoRoot(t), "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range append(cin, cout...) {
		if !strings.Contains(string(readme), "| `"+name+"` |") {
			t.Errorf("README's GitHub Action section lacks a row for %s", name)
		}
	}
	if !strings.Contains(string(readme), "examples/workflows/ddlbot.yml") {
		t.Error("README does not point to the example workflow")
	}
}

// TestExampleWorkflow checks the example workflow, and its copy in the
// README, have what the action needs.
func TestExampleWorkflow(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(repoRoot(t), "examples", "workflows", "ddlbot.yml"))
	if err != nil {
		t.Fatal(err)
	}
	t.Run("example", func(t *testing.T) { checkWorkflow(t, data) })
	readme, err := os.ReadFile(filepath.Join(repoRoot(t), "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, after, _ := strings.Cut(string(readme), "\n## GitHub Action\n")
	_, block, _ := strings.Cut(after, "```yaml\n")
	block, _, _ = strings.Cut(block, "```")
	t.Run("README", func(t *testing.T) { checkWorkflow(t, []byte(block)) })
}

func checkWorkflow(t *testing.T, data []byte) {
	var wf struct {
		On          map[string]yaml.Node `yaml:"on"`
		Permissions map[string]string    `yaml:"permissions"`
		Concurrency any                  `yaml:"concurrency"`
		Jobs        map[string]struct {
			If          string `yaml:"if"`
			Concurrency struct {
				Group            string `yaml:"group"`
				CancelInProgress bool   `yaml:"cancel-in-progress"`
				Queue            string `yaml:"queue"`
			} `yaml:"concurrency"`
			Steps []struct {
				ID   string            `yaml:"id"`
				Uses string            `yaml:"uses"`
				With map[string]string `yaml:"with"`
			} `yaml:"steps"`
		} `yaml:"jobs"`
	}
	if err := yaml.Unmarshal(data, &wf); err != nil {
		t.Fatal(err)
	}
	types := func(event string) []string {
		var v struct {
			Types []string `yaml:"types"`
		}
		n := wf.On[event]
		if err := n.Decode(&v); err != nil {
			t.Errorf("on.%s: %v", event, err)
		}
		return v.Types
	}
	// Deployments longer than a job are followed by a schedule (and by hand).
	var schedule []struct {
		Cron string `yaml:"cron"`
	}
	n := wf.On["schedule"]
	if err := n.Decode(&schedule); err != nil || len(schedule) != 1 || schedule[0].Cron != "*/5 * * * *" {
		t.Errorf("schedule %+v (%v): want one cron '*/5 * * * *'", schedule, err)
	}
	if _, ok := wf.On["workflow_dispatch"]; !ok {
		t.Error("no workflow_dispatch trigger")
	}
	if got := types("pull_request"); !slices.Equal(got, []string{"opened", "synchronize", "reopened", "ready_for_review", "closed"}) {
		t.Errorf("pull_request types %v", got)
	}
	if got := types("issue_comment"); !slices.Equal(got, []string{"created"}) {
		t.Errorf("issue_comment types %v", got)
	}
	want := map[string]string{"contents": "read", "pull-requests": "write", "issues": "write", "checks": "write"}
	if len(wf.Permissions) != len(want) {
		t.Errorf("permissions %v", wf.Permissions)
	}
	for k, v := range want {
		if wf.Permissions[k] != v {
			t.Errorf("permission %s: %q, want %q", k, wf.Permissions[k], v)
		}
	}
	// GitHub claims a workflow-level group before the job's `if`, and keeps
	// one waiting run per group: any comment would cancel a waiting /deploy.
	if wf.Concurrency != nil {
		t.Errorf("concurrency at the workflow level (%v): put it on the job", wf.Concurrency)
	}
	var checkout, action, follow bool
	for name, job := range wf.Jobs {
		c := job.Concurrency
		switch {
		case strings.Contains(job.If, "schedule"):
			// The follow job: only on the schedule and by hand, in a group
			// of its own where a newer waiting run replaces an older one.
			follow = true
			if job.If != "github.event_name == 'schedule' || github.event_name == 'workflow_dispatch'" || c.Group != "ddlbot-follow" || c.CancelInProgress || c.Queue != "" {
				t.Errorf("job %s: if %q, concurrency %+v: want schedule and workflow_dispatch only, group ddlbot-follow, not cancelling, no queue", name, job.If, c)
			}
			for _, s := range job.Steps {
				if strings.HasPrefix(s.Uses, "ddlbot/ddlbot@") && s.With["wait-timeout"] == "" {
					t.Errorf("job %s: set wait-timeout under the schedule's 5 minutes", name)
				}
			}
		case strings.Contains(job.If, "workflow_dispatch") || strings.Contains(job.If, "schedule"):
			t.Errorf("job %s runs on the schedule too: %q", name, job.If)
		case job.If == "" || c.Group != "ddlbot-${{ github.event.pull_request.number || github.event.issue.number }}" || c.CancelInProgress || c.Queue != "max":
			t.Errorf("job %s: if %q, concurrency %+v: want one group per pull request, not cancelling, queue max", name, job.If, c)
		default:
			// A comment by someone outside the repository starts no job
			// (the README's "Keep comments from starting jobs").
			for _, w := range []string{"github.event_name == 'pull_request' ||", "startsWith(github.event.comment.body, '/') &&",
				`contains(fromJSON('["OWNER","MEMBER","COLLABORATOR"]'), github.event.comment.author_association)`} {
				if !strings.Contains(job.If, w) {
					t.Errorf("job %s: if %q lacks %s", name, job.If, w)
				}
			}
		}
		for _, s := range job.Steps {
			switch {
			case strings.HasPrefix(s.Uses, "actions/checkout@"):
				checkout = s.With["fetch-depth"] == "0"
			case strings.HasPrefix(s.Uses, "ddlbot/ddlbot@"):
				action = true
				for k, v := range s.With {
					if _, ok := actionInputs[k]; !ok {
						t.Errorf("the example passes an unknown input %s", k)
					}
					if strings.Contains(k, "token") && !strings.HasPrefix(v, "${{ secrets.") {
						t.Errorf("input %s should come from a secret: %q", k, v)
					}
				}
			}
		}
	}
	if !checkout || !action || !follow {
		t.Errorf("steps: checkout with fetch-depth 0 %v, the action %v; the follow job %v", checkout, action, follow)
	}
}

func TestVisibleReportAndUnmarkdown(t *testing.T) {
	rep := "<!-- ddlbot:plan db=app -->\n<!-- ddlbot:state {\"v\":1} -->\n\n### ddlbot · `app`\n\n> [!CAUTION]\n> branch ddlbot\\-pr\\-7 did not become ready within 2s \\(last state\\: pending\\) &lt;x&gt;\n\ntext <!-- ddlbot:keep --> here\n"
	got := bot.VisibleReport(rep)
	if strings.Contains(got, "ddlbot:state") || strings.Contains(got, "ddlbot:plan") || !strings.HasPrefix(got, "### ddlbot") || !strings.Contains(got, "<!-- ddlbot:keep --> here") {
		t.Errorf("visibleReport:\n%s", got)
	}
	if u := unmarkdown(`branch ddlbot\-pr\-7 \(last state\: pending\) &lt;x&gt;`); u != "branch ddlbot-pr-7 (last state: pending) <x>" {
		t.Errorf("unmarkdown %q", u)
	}
}

func TestParseDurationInput(t *testing.T) {
	for _, c := range []struct {
		in   string
		want time.Duration
		err  string
	}{
		{"120", 2 * time.Minute, ""},
		{" 90 ", 90 * time.Second, ""},
		{"1.5", 1500 * time.Millisecond, ""},
		{"10m", 10 * time.Minute, ""},
		{"1h30m", 90 * time.Minute, ""},
		{"50ms", 50 * time.Millisecond, ""},
		{"0", 0, "give a positive number of seconds (120) or Go duration (10m, 90s)"},
		{"0s", 0, "positive"},
		{"-5", 0, "give a number of seconds (120) or a Go duration such as 10m or 90s"},
		{"-5m", 0, "positive"},
		{"ten minutes", 0, "give a number of seconds (120) or a Go duration"},
		{"1e3", 0, "give a number of seconds"},
		{"99999999999999999999", 0, "give a number of seconds"},
		{"", 0, "give a number of seconds"},
	} {
		got, err := parseDurationInput(c.in)
		switch {
		case c.err == "" && (err != nil || got != c.want):
			t.Errorf("parseDurationInput(%q) = %v, %v; want %v", c.in, got, err, c.want)
		case c.err != "" && (err == nil || !strings.Contains(err.Error(), c.err)):
			t.Errorf("parseDurationInput(%q) = %v, %v; want an error with %q", c.in, got, err, c.err)
		}
	}
}

func TestRefreshRepo(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	if r, err := refreshRepo(env(map[string]string{"GITHUB_REPOSITORY": "acme/shop"})); err != nil || r.Owner != "acme" || r.Name != "shop" {
		t.Errorf("GITHUB_REPOSITORY: %+v %v", r, err)
	}
	if _, err := refreshRepo(env(map[string]string{"GITHUB_REPOSITORY": "acme"})); err == nil || !strings.Contains(err.Error(), `GITHUB_REPOSITORY is "acme", not owner/name`) {
		t.Errorf("bad GITHUB_REPOSITORY: %v", err)
	}
	p := filepath.Join(t.TempDir(), "event.json")
	if err := os.WriteFile(p, []byte(`{"repository":{"name":"shop","owner":{"login":"acme"}}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if r, err := refreshRepo(env(map[string]string{"GITHUB_EVENT_PATH": p})); err != nil || r.String() != "acme/shop" {
		t.Errorf("payload: %+v %v", r, err)
	}
	if _, err := refreshRepo(env(nil)); err == nil || !strings.Contains(err.Error(), "GITHUB_REPOSITORY is not set, and GITHUB_EVENT_PATH is not set") {
		t.Errorf("nothing: %v", err)
	}
}

// TestActionReadsEveryInput: every input of action.yml is read by `ddlbot
// action` (under the variable the composite step sets), so none is dead.
func TestActionReadsEveryInput(t *testing.T) {
	read := map[string]bool{}
	a := &app{stdout: io.Discard, stderr: io.Discard, getenv: func(k string) string {
		read[k] = true
		return ""
	}}
	r := &actionRun{a: a, gha: githubactions.New(githubactions.WithWriter(io.Discard), githubactions.WithGetenv(a.getenv))}
	if _, err := r.settings(); err != nil {
		t.Fatalf("settings with every input empty: %v", err)
	}
	for name := range loadActionYAML(t).Inputs {
		if !read[inputEnv(name)] {
			t.Errorf("input %s: %s is never read", name, inputEnv(name))
		}
	}
}

// TestReasonCodesMatchREADME: the README's table of decisions and reason
// codes lists every code the engine and the action give, and names no code
// that neither gives.
func TestReasonCodesMatchREADME(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join(repoRoot(t), "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, table, ok := strings.Cut(string(readme), "| decision | reason codes | exit status |\n")
	if !ok {
		t.Fatal("README has no table of decisions and reason codes")
	}
	table, _, _ = strings.Cut(table, "\n\n")
	listed := map[string]bool{}
	for _, row := range strings.Split(table, "\n") {
		cells := strings.Split(row, " | ")
		if len(cells) < 3 {
			continue
		}
		for _, m := range regexp.MustCompile("`([a-z_-]+)`").FindAllStringSubmatch(cells[1], -1) {
			listed[m[1]] = true
		}
	}
	known := map[string]bool{}
	for _, c := range append(append([]bot.ReasonCode{}, bot.ReasonCodes...), actionReasonCodes...) {
		known[string(c)] = true
		if !listed[string(c)] {
			t.Errorf("README's reason code table lacks %s", c)
		}
	}
	// Also in that column: deployment states (a command's done or failed
	// code), events, inputs and other words the rows explain codes with.
	words := map[string]bool{"deployment_state": true, "action_required": true, "fail-on": true, "wait-timeout": true, "follow": true,
		"schedule": true, "workflow_dispatch": true, "pull_request": true, "pull_request_target": true, "issue_comment": true,
		"labeled": true, "write_backups": true}
	for w := range listed {
		if !known[w] && !words[w] && !strings.HasPrefix(w, "complete") && !strings.HasPrefix(w, "pending") && w != "error" {
			t.Errorf("README's reason code table names %s, which no code gives", w)
		}
	}
}
