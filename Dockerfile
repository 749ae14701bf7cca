# syntax=docker/dockerfile:1
# A ddlbot image built from source, for any CI:
# `docker run --rm -v "$PWD:/src" -w /src IMAGE lint`. Releases publish
# ghcr.io/<owner>/ddlbot:<version> from Dockerfile.release instead (the
# released binary, nothing compiled); the GitHub Action (action.yml) uses
# no image at all.

# Build: a static binary (no cgo), with the module and build caches kept
# between builds (BuildKit, the default builder of Docker 23 and later).
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod go mod download
COPY . .
ARG VERSION=devel
RUN --mount=type=cache,target=/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build \
    CGO_ENABLED=0 go build -trimpath -buildvcs=false -ldflags "-s -w -X main.version=${VERSION}" -o /out/ddlbot ./cmd/ddlbot

# Run: Alpine for git, which the action uses to read the workflow's checkout.
#
# The image runs as root, so that it can write a checkout and output files
# mounted in by another user (as GitHub's `container:` jobs and other CI
# do). ddlbot runs no shell and executes nothing from the repository: it
# reads git objects by commit id. Because the checkout belongs to another
# user, git must be told to trust it (safe.directory).
FROM alpine:3.22
RUN apk add --no-cache ca-certificates git \
    && git config --system --add safe.directory '*'
COPY --from=build /out/ddlbot /usr/local/bin/ddlbot
ENTRYPOINT ["/usr/local/bin/ddlbot"]
