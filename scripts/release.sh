#!/usr/bin/env bash
# scripts/release.sh: build ddlbot's release archives and their checksums.
#
#   scripts/release.sh                    # HEAD must carry a tag vX.Y.Z
#   scripts/release.sh --version v1.2.3   # any commit, named as that release
#   scripts/release.sh --snapshot         # a test build: <last tag>-SNAPSHOT-<commit>
#   scripts/release.sh --snapshot --target linux/amd64 --target windows/arm64
#
# It cross-builds ./cmd/ddlbot (CGO_ENABLED=0, -trimpath, the version stamped
# into main.version) for linux, darwin and windows on amd64 and arm64, and
# writes into dist/ (emptied first):
#
#   ddlbot_<version>_<os>_<arch>.tar.gz   (.zip for windows): ddlbot[.exe], LICENSE, README.md
#   checksums.txt                          SHA-256 of each archive, `sha256sum` format
#   image/linux/<arch>/ddlbot              the build context of Dockerfile.release
#   version.txt                            the version, with its "v"
#
# <version> is the tag without its "v" (v1.2.3 -> 1.2.3), as GoReleaser names
# archives; scripts/action-install.sh downloads exactly these names.
#
# Why not GoReleaser: .goreleaser.yaml describes this same release, and the
# release workflow could run it, but no GoReleaser build can be installed
# where this project is developed and tested (the module proxy serves only an
# unapproved copy of it), so this script is what builds releases and what
# the tests exercise. Keep the two in step.
#
# Reproducible: the same commit and Go version give the same bytes. The
# binaries are built with -trimpath and without build IDs of the machine,
# the archives hold files in a fixed order with the commit's time as their
# mtime, owner 0:0 and fixed modes, and gzip stores no name or time. Needs
# bash, git, go, GNU tar, gzip, sha256sum (or shasum), and zip for windows.
#
# Settings: DIST (output folder, default dist), GO (default go).
set -euo pipefail
cd "$(dirname "$0")/.."

die() {
	printf 'release.sh: %s\n' "$*" >&2
	exit 1
}

all_targets="linux/amd64 linux/arm64 darwin/amd64 darwin/arm64 windows/amd64 windows/arm64"
snapshot=false
version=""
targets=""
while [ $# -gt 0 ]; do
	case "$1" in
	--snapshot) snapshot=true ;;
	--version)
		[ $# -ge 2 ] || die "--version needs a value such as v1.2.3"
		version=$2
		shift
		;;
	--version=*) version=${1#--version=} ;;
	--target)
		[ $# -ge 2 ] || die "--target needs a value such as linux/amd64"
		targets="$targets $2"
		shift
		;;
	--target=*) targets="$targets ${1#--target=}" ;;
	-h | --help)
		sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'
		exit 0
		;;
	*) die "unknown argument $1 (see --help)" ;;
	esac
	shift
done
targets=${targets# }
targets=${targets:-$all_targets}
for t in $targets; do
	case " $all_targets " in
	*" $t "*) ;;
	*) die "unknown target $t: use one of $all_targets" ;;
	esac
done

GO=${GO:-go}
DIST=${DIST:-dist}
commit=$(git rev-parse HEAD) || die "not a git checkout: the version and the archives' times come from the commit"
short=$(git rev-parse --short=7 HEAD)
if [ -z "$version" ]; then
	if $snapshot; then
		last=$(git describe --tags --abbrev=0 --match 'v[0-9]*' 2>/dev/null || echo v0.0.0)
		version="${last}-SNAPSHOT-${short}"
	else
		version=$(git describe --tags --exact-match --match 'v[0-9]*' HEAD 2>/dev/null) ||
			die "HEAD ($short) has no tag vX.Y.Z: tag it, pass --version vX.Y.Z, or build a test release with --snapshot"
	fi
