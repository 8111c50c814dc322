#!/usr/bin/env bash
# Builds the FerretDB + write-lock proxy binary.
#   scripts/ferretdb/build.sh [OUT]     (OUT defaults to scripts/ferretdb/bin/parley-ferretdb)
# Skips the build when OUT is newer than every *.go, go.mod and go.sum here.
# Works from any cwd; needs Go and the Go module proxy (first build ~1 min).
set -euo pipefail

DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
OUT="${1:-$DIR/bin/parley-ferretdb}"
case "$OUT" in /*) ;; *) OUT="$PWD/$OUT" ;; esac

if [ -x "$OUT" ]; then
  stale=0
  for f in "$DIR"/*.go "$DIR"/go.mod "$DIR"/go.sum; do
    [ -e "$f" ] || continue
    if [ "$f" -nt "$OUT" ]; then stale=1; break; fi
  done
  if [ "$stale" = 0 ]; then
    echo "build.sh: $OUT is up to date" >&2
    exit 0
  fi
fi

mkdir -p "$(dirname "$OUT")"
cd "$DIR"
tmp="$OUT.tmp.$$"
trap 'rm -f "$tmp"' EXIT
echo "build.sh: building $OUT" >&2
CGO_ENABLED=0 go build -trimpath -buildvcs=false -o "$tmp" .
mv -f "$tmp" "$OUT"
