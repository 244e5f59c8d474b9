#!/usr/bin/env bash
# Builds Linesman and runs the main job on built-in defaults: the batch
# inspection of the bundled sample chats with the default playbook, one
# table per built-in playbook, customer emotion read by the trained model.
set -euo pipefail
cd "$(dirname "$0")"
if ! command -v cargo >/dev/null; then
    sudo=""; [ "$(id -u)" = 0 ] || sudo=sudo
    $sudo apt-get update -qq && $sudo apt-get install -y -qq build-essential rustup
    rustup default stable
fi
cargo build --release --locked -p linesman
bin=target/release/linesman
for pb in retail-zh bank-zh telecom-tw retail-en; do
    printf '\n== %s\n' "$pb"
    grep "\"playbook_hint\": \"$pb\"" crate/samples/chats.jsonl | "$bin" check --format table --playbook "$pb" --model models/emotion.onnx || true
done
printf '\nFull events for one conversation:\n  %s check --playbook retail-zh --model models/emotion.onnx crate/samples/chats.jsonl | head -n 1\n' "$bin"
