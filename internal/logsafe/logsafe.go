// Package logsafe keeps text that is not ours from acting as a GitHub Actions
// workflow command when it is written to a job log.
//
// The runner reads every line a step prints. It takes a line for a command
// when, with leading white space trimmed, it starts with "::" (::error::,
// ::add-mask::, ::stop-commands::, ...), and, in the legacy syntax, when
// "##[" appears anywhere in it (##[set-output name=x]...). It splits lines at
// "\n" and at a lone "\r". Commenters' text and schema files reach log lines
// (log records, `ddlbot lint`'s text output), so both forms are broken up
// with a zero-width space: the text reads the same, and terminal columns
// (the caret under a source line) stay aligned.
package logsafe

import (
	"strings"
	"unicode"
)

// zwsp is U+200B ZERO WIDTH SPACE: not white space to the runner's
// TrimStart (nor to unicode.IsSpace), and zero cells wide.
const zwsp = "\u200b"

var legacy = strings.NewReplacer("##[", "##"+zwsp+"[")

// Line returns s as a single log line that the runner does not take for a
// workflow command: line breaks ("\n", "\r") become spaces.
func Line(s string) string {
	return neutral(strings.NewReplacer("\r\n", " ", "\r", " ", "\n", " ").Replace(s))
}

// Text neutralises each line of s, keeping its "\n" line breaks; a "\r" that
// does not end a line becomes a space, as the runner would split there.
func Text(s string) string {
	if !strings.Contains(s, "::") && !strings.Contains(s, "##[") && !strings.Contains(s, "\r") {
		return s
	}
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = neutral(strings.ReplaceAll(strings.TrimSuffix(l, "\r"), "\r", " "))
	}
	return strings.Join(lines, "\n")
}

// neutral breaks up the command forms of one line (without line breaks).
func neutral(line string) string {
	line = legacy.Replace(line)
	rest := strings.TrimLeftFunc(line, unicode.IsSpace)
	if strings.HasPrefix(rest, "::") {
		i := len(line) - len(rest)
		line = line[:i] + zwsp + line[i:]
	}
	return line
}
