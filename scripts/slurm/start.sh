#!/usr/bin/env bash
# Starts a one-node Slurm on this machine for `make test-slurm`, unless one already answers:
# Debian's munge, slurmctld and slurmd with a minimal configuration written here. Records what
# it started in .build/slurm/started so scripts/slurm/stop.sh stops exactly that.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
state=$root/.build/slurm
mkdir -p "$state"
say() { printf 'slurm: %s\n' "$*" >&2; }

if command -v scontrol >/dev/null 2>&1 && scontrol ping 2>/dev/null | grep -q UP; then
    say "a Slurm controller is already running; using it"
    exit 0
fi
[ "$(id -u)" -eq 0 ] || { say "starting Slurm daemons needs root (or a running Slurm)"; exit 1; }

missing=()
for package in munge slurmctld slurmd slurm-client; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
    say "installing ${missing[*]}"
    apt-get update -qq >/dev/null 2>&1 || true
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null 2>&1 \
        || { say "apt-get install ${missing[*]} failed"; exit 1; }
fi

host=$(hostname -s)
cpus=$(nproc)
memory=$(( $(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 * 8 / 10 ))
mkdir -p /etc/slurm /var/spool/slurmd /var/spool/slurmctld /var/log/slurm /run/munge
# No accounting database, no cgroups (containers rarely allow them): the plugins that need
# neither. Cores are the unit, so array tasks run side by side on the free cores.
cat > /etc/slurm/slurm.conf <<CONF
ClusterName=vern
SlurmctldHost=$host
AuthType=auth/munge
SlurmUser=root
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
MpiDefault=none
ReturnToService=2
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
SlurmctldPidFile=/run/slurmctld.pid
SlurmdPidFile=/run/slurmd.pid
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
NodeName=$host CPUs=$cpus RealMemory=$memory State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF

[ -f /etc/munge/munge.key ] || { /usr/sbin/mungekey --create >/dev/null 2>&1 || dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 2>/dev/null; }
chown -R munge:munge /etc/munge /run/munge /var/lib/munge /var/log/munge 2>/dev/null || true
chmod 0700 /etc/munge; chmod 0400 /etc/munge/munge.key
: > "$state/started"
if ! pgrep -x munged >/dev/null; then
    runuser -u munge -- /usr/sbin/munged
    echo munged >> "$state/started"
fi
/usr/sbin/slurmctld
echo slurmctld >> "$state/started"
/usr/sbin/slurmd
echo slurmd >> "$state/started"
for _ in $(seq 1 100); do
    if sinfo -h -o %T 2>/dev/null | grep -qE '^(idle|mixed|allocated)'; then
        say "one-node Slurm up on $host ($cpus CPUs, partition debug)"
        exit 0
    fi
    sleep 0.2
done
say "Slurm did not come up; see /var/log/slurm/"
tail -n 20 /var/log/slurm/slurmctld.log /var/log/slurm/slurmd.log >&2 || true
exit 1
