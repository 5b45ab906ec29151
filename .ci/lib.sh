# Shared by .ci/serve, .ci/test and .ci/run: installs what is missing
# (idempotently) and says what it does.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PATH="$HOME/.cargo/bin:$PATH"
TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"

say() { printf '\n\033[1;34m==> %s\033[0m\n' "$*"; }
ok() { printf '    %s\n' "$*"; }

# Debian packages need root; use sudo when we are not.
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

ensure_wasm_target() {
  if rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    ok "wasm32-unknown-unknown target: present"
  else
    say "Installing the wasm32-unknown-unknown Rust target"
    rustup target add wasm32-unknown-unknown
  fi
}

ensure_cargo_leptos() {
  if cargo leptos --version 2>/dev/null | grep -q ' 0\.3\.10'; then
    ok "cargo-leptos 0.3.10: present"
  else
    say "Installing cargo-leptos 0.3.10 (compiles from source; about 25 minutes)"
    cargo install cargo-leptos --version 0.3.10 --locked
  fi
}

ensure_wasm_bindgen() {
  # Must match the wasm-bindgen crate pinned in Cargo.toml. Not --locked: its
  # lock file names a crate version the registry no longer has.
  if wasm-bindgen --version 2>/dev/null | grep -q ' 0\.2\.130'; then
    ok "wasm-bindgen-cli 0.2.130: present"
  else
    say "Installing wasm-bindgen-cli 0.2.130 (about 3 minutes)"
    cargo install wasm-bindgen-cli --version 0.2.130
  fi
}

ensure_wasm_opt() {
  # Release builds shrink the WASM with wasm-opt; Debian's binaryen is too old.
  if wasm-opt --version 2>/dev/null | grep -Eq 'version (1[2-9][0-9]|[2-9][0-9]{2})'; then
    ok "wasm-opt: present ($(wasm-opt --version))"
  else
    say "Installing wasm-opt (npm package binaryen@132)"
    npm install -g binaryen@132
  fi
}

ensure_chromium() {
  if [ -x /usr/bin/chromium ]; then
    ok "chromium: present"
  else
    say "Installing Chromium from Debian (for the browser tests)"
    as_root apt-get update
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium
  fi
}

ensure_e2e_packages() {
  local want have axe_want axe_have
  want="$(node -p "require('./end2end/package-lock.json').packages['node_modules/@playwright/test'].version")"
  have="$(node -p "try{require('./end2end/node_modules/@playwright/test/package.json').version}catch(e){''}" 2>/dev/null || true)"
  # The accessibility checker too (an older checkout may lack it).
  axe_want="$(node -p "require('./end2end/package-lock.json').packages['node_modules/@axe-core/playwright'].version")"
  axe_have="$(node -p "try{require('./end2end/node_modules/@axe-core/playwright/package.json').version}catch(e){''}" 2>/dev/null || true)"
  if [ "$want" = "$have" ] && [ "$axe_want" = "$axe_have" ]; then
    ok "end2end npm packages: present (@playwright/test $have, @axe-core/playwright $axe_have)"
  else
    say "Installing the end2end npm packages (Playwright without its browser download)"
    (cd end2end && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund)
  fi
}

ensure_lighthouse() {
  local want have
  want="$(node -p "require('./.ci/lighthouse/package-lock.json').packages['node_modules/lighthouse'].version")"
  have="$(node -p "try{require('./.ci/lighthouse/node_modules/lighthouse/package.json').version}catch(e){''}" 2>/dev/null || true)"
  if [ "$want" = "$have" ]; then
    ok "lighthouse $have: present"
  else
    say "Installing Lighthouse $want from npm (for the benchmark's page scores)"
    (cd .ci/lighthouse && npm ci --no-audit --no-fund --loglevel=error)
  fi
}

ensure_build_tools() {
  say "Checking the build tools"
  ensure_wasm_target
  ensure_wasm_bindgen
  ensure_cargo_leptos
}

ensure_postgres() {
  if [ -x /usr/lib/postgresql/15/bin/initdb ]; then
    ok "PostgreSQL 15: present"
  else
    say "Installing PostgreSQL 15 from Debian (for the PostgreSQL test run)"
    as_root apt-get update
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y postgresql-15
  fi
}

# Starts a throw-away PostgreSQL cluster on a loopback port and exports
# FENFA_TEST_PG (an admin URL); the cluster is removed when the shell exits.
# PostgreSQL refuses to run as root, so it runs as the `postgres` user.
start_throwaway_postgres() {
  local bin=/usr/lib/postgresql/15/bin port="${FENFA_PG_PORT:-55432}"
  PG_DIR="$(mktemp -d /tmp/fenfa-pg.XXXXXX)"
  local run=()
  if [ "$(id -u)" = 0 ]; then chown postgres "$PG_DIR"; run=(runuser -u postgres --); fi
  say "Starting a throw-away PostgreSQL cluster on 127.0.0.1:$port ($PG_DIR)"
  "${run[@]}" "$bin/initdb" -D "$PG_DIR/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  "${run[@]}" "$bin/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/log" -w \
    -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$PG_DIR -c max_connections=400 -c fsync=off" start >/dev/null
  export FENFA_TEST_PG="postgres://postgres@127.0.0.1:$port"
  PG_RUN=("${run[@]}")
  trap stop_throwaway_postgres EXIT
}

stop_throwaway_postgres() {
  if [ -n "${PG_DIR:-}" ] && [ -d "$PG_DIR" ]; then
    "${PG_RUN[@]}" /usr/lib/postgresql/15/bin/pg_ctl -D "$PG_DIR/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$PG_DIR"
    ok "Removed the throw-away PostgreSQL cluster"
  fi
}

# Sizes of the release browser bundle (target/site/pkg after
# `cargo leptos build --release --split --precompress`), gzip -9, in bytes:
#   BUNDLE_LINK  what a purchase-link page loads before it is interactive
#                (the main WASM and the two JS files; its route is not lazy)
#   BUNDLE_ALL   every WASM file and JS file of the app
# gzip -9 size of a file, in bytes.
gz() { gzip -9 -c "$1" | wc -c; }

bundle_sizes() {
  local pkg="$ROOT/target/site/pkg" f
  # The entry files, named by content (`fenfa.<hash>.wasm`) or not.
  BUNDLE_LINK=0
  for f in "$pkg"/fenfa.wasm "$pkg"/fenfa.*.wasm "$pkg"/fenfa.js "$pkg"/fenfa.*.js; do
    [ -e "$f" ] && BUNDLE_LINK=$(( BUNDLE_LINK + $(gz "$f") ))
  done
  for f in "$pkg"/__wasm_split*.js; do
    [ -e "$f" ] && BUNDLE_LINK=$(( BUNDLE_LINK + $(gz "$f") ))
  done
  BUNDLE_ALL=0
  for f in "$pkg"/*.wasm "$pkg"/*.js; do BUNDLE_ALL=$(( BUNDLE_ALL + $(gz "$f") )); done
}
