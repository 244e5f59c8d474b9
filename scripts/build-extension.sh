#!/usr/bin/env bash
# Builds the Chrome extension: dist/extension/ (what Chrome loads unpacked)
# and dist/linesman-extension.zip (what would go to the Chrome Web Store).
# The tests load the unpacked zip, never the sources.
#
#   extension/manifest.json, _locales/, managed_schema.json  -> the root
#   extension/src/**                                          -> src/
#   www/src/{linesman,worker}.js, www/src/widget/             -> engine/src/  (one copy of the widget, not a fork)
#   www/pkg/{linesman_wasm.js,linesman_wasm_bg.wasm,emotion.model} -> engine/pkg/
#
# Environment: SKIP_WASM=1 uses www/pkg as it is (default: scripts/build-wasm.sh,
# which skips its own work when nothing changed).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

if [ "${SKIP_WASM:-0}" != 1 ]; then
  scripts/build-wasm.sh
fi
for f in linesman_wasm.js linesman_wasm_bg.wasm emotion.model; do
  [ -f "www/pkg/$f" ] || { echo "build-extension: www/pkg/$f is missing (run scripts/build-wasm.sh)" >&2; exit 1; }
done

out=dist/extension
rm -rf "$out"
mkdir -p "$out/src" "$out/engine/src/widget" "$out/engine/pkg"
cp extension/manifest.json "$out/"
[ -f extension/managed_schema.json ] && cp extension/managed_schema.json "$out/"
[ -d extension/_locales ] && cp -r extension/_locales "$out/"
[ -d extension/icons ] && cp -r extension/icons "$out/"
# Sources only: no tests, no READMEs inside the package.
(cd extension/src && find . -type f \( -name '*.js' -o -name '*.html' -o -name '*.css' -o -name '*.json' \) -print0 |
  while IFS= read -r -d '' f; do mkdir -p "../../$out/src/$(dirname "$f")"; cp "$f" "../../$out/src/$f"; done)
cp www/src/linesman.js www/src/worker.js "$out/engine/src/"
cp www/src/widget/*.js "$out/engine/src/widget/"
cp www/pkg/linesman_wasm.js www/pkg/linesman_wasm_bg.wasm www/pkg/emotion.model "$out/engine/pkg/"

# Refuse a manifest that points at files the package lacks.
node scripts/check-extension.mjs "$out"

# A reproducible zip: sorted names, fixed timestamps.
python3 - "$out" dist/linesman-extension.zip <<'PY'
import os, sys, zipfile
src, dst = sys.argv[1], sys.argv[2]
names = sorted(os.path.relpath(os.path.join(d, f), src) for d, _, fs in os.walk(src) for f in fs)
with zipfile.ZipFile(dst, 'w', zipfile.ZIP_DEFLATED, compresslevel=9) as z:
    for n in names:
        info = zipfile.ZipInfo(n.replace(os.sep, '/'), date_time=(2026, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o644 << 16
        with open(os.path.join(src, n), 'rb') as fh:
            z.writestr(info, fh.read())
PY
printf 'extension: %s (%s files), %s (%s bytes)\n' "$out" "$(find "$out" -type f | wc -l)" dist/linesman-extension.zip "$(stat -c %s dist/linesman-extension.zip)"
