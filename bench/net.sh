#!/bin/bash
# bench/net.sh - CPU per fetch of every container's network counters, at 10
# and 100 network namespaces (real podman containers: pmdaroot, which the
# pmdalinux row needs, knows podman), three ways, in one run:
#   pmdacontainers  one fetch of container.net.{in,out}.{bytes,packets} for
#                   all containers (RTM_GETSTATS on sockets kept in each
#                   namespace); CPU of the PMDA from schedstat
#   /proc/PID/net/dev  open, read and close it for each container's process:
#                   what cAdvisor does; CPU of the reading process
#   pmdalinux --container  one context per container (local:?container=NAME)
#                   fetching network.interface.{in,out}.{bytes,packets}: what
#                   PCP offers today; CPU of pmdalinux + pmdaroot (+ pmcd)
# The containers are removed at the end.  Needs podman + runc
# (DEPS_WITH_PODMAN=1 scripts/deps.sh); says so and exits 0 without them.
#
# usage: bench/net.sh [N...]     env: BENCH_F fetches per point (default 20)
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
BUILD=${BUILD:-$top/build}
F=${BENCH_F:-20}
NS=${*:-"10 100"}
die() { echo "bench/net: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || die "must run as root"
if ! command -v podman >/dev/null || ! command -v runc >/dev/null; then
	echo "bench/net: podman/runc not installed (DEPS_WITH_PODMAN=1 scripts/deps.sh): skipped"
	exit 0
fi
set +u; . /etc/pcp.env; set -u

export PCC_LAB=/tmp/pcc-lab-bench PCC_LAB_TAG=bench
lab=$top/qa/lab/podman.sh
trap '"$lab" down >/dev/null 2>&1' EXIT INT TERM

cpu_ns() { cat /proc/"$1"/task/*/schedstat 2>/dev/null | awk '{s+=$1} END{printf "%d", s}'; }
pids_cpu() { local p s=0; for p in "$@"; do s=$((s + $(cpu_ns "$p"))); done; echo $s; }
pid_of() { local p; for p in $(pgrep -x "$1"); do echo "$p"; return; done; }
calc() { awk "BEGIN{printf \"%.${2:-1}f\", $1}"; }

# us of CPU per sweep by the processes $1 (quoted list) while running cmd...
measure() {
	local pids=$1 c0 c1; shift
	"$@" >/dev/null 2>&1 || die "failed: $*"
	# shellcheck disable=SC2086 # a list of pids
	c0=$(pids_cpu $pids)
	"$@" >/dev/null 2>&1
	# shellcheck disable=SC2086
	c1=$(pids_cpu $pids)
	calc "($c1 - $c0) / $F / 1000"
}

CM=(container.net.in.bytes container.net.in.packets container.net.out.bytes container.net.out.packets)
LM=(network.interface.in.bytes network.interface.in.packets network.interface.out.bytes network.interface.out.packets)
echo "network namespaces: podman containers with lo + eth0; $F fetches per point; CPU us per sweep of all containers"
printf '%-5s %16s %16s %16s %12s %12s\n' N pmdacontainers "/proc/PID/net/dev" "pmdalinux --ctr" "vs procfs" "vs pmdalinux"
for n in $NS; do
	"$lab" up "$n" >/dev/null 2>&1 || die "podman.sh up $n failed"
	list=$PCC_LAB/podman/containers.txt	# name id pid cgroup
	awk '{print $1}' "$list" >/tmp/pcc-bench-names
	pids=$(awk '{print $3}' "$list")
	files=$(for p in $pids; do echo "/proc/$p/net/dev"; done)
	"$BUILD/bench/fetch" 1 "${CM[@]}" >/dev/null
	pmda=$(pid_of pmdacontainers); linux=$(pid_of pmdalinux); root=$(pid_of pmdaroot)
	a=$(measure "$pmda" "$BUILD/bench/fetch" "$F" "${CM[@]}")
	b=$(echo "$files" | "$BUILD/bench/floor" path "$F" | awk '{printf "%.1f", $3/1000}')
	c=$(measure "$linux $root" "$BUILD/bench/fetch" -C /tmp/pcc-bench-names "$F" "${LM[@]}")
	printf '%-5s %16s %16s %16s %11sx %11sx\n' "$(echo "$pids" | wc -w)" "$a" "$b" "$c" \
		"$(calc "$b / $a" 1)" "$(calc "$c / $a" 1)"
	printf '      per namespace: %s us (pmdacontainers), %s us (procfs), %s us (pmdalinux)\n' \
		"$(calc "$a / $n" 2)" "$(calc "$b / $n" 2)" "$(calc "$c / $n" 2)"
done
rm -f /tmp/pcc-bench-names
