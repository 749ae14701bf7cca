#!/bin/sh
# scripts/action-install.sh: the first step of the ddlbot action (action.yml).
# Puts a ddlbot binary for this runner on the job's PATH, in seconds:
#
# - The action's ref is a release (v1.2.3, or the moving v1 / v1.2): the
#   release's archive for the runner's OS and architecture is downloaded with
#   the release's checksums.txt, its SHA-256 checked, and the binary kept in
#   the runner's tool cache, <tool cache>/ddlbot/<version>/<arch>/. A later
#   run of v1.2.3 on the same runner finds it there and makes no request; a
#   moving ref (v1) fetches checksums.txt to learn which release it names.
# - Any other ref (a branch, a commit SHA, or none: `uses: ./`): ddlbot is
#   built from the action's own source with the runner's Go.
#
# POSIX sh, curl, sha256sum or `shasum -a 256`, tar or unzip: all on GitHub's
# Linux, macOS and Windows (Git Bash) runners. Reads (the runner sets most):
#
#   DDLBOT_ACTION_REF        the action's ref (else GITHUB_ACTION_REF)
#   DDLBOT_ACTION_REPOSITORY owner/name of the action (else GITHUB_ACTION_REPOSITORY, else ddlbot/ddlbot)
#   DDLBOT_RELEASE_URL       release downloads root (default
#                            $GITHUB_SERVER_URL/<owner/name>/releases/download): <root>/<tag>/<file>
#   RUNNER_OS, RUNNER_ARCH   Linux|macOS|Windows, X64|ARM64
#   RUNNER_TOOL_CACHE        the tool cache (else RUNNER_TEMP, else a temporary folder: nothing kept)
#   GITHUB_ACTION_PATH       the action's source, for a build from source (else this script's folder's parent)
#   GITHUB_PATH, GITHUB_OUTPUT  where the binary's folder and the outputs go, when set
#
# Outputs: path (the folder), bin (the binary), version, source
# (cache, download or build). Exit status 0 when the binary is in place;
# 1 with one line saying what is wrong and what to do otherwise.
set -eu

say() { printf 'ddlbot install: %s\n' "$*" >&2; }
die() {
	printf '::error title=ddlbot install::%s\n' "$*"
	exit 1
}

ref=${DDLBOT_ACTION_REF:-${GITHUB_ACTION_REF:-}}
repo=${DDLBOT_ACTION_REPOSITORY:-${GITHUB_ACTION_REPOSITORY:-}}
[ -n "$repo" ] || repo=ddlbot/ddlbot
server=${GITHUB_SERVER_URL:-https://github.com}
base=${DDLBOT_RELEASE_URL:-$server/$repo/releases/download}
base=${base%/}

case "${RUNNER_OS:-}" in
Linux) os=linux ;;
macOS) os=darwin ;;
Windows) os=windows ;;
*) die "unknown runner OS \"${RUNNER_OS:-}\" (RUNNER_OS): ddlbot is released for Linux, macOS and Windows" ;;
esac
case "${RUNNER_ARCH:-}" in
X64) arch=amd64 ;;
ARM64) arch=arm64 ;;
*) die "unknown runner architecture \"${RUNNER_ARCH:-}\" (RUNNER_ARCH): ddlbot is released for X64 and ARM64; on another, run it from source (go install) or the container image" ;;
esac
cache_arch=$(printf '%s' "$RUNNER_ARCH" | tr '[:upper:]' '[:lower:]') # x64, arm64: as actions/tool-cache names them
exe=ddlbot
ext=tar.gz
if [ "$os" = windows ]; then
	exe=ddlbot.exe
	ext=zip
fi

# On Windows (Git Bash) the runner's paths are C:\...: work with the POSIX
# form and hand the runner back the Windows form.
to_posix() { if command -v cygpath >/dev/null 2>&1; then cygpath -u "$1"; else printf '%s' "$1"; fi; }
to_native() { if command -v cygpath >/dev/null 2>&1; then cygpath -w "$1"; else printf '%s' "$1"; fi; }

