#!/usr/bin/env bash
# Installs everything the real-editor tests (pytest -m editor) need on a fresh Debian 12
# machine, as root: Debian packages (chromium, neovim, ripgrep, build deps), code-server
# 4.100.3 built from the npm registry alone, playwright-core, and the vetline .vsix.
#
# Why the code-server recipe is so long: the release tarballs live on GitHub, which CI cannot
# reach, so code-server comes from npm with --ignore-scripts and its native modules are rebuilt
# by hand; @vscode/ripgrep's install script would download rg from GitHub, so the Debian rg is
# put in its place.
#
# Everything downloaded lives under $VETLINE_EDITORS_DIR (default /tmp/vetline-editors), which
# the tests read through the same variable. Re-running the script is cheap: finished steps are
# skipped. Usage: bash .ci/editors-setup.sh [step ...]
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEST="${VETLINE_EDITORS_DIR:-/tmp/vetline-editors}"
CODE_SERVER_VERSION="4.100.3"
PLAYWRIGHT_VERSION="1.52.0"

log() { printf '[editors-setup %s] %s\n' "$(date +%T)" "$*"; }

install_debian_packages() {
    log "apt: chromium neovim ripgrep and native build dependencies"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    apt-get install -y -q --no-install-recommends \
        chromium ripgrep neovim libkrb5-dev libsecret-1-dev libxkbfile-dev \
        build-essential python3 pkg-config git ca-certificates
    # The project's machines ship Node 20 (code-server 4.100.3 needs it); Debian's own nodejs
    # (18) is only a last resort for a machine without any Node.
    command -v node >/dev/null || apt-get install -y -q --no-install-recommends nodejs npm
}

install_code_server() {
    local vscode="$DEST/node_modules/code-server/lib/vscode"
    if [ -f "$DEST/.code-server-ready" ]; then
        log "code-server $CODE_SERVER_VERSION already built in $DEST"
        return
    fi
    log "npm: code-server@$CODE_SERVER_VERSION and playwright-core@$PLAYWRIGHT_VERSION"
    mkdir -p "$DEST"
    cd "$DEST"
    [ -f package.json ] || echo '{"name": "vetline-editor-tests", "private": true}' > package.json
    npm install --no-audit --no-fund --ignore-scripts \
        "code-server@$CODE_SERVER_VERSION" "playwright-core@$PLAYWRIGHT_VERSION"
    log "npm: VS Code runtime dependencies"
    cd "$vscode"
    npm install --no-audit --no-fund --omit=dev --ignore-scripts
    mkdir -p node_modules/@vscode/ripgrep/bin
    cp "$(command -v rg)" node_modules/@vscode/ripgrep/bin/rg
    log "npm: rebuilding VS Code native modules"
    npm_config_yes=true npm rebuild
    ln -sfn node_modules node_modules.asar
    log "npm: built-in extensions' dependencies"
    cd "$vscode/extensions"
    npm install --no-audit --no-fund --omit=dev
    cd "$DEST"
    npm rebuild argon2
    touch "$DEST/.code-server-ready"
}

build_vsix() {
    log "npm: building the vetline .vsix"
    cd "$ROOT/editors/vscode"
    npm ci --no-audit --no-fund
    npm run package
}

# node-gyp would fetch Node's headers from nodejs.org; the Debian/NodeSource package ships them.
if [ -d /usr/include/node ]; then export npm_config_nodedir=/usr; fi

# Steps may be named on the command line (e.g. `build_vsix`); by default all run.
for step in "${@:-install_debian_packages install_code_server build_vsix}"; do
    for s in $step; do "$s"; done
done
log "done: code-server at $DEST/node_modules/.bin/code-server, vsix in $ROOT/editors/vscode"
