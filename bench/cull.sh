#!/bin/bash
# bench/cull.sh - memory and cache size of pmdacontainers per container
# ever seen, with and without the cull (-c).
#
# For each retention given (default "0 5": never, 5 seconds), one agent
# under dbpmda with caches of its own ($ST/var) sees TOTAL (2000) empty
# containers /pccbenchcull-PID.slice/docker-<id>.scope (plain directories
# of a cgroup tree under PCC_SYSROOT; with REAL=1, cgroups made in every
# hierarchy), BATCH (100) at a time, each batch removed once the agent's
# cache file has it; then it is left idle for WAIT seconds (past the
# retention and a cull check) and fetched once more.  Printed per run: the
# agent's VmRSS and heap in use (malloc_stats through gdb) after a warm-up
# batch and at the end, their growth per container, the cache file's
# entries (all, and of our containers) and bytes.  With REAL=1 the agent
# also sees the host's other containers: churn elsewhere adds to both.  Everything made is removed
# on exit, whatever happens.
#
# env: BUILD (build dir), AGENT (the agent, default BUILD's), TOTAL, BATCH,
#      WAIT (12), RETENTIONS ("0 5"), REAL, KEEP (keep the state directory)
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
BUILD=${BUILD:-build}
TOTAL=${TOTAL:-2000}
BATCH=${BATCH:-100}
WAIT=${WAIT:-12}
RETENTIONS=${RETENTIONS:-0 5}
agent=${AGENT:-$top/$BUILD/pmdacontainers}
# shellcheck source=../qa/lab/lib.sh
. "$top/qa/lab/lib.sh"
[ -x "$agent" ] || { echo "cull.sh: $agent not built (make)" >&2; exit 1; }
command -v dbpmda >/dev/null || { echo "cull.sh: no dbpmda" >&2; exit 1; }


ST=$(mktemp -d /tmp/pcc-bench-cull.XXXXXX) || exit 1
slice=pccbenchcull-$$.slice
# by default a cgroup tree of plain directories (PCC_SYSROOT), so that
# other containers on the host do not count; REAL=1 for the real hierarchies
if [ "${REAL:-0}" = 1 ]; then
	mapfile -t hier < <(lab_cg_hierarchies)
else
	mkdir -p "$ST/root/proc/self" "$ST/root/sys/fs/cgroup"
	cp "$top/qa/fixtures/tree-v2/proc/self/mountinfo" "$ST/root/proc/self/" || exit 1
	echo "cpu memory io pids" >"$ST/root/sys/fs/cgroup/cgroup.controllers"
	export PCC_SYSROOT=$ST/root
	hier=("$ST/root/sys/fs/cgroup")
fi
cleanup() {
	local h d
	for h in "${hier[@]}"; do
		[ -d "$h/$slice" ] || continue
		for d in "$h/$slice"/docker-*.scope; do [ -d "$d" ] && rmdir "$d"; done
		rmdir "$h/$slice"
	done
	[ -n "${KEEP:-}" ] || rm -rf "$ST"
}
trap cleanup EXIT
trap 'exit 1' HUP INT QUIT TERM
# under a name of its own: pmdaproc.sh's Install and Remove (other trees on
# this host) signal every process called pmdacontainers
cp "$agent" "$ST/pmdacull" || exit 1
agent=$ST/pmdacull
for h in "${hier[@]}"; do
	mkdir "$h/$slice" || exit 1
	if [ -f "$h/$slice/cpuset.cpus" ]; then
		cat "$h/cpuset.cpus" >"$h/$slice/cpuset.cpus"
		cat "$h/cpuset.mems" >"$h/$slice/cpuset.mems"
	fi
done

cid() { printf 'cc11%08x%052d' "$1" 0; }	# 64 hex digits, name = first 12
batch() {	# batch mkdir|rmdir FIRST: BATCH containers
	local i h paths=()
	for ((i = $2; i < $2 + BATCH; i++)); do
		for h in "${hier[@]}"; do paths+=("$h/$slice/docker-$(cid "$i").scope"); done
	done
	"$1" "${paths[@]}"
}
rss() { awk '/^VmRSS/ { print $2 }' "/proc/$1/status"; }
# heap bytes in use: malloc_stats(3) called in the agent by gdb (if there)
# writes to its stderr, the log; its last "in use bytes" is the total
heap() {
	command -v gdb >/dev/null || { echo 0; return; }
	gdb -p "$1" -batch -ex 'call (void)malloc_stats()' >/dev/null 2>&1
	awk '/^in use bytes/ { n = $NF } END { print n + 0 }' "$log"
}
# until the cache file has the name of container N (10 s at most)
seen() {
	local _ n
	n=$(cid "$1" | cut -c1-12)
	for _ in $(seq 1 100); do
		grep -q " $n\$" "$v/171.0" && return 0
		sleep 0.1
	done
	echo "cull.sh: container $1 not seen" >&2
}

exec 3>&1
printf '%-9s %7s %7s %9s %9s %9s %9s %7s %5s %8s\n' retention rss0_kB rss1_kB B/ctr heap0 heap1 B/ctr entries ours bytes
for ret in $RETENTIONS; do
	v=$ST/var.$ret/config/pmda
	mkdir -p "$v/containers"
	for i in 0 1 2; do echo "2 0 2147483647" >"$v/171.$i"; done
	: >"$v/171.names"
	log=$ST/pmda.$ret.log
	{
		echo "open pipe $agent -d 171 -c $ret -l $log"
		echo "fetch container.cpu.usage"
		sleep 1
		pid=$(pgrep -f -- "-l $log\$" | head -1)
		# warm-up: one batch made and removed
		batch mkdir 0
		seen $((BATCH - 1))
		echo "fetch container.cpu.usage"
		batch rmdir 0
		sleep 2
		rss0=$(rss "$pid") heap0=$(heap "$pid")
		for ((n = BATCH; n < TOTAL + BATCH; n += BATCH)); do
			batch mkdir $n
			seen $((n + BATCH - 1))
			echo "fetch container.cpu.usage"
			batch rmdir $n
			sleep 0.3
		done
		sleep "$WAIT"
		echo "fetch container.cpu.usage"
		sleep 1
		rss1=$(rss "$pid") heap1=$(heap "$pid")
		printf '%-9s %7d %7d %9.1f %9d %9d %9.1f %7d %5d %8d\n' "$ret" "$rss0" "$rss1" \
			"$(echo "($rss1 - $rss0) * 1024 / $TOTAL" | bc -l)" "$heap0" "$heap1" \
			"$(echo "($heap1 - $heap0) / $TOTAL" | bc -l)" \
			"$(($(wc -l <"$v/171.0") - 1))" "$(grep -c ' cc11' "$v/171.0")" \
			"$(stat -c %s "$v/171.0")" >&3
	} | PCP_VAR_DIR=$ST/var.$ret dbpmda -n "$top/pmda-containers/root" -ie >"$ST/out.$ret" 2>&1
done
