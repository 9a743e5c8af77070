#!/bin/sh
# `make run`: start CrowdOps on the user's database, creating a demo one first when there is none.
#
# CrowdOps keeps its keys only in the system keyring. On a machine without one (a bare window manager, a server
# under Xvfb) this script still lets you try the app: it uses a separate DEMO database and a throwaway key file
# under .venv/demo/, and says so. The app itself never does this: it refuses to run without a keyring.
set -eu
BIN=.venv/bin
if "$BIN/python" -c "import sys; from crowdops.store.secrets import secure_keyring_available as ok; sys.exit(not ok())"; then
  db="${CROWDOPS_DB:-$("$BIN/python" -c 'from crowdops.app import default_db_path; print(default_db_path())')}"
else
  echo "No system keyring on this machine: starting a DEMO database with a throwaway key file in .venv/demo/."
  echo "Never use it for real operations; install a keyring (e.g. GNOME Keyring) for that."
  "$BIN/python" -c "import keyrings.alt" 2>/dev/null || "$BIN/pip" install --quiet keyrings.alt
  export PYTHON_KEYRING_BACKEND=keyrings.alt.file.PlaintextKeyring XDG_DATA_HOME="$PWD/.venv/demo"
  db="$PWD/.venv/demo/crowdops-demo.db"
fi
if [ ! -f "$db" ]; then
  echo "No database yet: creating a demo one at $db"
  "$BIN/crowdops" --db "$db" demo
fi
exec "$BIN/crowdops" --db "$db" gui
