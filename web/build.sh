#!/usr/bin/env bash
# Builds the browser page's engine (crates/web compiled to WebAssembly) into
# web/whatif.wasm, then the repository's ready page, whatif.html, from it. Paths are
# remapped so that the bytes do not depend on where the checkout or Cargo's cache is:
# CI rebuilds both and fails if they differ from the committed ones.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
cargo_home=${CARGO_HOME:-$HOME/.cargo}
rustup target add wasm32-unknown-unknown >/dev/null 2>&1 || true
RUSTFLAGS="--remap-path-prefix=$root=/whatif --remap-path-prefix=$cargo_home=/cargo" \
  cargo build -p whatif-web --target wasm32-unknown-unknown --profile wasm --locked
cp target/wasm32-unknown-unknown/wasm/whatif_web.wasm web/whatif.wasm
cargo run --locked -q -- page --out whatif.html -q
echo "web/whatif.wasm: $(wc -c < web/whatif.wasm) bytes; whatif.html: $(wc -c < whatif.html) bytes"
