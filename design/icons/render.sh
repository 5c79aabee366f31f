#!/bin/sh
# Renders the app icons in public/icons/ from the SVG sources here. Run it after changing a
# source and commit the PNGs: the build itself never needs the converter.
# Needs rsvg-convert (Debian: apt-get install librsvg2-bin).
set -eu
here=$(dirname "$0")
out="$here/../../public/icons"
rsvg-convert -w 192 -h 192 "$here/app-icon.svg" -o "$out/icon-192.png"
rsvg-convert -w 512 -h 512 "$here/app-icon.svg" -o "$out/icon-512.png"
rsvg-convert -w 512 -h 512 "$here/app-icon-maskable.svg" -o "$out/icon-maskable-512.png"
# iOS shows the touch icon on an opaque square and rounds it itself: the full-bleed design.
rsvg-convert -w 180 -h 180 "$here/app-icon-maskable.svg" -o "$out/apple-touch-icon-180.png"
