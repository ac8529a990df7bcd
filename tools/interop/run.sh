#!/usr/bin/env bash
# Checks docs/test-vectors/protocol-v1.json against tweetnacl-js, an implementation written apart from ours.
# Needs node and npm (Debian's nodejs and npm, or any Node.js 18+); installs tweetnacl into a temporary folder.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm init -y >/dev/null && npm install --no-audit --no-fund tweetnacl@1.0.3 >/dev/null)
TWEETNACL_DIR="$work/node_modules" node "$root/tools/interop/check-vectors.mjs" "$root/docs/test-vectors/protocol-v1.json"