fi
case "$version" in
v[0-9]*) ;;
*) die "version $version does not start with v and a digit (v1.2.3)" ;;
esac
if ! $snapshot && [ -n "$(git status --porcelain --untracked-files=no)" ]; then
	die "the working tree has uncommitted changes: a release is built from a commit (or use --snapshot)"
fi
plain=${version#v}
epoch=$(git log -1 --format=%ct HEAD)

if command -v sha256sum >/dev/null 2>&1; then
	sha256() { sha256sum "$@"; }
elif command -v shasum >/dev/null 2>&1; then
	sha256() { shasum -a 256 "$@"; }
else
	die "neither sha256sum nor shasum is installed"
fi
tar --version 2>/dev/null | grep -q 'GNU tar' || die "GNU tar is needed (for --sort, --mtime and --owner); on macOS install gnu-tar and put it first on PATH"
case " $targets " in
*" windows/"*) command -v zip >/dev/null 2>&1 || die "zip is needed for the windows archives (apt-get install zip), or leave the windows targets out with --target" ;;
esac

case "$DIST" in
"" | / | . | ./) die "DIST=$DIST: name a folder of its own (it is emptied)" ;;
esac
rm -rf "$DIST"
mkdir -p "$DIST"
DIST=$(cd "$DIST" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The files beside the binary, with the commit's time and fixed modes.
for f in LICENSE README.md; do
	cp "$f" "$work/$f"
	chmod 0644 "$work/$f"
done

echo "release.sh: ddlbot $version ($commit), targets: $targets" >&2
for t in $targets; do
	os=${t%/*}
	arch=${t#*/}
	dir="$work/${os}_${arch}"
	mkdir -p "$dir"
	bin=ddlbot
	[ "$os" = windows ] && bin=ddlbot.exe
	start=$(date +%s)
	# The commit is stamped explicitly (ddlbot version prints it): Go's own
	# VCS stamping is off in a git worktree and with GOFLAGS=-buildvcs=false,
	# and would mark a snapshot of an edited tree differently per file.
	# -s -w drop the symbol table and DWARF; -buildid= keeps the binary
	# independent of the build cache's action IDs.
	CGO_ENABLED=0 GOOS=$os GOARCH=$arch "$GO" build -trimpath -buildvcs=false \
		-ldflags "-s -w -buildid= -X main.version=$version -X main.commit=$commit" \
		-o "$dir/$bin" ./cmd/ddlbot ||
		die "go build for $t failed"
	chmod 0755 "$dir/$bin"
	cp "$work/LICENSE" "$work/README.md" "$dir/"
	touch -d "@$epoch" "$dir"/*
	if [ "$os" = linux ]; then
		mkdir -p "$DIST/image/$os/$arch"
		cp -p "$dir/$bin" "$DIST/image/$os/$arch/$bin"
	fi
	name="ddlbot_${plain}_${os}_${arch}"
	if [ "$os" = windows ]; then
		# zip stores local times: pin the zone so the bytes do not depend on
		# the machine's. -X: no extra attributes (uid/gid, extended times).
		(cd "$dir" && TZ=UTC zip -q -X -D "$DIST/$name.zip" "$bin" LICENSE README.md) ||
			die "zip $name.zip failed"
	else
		tar --sort=name --mtime="@$epoch" --owner=0 --group=0 --numeric-owner \
			--format=ustar -C "$dir" -cf - "$bin" LICENSE README.md | gzip -n -9 >"$DIST/$name.tar.gz" ||
			die "tar $name.tar.gz failed"
	fi
	echo "release.sh: $t built in $(($(date +%s) - start))s" >&2
done

(cd "$DIST" && sha256 ddlbot_*) >"$work/checksums.txt"
# Sorted by file name, so the file does not depend on the targets' order.
LC_ALL=C sort -k2 "$work/checksums.txt" >"$DIST/checksums.txt"
echo "$version" >"$DIST/version.txt"
echo "release.sh: wrote $DIST/ ($(wc -l <"$DIST/checksums.txt" | tr -d ' ') archives, checksums.txt)" >&2
