#!/bin/sh
# Qt needs a few system libraries and at least one font; without fonts it silently draws empty boxes.
# On Debian/Ubuntu, install what is missing (as root) or print the exact command to run.
set -eu
# The X11 (xcb) platform plugin needs the libxcb-* helpers below (since Qt 6.5 libxcb-cursor0 too); without them
# Qt refuses to start on an X display with a misleading "could not load the Qt platform plugin".
PKGS="libegl1 libgl1 libfontconfig1 libdbus-1-3 libxkbcommon0 libglib2.0-0 fonts-dejavu-core
  libx11-xcb1 libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0 libxcb-render-util0
  libxcb-shape0 libxcb-xkb1 libxkbcommon-x11-0"
command -v dpkg-query >/dev/null 2>&1 || exit 0   # not Debian/Ubuntu: nothing we can check here
missing=""
for pkg in $PKGS; do
  case "$pkg" in libglib2.0-0) alt="libglib2.0-0t64" ;; *) alt="" ;; esac
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    if [ -z "$alt" ] || ! dpkg-query -W -f='${Status}' "$alt" 2>/dev/null | grep -q "install ok installed"; then
      missing="$missing $pkg"
    fi
  fi
done
if [ -n "$missing" ]; then
  if [ "$(id -u)" = "0" ]; then
    echo "Installing Qt runtime libraries:$missing"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing
  else
    echo "Qt needs system libraries that are missing. Run:" >&2
    echo "  sudo apt-get install -y$missing" >&2
    exit 1
  fi
fi
if command -v fc-list >/dev/null 2>&1 && [ -z "$(fc-list 2>/dev/null | head -n 1)" ]; then
  echo "No fonts are installed, so Qt would draw empty boxes. Run: sudo apt-get install -y fonts-dejavu-core" >&2
  exit 1
fi
