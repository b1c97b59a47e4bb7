#!/usr/bin/env bash
# Stops the daemons scripts/slurm/start.sh started (and nothing it found running).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
state=$root/.build/slurm/started
[ -f "$state" ] || exit 0
scancel --user="$(id -un)" 2>/dev/null || true
for daemon in slurmd slurmctld munged; do
    grep -qx "$daemon" "$state" && pkill -x "$daemon" 2>/dev/null || true
done
rm -f "$state"
printf 'slurm: stopped the one-node Slurm\n' >&2