# done_with DIR VERSION SOURCE: the binary is in DIR; tell the runner.
done_with() {
	dir=$1
	[ -x "$dir/$exe" ] || die "internal: no executable $dir/$exe after install"
	native=$(to_native "$dir")
	if [ -n "${GITHUB_PATH:-}" ]; then
		printf '%s\n' "$native" >>"$GITHUB_PATH"
	fi
	if [ -n "${GITHUB_OUTPUT:-}" ]; then
		{
			printf 'path=%s\n' "$native"
			printf 'bin=%s\n' "$(to_native "$dir/$exe")"
			printf 'version=%s\n' "$2"
			printf 'source=%s\n' "$3"
		} >>"$GITHUB_OUTPUT"
	fi
	say "ddlbot $2 ready in $native ($3)"
	exit 0
}

# A release ref: v1.2.3 (with an optional -prerelease / +build), or the
# moving v1 / v1.2. Everything else is a branch or a commit.
release_kind=""
case "$ref" in
v[0-9]*)
	rest=${ref#v}
	core=${rest%%[-+]*}
	suffix=${rest#"$core"}
	case "$core" in
	*[!0-9.]* | *..* | .* | *.) ;;
	*)
		dots=$(printf '%s' "$core" | tr -cd . | wc -c | tr -d ' ')
		if [ "$dots" = 2 ]; then
			# The suffix is empty or starts with - or +.
			case "$suffix" in *[!0-9A-Za-z.+-]*) ;; *) release_kind=exact ;; esac
		elif [ -z "$suffix" ] && { [ "$dots" = 0 ] || [ "$dots" = 1 ]; }; then
			release_kind=moving
		fi
		;;
	esac
	;;
esac

if [ -z "$release_kind" ]; then
	# Build from the action's own source.
	src=${GITHUB_ACTION_PATH:-}
	if [ -z "$src" ]; then
		src=$(cd "$(dirname "$0")/.." && pwd)
	fi
	src=$(to_posix "$src")
	if [ ! -f "$src/go.mod" ] || [ ! -d "$src/cmd/ddlbot" ]; then
		die "the action's source ($src) has no go.mod and cmd/ddlbot: cannot build ddlbot at ref \"$ref\""
	fi
	command -v go >/dev/null 2>&1 || die "ref \"${ref:-(local)}\" is not a release, so ddlbot is built from source, and Go is not installed: add actions/setup-go (go-version-file: the action's go.mod) before this step, or pin a release tag such as @v1"
	tmp=${RUNNER_TEMP:-${TMPDIR:-/tmp}}
	out="$(to_posix "$tmp")/ddlbot-source-$$"
	mkdir -p "$out"
	ldflags="-s -w"
	case "$ref" in
	[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]*)
		case "$ref" in *[!0-9a-f]*) ;; *) ldflags="$ldflags -X main.commit=$ref" ;; esac
		;;
	esac
	say "ref \"${ref:-(local)}\" is not a release: building ddlbot from $src with $(go env GOVERSION)"
	(cd "$src" && CGO_ENABLED=0 go build -trimpath -buildvcs=false -ldflags "$ldflags" -o "$out/$exe" ./cmd/ddlbot) ||
		die "go build of ddlbot at ref \"${ref:-(local)}\" failed (see above): it needs the Go version in the action's go.mod (actions/setup-go), or pin a release tag such as @v1"
	done_with "$out" "${ref:-devel}" build
fi

if command -v sha256sum >/dev/null 2>&1; then
	sha256() { sha256sum "$1" | cut -d' ' -f1; }
elif command -v shasum >/dev/null 2>&1; then
	sha256() { shasum -a 256 "$1" | cut -d' ' -f1; }
else
	die "neither sha256sum nor shasum is installed: cannot verify the download"
fi
command -v curl >/dev/null 2>&1 || die "curl is not installed: cannot download ddlbot"

cache=${RUNNER_TOOL_CACHE:-${RUNNER_TEMP:-}}
if [ -z "$cache" ]; then
	cache=$(mktemp -d)
	say "RUNNER_TOOL_CACHE is not set: installing into $cache, kept for this job only"
