#!/usr/bin/env bash
# Sets up and runs the main job on built-in defaults: the demo agent console
# with live assist (the <linesman-assist> widget, the wasm engine in a Web
# Worker, the emotion model) and the supervisor view, served on 127.0.0.1.
#
#   PORT=N   port to serve on (default 8080)
set -euo pipefail
cd "$(dirname "$0")"
PORT="${PORT:-8080}"

apt_install() {
    if [ "$(id -u)" = 0 ]; then
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@"
    else
        sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@"
    fi
}
command -v cc >/dev/null || apt_install build-essential
if ! command -v cargo >/dev/null; then
    apt_install rustup
    rustup default stable
fi
command -v node >/dev/null && command -v npm >/dev/null || apt_install nodejs npm
# The extension's zip is written with Python's zipfile (scripts/build-extension.sh).
command -v python3 >/dev/null || apt_install python3

if [ ! -x www/node_modules/.bin/wasm-opt ]; then
    (cd www && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund)
fi
# Builds www/pkg (wasm engine + the model in its tensor form); quick when up to date.
./scripts/build-wasm.sh
# The Chrome extension from the same package (dist/extension, dist/linesman-extension.zip).
SKIP_WASM=1 ./scripts/build-extension.sh

cat <<MSG

  Linesman demo console:  http://127.0.0.1:$PORT/demo/
  Supervisor view:        http://127.0.0.1:$PORT/supervisor/
  Chrome extension:       $(pwd)/dist/extension (chrome://extensions → Load unpacked;
                          try it on http://127.0.0.1:$PORT/demo/?assist=off)
  (Ctrl-C stops the server)

MSG
exec node www/serve.mjs "$PORT"
