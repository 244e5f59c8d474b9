#!/usr/bin/env bash
# Builds the wasm package www/pkg/ (linesman-wasm) without wasm-pack:
#   cargo (profile "wasm", wasm32-unknown-unknown, simd128)
#   -> wasm-bindgen --target web (CLI at exactly the version in Cargo.lock)
#   -> wasm-opt from the npm package binaryen (www/node_modules), -Oz
#   -> the emotion model converted to its tensor form (pkg/emotion.model) by the
#      native `linesman convert-model`: the browser build has no ONNX importer.
#
# Environment:
#   SIMD=0           build without +simd128 (default 1)
#   OUT_DIR=DIR      output directory (default www/pkg)
#   WASM_OPT=0       skip wasm-opt (default 1)
#   WASM_OPT_LEVEL   wasm-opt level flag (default -Oz)
#   MODEL=FILE       the ONNX model to convert (default models/emotion.onnx)
#   CARGO_TARGET_DIR is honoured as usual (default: the workspace's target/).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

simd="${SIMD:-1}"
out_dir="${OUT_DIR:-www/pkg}"
opt_level="${WASM_OPT_LEVEL:--Oz}"
model="${MODEL:-models/emotion.onnx}"
target_dir="${CARGO_TARGET_DIR:-$root/target}"
target=wasm32-unknown-unknown
profile=wasm

say() { printf '\n==> %s\n' "$*"; }

say "rust target $target"
if ! rustup target list --installed | grep -qx "$target"; then
  rustup target add "$target"
fi

# wasm-bindgen CLI: must match the wasm-bindgen crate in Cargo.lock exactly.
wb_version="$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)"
if [[ -z "$wb_version" ]]; then
  echo "wasm-bindgen not found in Cargo.lock" >&2
  exit 1
fi
have="$(wasm-bindgen --version 2>/dev/null | awk '{ print $2 }' || true)"
if [[ "$have" != "$wb_version" ]]; then
  say "installing wasm-bindgen-cli $wb_version (found: ${have:-none})"
  # Not --locked: the CLI's own lock file does not build here.
  cargo install wasm-bindgen-cli --version "=$wb_version"
fi

# wasm-opt: the npm binaryen package (Debian's binaryen 108 breaks the
# externref table wasm-bindgen emits).
wasm_opt="$root/www/node_modules/.bin/wasm-opt"
if [[ "${WASM_OPT:-1}" != 0 && ! -x "$wasm_opt" ]]; then
  say "npm ci in www/ (for binaryen's wasm-opt)"
  (cd www && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund)
fi

rustflags="${RUSTFLAGS:-}"
if [[ "$simd" == 1 ]]; then
  rustflags="$rustflags -C target-feature=+simd128"
fi
say "cargo build (profile $profile, RUSTFLAGS='${rustflags# }')"
RUSTFLAGS="${rustflags# }" cargo build --locked -p linesman-wasm --target "$target" --profile "$profile"
raw="$target_dir/$target/$profile/linesman_wasm.wasm"

# Skip the slow part (wasm-opt -Oz takes minutes) when the cargo output and
# the options are those of the package already in $out_dir.
stamp="$(sha256sum "$raw" | cut -d' ' -f1) simd=$simd opt=${WASM_OPT:-1}:$opt_level wb=$wb_version"
if [[ -f "$out_dir/.stamp" && "$(cat "$out_dir/.stamp")" == "$stamp" && -f "$out_dir/linesman_wasm_bg.wasm" ]]; then
  say "wasm package in $out_dir is up to date"
  fresh=0
else
  fresh=1
fi

bg="$out_dir/linesman_wasm_bg.wasm"
size() { stat -c %s "$1"; }
gz() { gzip -9 -c "$1" | wc -c; }

if [[ "$fresh" == 1 ]]; then
  say "wasm-bindgen --target web -> $out_dir"
  rm -rf "$out_dir"
  wasm-bindgen --target web --out-dir "$out_dir" "$raw"
  bindgen_bytes=$(size "$bg")

  binaryen_version=none
  if [[ "${WASM_OPT:-1}" != 0 ]]; then
    binaryen_version="$("$wasm_opt" --version | awk '{ print $3 }')"
    say "wasm-opt $opt_level (binaryen $binaryen_version)"
    "$wasm_opt" "$opt_level" \
      --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
      --enable-mutable-globals --enable-reference-types --enable-multivalue --enable-simd \
      "$bg" -o "$bg.opt"
    mv "$bg.opt" "$bg"
  fi

  wasm_bytes=$(size "$bg")
  wasm_gzip=$(gz "$bg")
  js_bytes=$(size "$out_dir/linesman_wasm.js")
  js_gzip=$(gz "$out_dir/linesman_wasm.js")

  cat > "$out_dir/build-info.json" <<EOF
  {
    "package": "linesman-wasm",
    "profile": "$profile",
    "simd128": $([[ "$simd" == 1 ]] && echo true || echo false),
    "rustflags": "${rustflags# }",
    "rustc": "$(rustc --version)",
    "wasmBindgen": "$wb_version",
    "binaryen": "$binaryen_version",
    "wasmOpt": "$([[ "${WASM_OPT:-1}" != 0 ]] && echo "$opt_level" || echo none)",
    "sizes": {
      "cargoWasm": $(size "$raw"),
      "bindgenWasm": $bindgen_bytes,
      "wasm": $wasm_bytes,
      "wasmGzip": $wasm_gzip,
      "js": $js_bytes,
      "jsGzip": $js_gzip
    }
  }
EOF
  echo "$stamp" > "$out_dir/.stamp"
fi

say "emotion model -> $out_dir/emotion.model (tensor form)"
# The dev profile: shares its build with `cargo test`, and converting is quick.
cargo run --locked -q -p linesman --bin linesman -- convert-model "$model" "$out_dir/emotion.model"

wasm_bytes=$(size "$bg")
wasm_gzip=$(gz "$bg")
js_bytes=$(size "$out_dir/linesman_wasm.js")
js_gzip=$(gz "$out_dir/linesman_wasm.js")
say "sizes ($out_dir)"
printf '  %-28s %10s %10s\n' file bytes gzip-9
printf '  %-28s %10s %10s\n' "cargo output" "$(size "$raw")" "$(gz "$raw")"
printf '  %-28s %10s %10s\n' "linesman_wasm_bg.wasm" "$wasm_bytes" "$wasm_gzip"
printf '  %-28s %10s %10s\n' "linesman_wasm.js" "$js_bytes" "$js_gzip"
printf '  %-28s %10s %10s\n' "emotion.model" "$(size "$out_dir/emotion.model")" "$(gz "$out_dir/emotion.model")"