fi
cache=$(to_posix "$cache")

# cached VERSION: the binary of VERSION is in the tool cache. The marker
# file is written last, so a half-extracted folder does not count.
cached() {
	[ -f "$cache/ddlbot/$1/$cache_arch.complete" ] && [ -x "$cache/ddlbot/$1/$cache_arch/$exe" ]
}

version=""
if [ "$release_kind" = exact ]; then
	version=${ref#v}
	if cached "$version"; then
		done_with "$cache/ddlbot/$version/$cache_arch" "$version" cache
	fi
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM

# fetch URL FILE: download, failing with what the server said.
fetch() {
	code=$(curl -sSL --proto-redir =https --retry 3 --retry-delay 1 --connect-timeout 20 \
		-w '%{http_code}' -o "$2" "$1") || die "could not download $1 (curl exit $?): check the runner's network access to $base"
	case "$code" in
	200) ;;
	404) die "$1: not found (HTTP 404): \"$ref\" is not a published ddlbot release with a $os/$arch build; pin an existing release tag, or a commit SHA to build from source" ;;
	*) die "$1: HTTP $code: the release download failed; re-run the job" ;;
	esac
}

fetch "$base/$ref/checksums.txt" "$work/checksums.txt"
if [ -z "$version" ]; then
	# A moving ref: the release it names is in the archive's name.
	name=$(awk -v suf="_${os}_${arch}.${ext}" '
		{ f = $2; sub(/^\*/, "", f) }
		length(f) > length(suf) && substr(f, length(f) - length(suf) + 1) == suf && substr(f, 1, 7) == "ddlbot_" { print f; exit }
	' "$work/checksums.txt")
	[ -n "$name" ] || die "checksums.txt of release $ref has no line for a ${os}_${arch}.${ext} archive: the release lacks this platform or is damaged; pin a full release tag"
	version=${name#ddlbot_}
	version=${version%"_${os}_${arch}.${ext}"}
	case "$version" in
	"" | */* | *..*) die "checksums.txt of release $ref names an unexpected archive \"$name\"" ;;
	esac
	if cached "$version"; then
		done_with "$cache/ddlbot/$version/$cache_arch" "$version" cache
	fi
fi
name="ddlbot_${version}_${os}_${arch}.${ext}"
want=$(awk -v f="$name" '{ g = $2; sub(/^\*/, "", g) } g == f && NF == 2 { print $1; exit }' "$work/checksums.txt")
[ -n "$want" ] || die "checksums.txt of release $ref has no line for $name: not installing an archive that cannot be verified"
case "$want" in
*[!0-9a-f]*) die "checksums.txt of release $ref has a malformed SHA-256 for $name" ;;
esac
[ ${#want} -eq 64 ] || die "checksums.txt of release $ref has a malformed SHA-256 for $name"

say "downloading $base/$ref/$name"
fetch "$base/$ref/$name" "$work/$name"
got=$(sha256 "$work/$name")
[ "$got" = "$want" ] || die "$name does not match checksums.txt (SHA-256 $got, expected $want): the download was altered or damaged; not installing it"

# Extract only the binary, into a folder beside its final place, then move
# it there: another job on this runner sees the whole binary or none.
dest="$cache/ddlbot/$version/$cache_arch"
mkdir -p "$cache/ddlbot/$version" || die "cannot create $cache/ddlbot/$version"
staging="$dest.tmp.$$"
rm -rf "$staging"
mkdir -p "$staging"
if [ "$ext" = zip ]; then
	command -v unzip >/dev/null 2>&1 || die "unzip is not installed: cannot unpack $name"
	unzip -q -o "$work/$name" "$exe" -d "$staging" || die "cannot unpack $exe from $name"
else
	tar -xzf "$work/$name" -C "$staging" "$exe" || die "cannot unpack $exe from $name"
fi
chmod 0755 "$staging/$exe"
rm -rf "$dest" "$dest.complete"
mv "$staging" "$dest" || die "cannot move the binary into $dest"
: >"$dest.complete"
done_with "$dest" "$version" download
