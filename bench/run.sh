#!/bin/bash
# bench/run.sh - CPU cost per fetch of pmdacontainers against PCP's own
# pmdaproc and against the raw-read floor, measured in one run.
#
# For each N (default "100 1000") it creates N empty container-like
# cgroups /pccbench.slice/docker-<id>.scope in every hierarchy the PMDA
# reads, then, through the real pmcd:
#   - pmdacontainers CPU per fetch of container.{cpu,memory,io,pids}
#     (from /proc/PID/task/*/schedstat, ns resolution)
#   - the floor: a loop reading exactly the cgroup files the PMDA holds open
#     (pread on kept fds), and the same files by path (open/read/close)
#   - pmdaproc CPU per fetch of cgroup.{cpuacct,memory,blkio} metrics
# and prints a table with the ratios.  The cgroups are removed on exit.
#
# usage: bench/run.sh [N...]      env: BENCH_F fetches per point (default 40)
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
BUILD=${BUILD:-$top/build}
F=${BENCH_F:-40}
NS=${*:-"100 1000"}
PROC_METRICS="cgroup.cpuacct.usage cgroup.cpuacct.stat.user cgroup.cpuacct.stat.system
cgroup.memory.usage cgroup.memory.limit cgroup.memory.stat.rss cgroup.memory.stat.cache
cgroup.blkio.all.io_service_bytes.read cgroup.blkio.all.io_service_bytes.write"

die() { echo "bench: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || die "must run as root"
# shellcheck disable=SC1091
set +u; . /etc/pcp.env; set -u
pmprobe -v hinv.ncpu 2>/dev/null | grep -q ' 1 ' || die "pmcd is not running"
if ! pminfo container.control.containers >/dev/null 2>&1; then
	echo "bench: installing the PMDA into pmcd" >&2
	(cd "$PCP_PMDAS_DIR/containers" && ./Install </dev/null >/dev/null 2>&1) ||
		die "PMDA not installed: run make install first"
fi

hiers=$(awk '$3=="cgroup" && $4 ~ /(^|,)(cpu|cpuacct|memory|blkio|pids)(,|$)/ {print $2}
	     $3=="cgroup2" {print $2}' /proc/mounts | sort -u)
made=()
cleanup() {
	local d
	for d in "${made[@]}"; do
		find "$d" -mindepth 1 -maxdepth 1 -type d -exec rmdir {} + 2>/dev/null
		rmdir "$d" 2>/dev/null
	done
	made=()
}
trap cleanup EXIT INT TERM

mkcgroups() {	# mkcgroups N
	local h i
	for h in $hiers; do
		[ -d "$h/pccbench.slice" ] || { mkdir "$h/pccbench.slice" || die "mkdir $h"; made+=("$h/pccbench.slice"); }
		for i in $(seq 1 "$1"); do
			printf "%s/pccbench.slice/docker-%08x%056x.scope\n" "$h" "$i" 0
		done | xargs mkdir -p
	done
}

cpu_ns() { cat /proc/"$1"/task/*/schedstat 2>/dev/null | awk '{s+=$1} END{printf "%d", s}'; }
pid_of() { local p; for p in $(pgrep -x "$1"); do echo "$p"; return; done; }
calc() { awk "BEGIN{printf \"%.${2:-1}f\", $1}"; }

# per-fetch CPU of daemon $1 while fetching $F times metrics $2...
measure() {
	local pid=$1 c0 c1; shift
	"$BUILD/bench/fetch" 2 "$@" >/dev/null || die "fetch failed"
	c0=$(cpu_ns "$pid")
	"$BUILD/bench/fetch" "$F" "$@" >/dev/null
	c1=$(cpu_ns "$pid")
	calc "($c1 - $c0) / $F / 1000" 1	# us per fetch
}

read -r -a CMETRICS < <(pminfo container.cpu container.memory container.io container.pids | tr '\n' ' ')
read -r -d '' -a PMETRICS <<< "$PROC_METRICS"
echo "host: $(nproc) cpus, $(uname -r), cgroup hierarchies: $(echo "$hiers" | wc -w), fetches per point: $F"
printf '%-6s %-8s %12s %12s %12s %12s %12s %10s %10s\n' N ctrs "pmda us/f" "floor us/f" "path us/f" \
	"pmdaproc us/f" "us/ctr" "vs floor" "vs proc"
for n in $NS; do
	cleanup
	mkcgroups "$n"
	"$BUILD/bench/fetch" 1 container.control.containers >/dev/null
	ctrs=$(pminfo -f container.control.containers | awk '/value/{print $2}')
	pmda_pid=$(pid_of pmdacontainers); proc_pid=$(pid_of pmdaproc)
	[ -n "$pmda_pid" ] || die "pmdacontainers not running"
	pmda_us=$(measure "$pmda_pid" "${CMETRICS[@]}")
	# the floor reads the files the PMDA reads: the (hierarchy, file) pairs
	# it holds open, for every container it reports
	held=$(find /proc/"$pmda_pid"/fd -type l -printf '%l\n' 2>/dev/null | grep '^/sys/fs/cgroup/[^/]*/.*/')
	pairs=$(echo "$held" | awk -F/ '{print $5 " " $NF}' | sort -u)
	files=$(pminfo -f container.info.cgroup | sed -n 's/.* value "\(.*\)"$/\1/p' |
		while read -r cg; do
			echo "$pairs" | while read -r h f; do
				p="/sys/fs/cgroup/$h$cg/$f"; [ -e "$p" ] && echo "$p"
			done
		done)
	nfiles=$(echo "$files" | grep -c .)
	floor_us=$(echo "$files" | "$BUILD/bench/floor" kept "$F" | awk '{printf "%.1f", $3/1000}')
	path_us=$(echo "$files" | "$BUILD/bench/floor" path "$F" | awk '{printf "%.1f", $3/1000}')
	proc_us=NA
	[ -n "$proc_pid" ] && proc_us=$(measure "$proc_pid" "${PMETRICS[@]}")
	per=$(calc "$pmda_us / $ctrs" 2)
	vsf=$(calc "$pmda_us / $floor_us" 2)
	vsp=NA; [ "$proc_us" != NA ] && vsp=$(calc "$proc_us / $pmda_us" 1)x
	printf '%-6s %-8s %12s %12s %12s %12s %12s %10s %10s\n' "$n" "$ctrs" "$pmda_us" "$floor_us" \
		"$path_us" "$proc_us" "$per" "${vsf}x" "$vsp"
	echo "       ($nfiles cgroup files read per fetch; held open by the PMDA: $(pminfo -f container.control.fds | awk '/value/{print $2}'))"
done
echo "columns: CPU microseconds per fetch; 'vs floor' = pmda / pread floor (target <= 1.3), 'vs proc' = pmdaproc / pmda"
