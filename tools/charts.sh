#!/usr/bin/env bash
# Draws the performance charts of docs/images from the committed results in bench/results (no benchmark is run).
# Needs a DejaVu Sans font (Debian: fonts-dejavu-core), which the charts name so that they look the same everywhere.
#   tools/charts.sh
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet run --project tools/CookieSession.Charts -c Release -- bench/results docs/images
