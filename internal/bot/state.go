package bot

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
)

// The sticky comment carries a hidden, machine-readable block so that every
// run can re-derive what earlier runs did without a database of our own.

// PlanState is what the sticky comment remembers for one database.
type PlanState struct {
	Version       int    `json:"v"`
	Database      string `json:"db"`
	Branch        string `json:"branch,omitempty"`
	DeployRequest int    `json:"deploy_request,omitempty"`
	// HeadSHA is the pull request head the branch and deploy request were built from.
	HeadSHA string `json:"head_sha,omitempty"`
	// Closed is set once the pull request was closed and cleaned up.
	Closed bool `json:"closed,omitempty"`
}

// Marker is the hidden marker that identifies a database's sticky comment.
func Marker(db string) string {
	return fmt.Sprintf("<!-- ddlbot:plan db=%s -->", sanitizeMarker(db))
}

func sanitizeMarker(s string) string {
	return strings.NewReplacer("-->", "", "<!--", "", "\n", " ").Replace(s)
}

var reState = regexp.MustCompile(`<!-- ddlbot:state (\{[^\n]*?\}) -->`)

// encodeState renders the hidden block.
func encodeState(st PlanState) string {
	st.Version = 1
	b, _ := json.Marshal(st)
	// JSON never contains "-->" once '>' is escaped, which json.Marshal does.
	return "<!-- ddlbot:state " + string(b) + " -->"
}

// decodeState reads the hidden block of a comment body (ok false when absent or unreadable).
func decodeState(body string) (PlanState, bool) {
	m := reState.FindStringSubmatch(body)
	if m == nil {
		return PlanState{}, false
	}
	var st PlanState
	if err := json.Unmarshal([]byte(m[1]), &st); err != nil {
		return PlanState{}, false
	}
	return st, true
}
