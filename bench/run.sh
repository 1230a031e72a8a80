#!/bin/bash
# bench/run.sh - the scale benchmark of pmdacontainers (make bench): the
# issue's table, with this host's rows measured in this run.
#
# Through the real pmcd, on N1 (1000) and then N2 (5000) empty container
# cgroups /pccbench.slice/docker-<id>.scope made in every hierarchy the PMDA
# reads (removed on exit, whatever happens):
#   N1  CPU per fetch of container.{cpu,memory,io,pids} of pmdacontainers
#       (from /proc/PID/task/*/schedstat), against floors reading the same
#       files (bench/files lists them from the library: pread on kept fds,
#       openat from kept directory fds, open by path) and against pmdaproc
#       fetching its cgroup.{cpuacct,memory,blkio} metrics; and a fetch of
#       container.cpu.usage alone, which must read one file per container.
#       The floors read what the PMDA reads per fetch once it runs: not the
#       setting files (limits, shares) it keeps until inotify reports a
#       write (bench/files -a lists those too).
#       The target ratio is against the floor that keeps an fd exactly where
#       the PMDA holds one (read from /proc/PID/fd after its fetches) and
#       opens the rest per read as the PMDA does (openat from the hierarchy's
#       fd): with the host's own containers the files can outnumber the fd
#       budget (RLIMIT_NOFILE less 2048), and no agent under that limit can
#       keep them all.  The ratio against the floor keeping every fd is
#       printed too; both are the same when the PMDA keeps every file.
#       pmdaproc is measured in every round, right after the PMDA, one fetch
#       at a time: its cheapest of 3 (another client only adds to it) gives
#       the target ratio, its mean is printed too.  Both ratios are medians
#       of per-round ratios, with their spread over the rounds.
#       Pacing the floor's passes like pmcd's requests (a sleep between
#       them) made no difference beyond the noise on the 2-CPU VM this was
#       written on (17000 files, 0/30/200 ms gaps), and the floor with its
#       caches flushed between passes is printed as well.
#       In turns (bench/pair): F fetches of the PMDA and F passes of the
#       mirrored floor taken one and one, each pass right after a fetch and
#       each fetch right after a pass.  The same reads take twice the cycles
#       from one second to the next on that VM, and the floor's back-to-back
#       passes keep the kernel's data of the files in the caches as no
#       agent answering pmcd can (on a quiet machine the same floor cost
#       13 ms in a row and 18 ms in turns); in turns both meet the same
#       machine.  It leans a little to the PMDA: its fetch comes right after
#       a pass over the same cgroups, a pass after a fetch and pmcd's and
#       the client's handling of its result.  Both ratios are printed.
#   N2  CPU per fetch, files opened per fetch, fds held and file kinds kept,
#       VmRSS, the kernel memory the kept fds hold (their number times the
#       per-fd cost bench/kmem measures on the same kind of files), that
#       every container is reported; then discovery: a no-change fetch,
#       NEW (100) containers made (seen by the next fetch? inotify events,
#       scans, CPU) and removed again.  Then a process with a network
#       namespace of its own (lo only, bench/netprocs) in each of the N2
#       containers: every container attached, a socket and a pidfd each
#       from the fd budget the kept cgroup files share; the fetch of the
#       interface counters, the fds by kind, the file kinds still kept and
#       the full fetch with them (BENCH_NETNS=0 leaves this out).
# Each measurement is a median over ROUNDS rounds that alternate the PMDA
# and the floors, so that load from elsewhere on the machine hits both, and
# each starts after one untimed fetch or pass (the floors had one: a first
# read allocates the seq_file buffers; the PMDA has one too since this was
# written down, so that it is not timed cold after pmdaproc's fetches); a
# round in which another client fetched from the PMDA, or the PMDA was
# replaced (other trees install theirs), is done again.
#
# env: BUILD (build dir), BENCH_N1, BENCH_N2 (0: stop after N1), BENCH_NEW, BENCH_NETNS,
#      BENCH_ROUNDS (7), BENCH_F (fetches per round at N1, 10), BENCH_VERBOSE
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD=$top/$BUILD ;; esac
N1=${BENCH_N1:-1000}
N2=${BENCH_N2:-5000}
NEW=${BENCH_NEW:-100}
ROUNDS=${BENCH_ROUNDS:-7}
F=${BENCH_F:-10}
SLICE=pccbench.slice
PROC_METRICS="cgroup.cpuacct.usage cgroup.cpuacct.stat.user cgroup.cpuacct.stat.system
cgroup.memory.usage cgroup.memory.limit cgroup.memory.stat.rss cgroup.memory.stat.cache
cgroup.blkio.all.io_service_bytes.read cgroup.blkio.all.io_service_bytes.write"
TMP=$(mktemp -d /tmp/pccbench.XXXXXX)

T0=$(date +%s)
die() { echo "bench: $*" >&2; exit 1; }
note() { echo "bench: [$(( $(date +%s) - T0 ))s] $*" >&2; }
[ "$(id -u)" = 0 ] || die "must run as root"
for b in fetch floor files kmem pair; do [ -x "$BUILD/bench/$b" ] || die "no $BUILD/bench/$b: make bench"; done
# shellcheck disable=SC1091
set +u; . /etc/pcp.env; set -u
pmprobe -v hinv.ncpu 2>/dev/null | grep -q ' 1 ' || die "pmcd is not running"

hiers=$(awk '$3=="cgroup" && $4 ~ /(^|,)(cpu|cpuacct|memory|blkio|pids)(,|$)/ {print $2}
	     $3=="cgroup2" {print $2}' /proc/mounts | sort -u)
NETPIDS=
cleanup() {
	local h p _
	# the namespaces' processes first: a cgroup with a process is not removed
	if [ -n "$NETPIDS" ] && [ -s "$NETPIDS" ]; then
		xargs kill -KILL < "$NETPIDS" 2>/dev/null
		for _ in $(seq 1 100); do
			p=0
			while read -r pid; do [ -d "/proc/$pid" ] && p=$((p + 1)); done < "$NETPIDS"
			[ "$p" = 0 ] && break
			sleep 0.1
		done
	fi
	for h in $hiers; do
		[ -d "$h/$SLICE" ] || continue
		find "$h/$SLICE" -mindepth 1 -maxdepth 1 -type d -exec rmdir {} + 2>/dev/null
		rmdir "$h/$SLICE" 2>/dev/null
	done
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

cgname() { printf "docker-%08x%056x.scope" "$1" 0; }
# mkcgroups FROM TO: containers FROM..TO in every hierarchy
mkcgroups() {
	local h i
	for h in $hiers; do
		[ -d "$h/$SLICE" ] || mkdir "$h/$SLICE" || die "mkdir $h/$SLICE"
		for i in $(seq "$1" "$2"); do echo "$h/$SLICE/$(cgname "$i")"; done | xargs mkdir -p
	done
}
rmcgroups() {
	local h i
	for h in $hiers; do
		for i in $(seq "$1" "$2"); do echo "$h/$SLICE/$(cgname "$i")"; done | xargs rmdir
	done
}

# pid_of NAME: the process, once it is the only one (an Install leaves the
# old agent exiting for a moment): the newest after 5 s
pid_of() {
	local _
	for _ in $(seq 1 50); do
		[ "$(pgrep -c -x "$1")" -le 1 ] && break
		sleep 0.1
	done
	pgrep -n -x "$1"
}
cpu_ns() { cat /proc/"$1"/task/*/schedstat 2>/dev/null | awk '{s+=$1} END{printf "%d", s}'; }
med() { sort -g | awk '{v[NR]=$1} END{if (NR) printf "%s", (NR%2 ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2); else printf "NA"}'; }
calc() { awk "BEGIN{printf \"%.${2:-1}f\\n\", $1}"; }
ctl() {	# ctl NAME...: values of container.control.NAME, one a line, in order
	local m a=()
	for m in "$@"; do a+=("container.control.$m"); done
	pmprobe -v "${a[@]}" | awk '{print ($2 == 1 ? $3 : "NA")}'
}
ctl1() { ctl "$1"; }

# The running pmdacontainers must be this tree's build; others install theirs.
ours() {
	local p
	p=$(pid_of pmdacontainers)
	[ -n "$p" ] && cmp -s "/proc/$p/exe" "$BUILD/pmdacontainers" &&
		[ "$(ctl1 containers)" != NA ]
}
ensure_ours() {
	local tries=0
	while ! ours; do
		[ $tries -lt 5 ] || die "cannot keep this build's PMDA installed (others reinstall theirs)"
		note "installing this tree's PMDA ($BUILD)"
		make -s -C "$top" BUILD="$BUILD" install >/dev/null 2>&1 || die "make install failed"
		(cd "$PCP_PMDAS_DIR/containers" && ./Install </dev/null >/dev/null 2>&1)
		tries=$((tries + 1))
		sleep 2
	done
	PMDA=$(pid_of pmdacontainers)
}
# ours_seen: how many of our containers the PMDA reports
ours_seen() {
	pminfo -f container.info.cgroup 2>/dev/null | grep -c "value \"/$SLICE/"
}
# wait_for N: until the PMDA reports N of our containers (the host's other
# containers come and go: they are not counted)
wait_for() {
	local n _
	for _ in $(seq 1 120); do
		[ "$(ctl1 containers)" = NA ] && ensure_ours
		n=$(ours_seen)
		[ "$n" -ge "$1" ] && return 0
		sleep 0.5
	done
	die "the PMDA sees ${n:-no} of our containers, not $1"
}

# pmda_round F METRIC...: "ok|busy CPU_US READS OPENS" per fetch of the
# PMDA over F fetches; busy if another client fetched meanwhile (its cost
# is in the numbers), "lost" if the PMDA was replaced
pmda_round() {
	local f=$1 c0 c1 n0 n1 r0 r1 o0 o1 p; shift
	ensure_ours
	p=$PMDA
	# untimed, as the floors' first pass is: neither is timed right after
	# the other's passes or pmdaproc's fetches have taken the caches
	"$BUILD/bench/fetch" 1 "$@" >/dev/null || { echo lost; return; }
	read -r n0 r0 o0 < <(ctl fetches files_read files_opened | tr '\n' ' ')
	c0=$(cpu_ns "$p")
	"$BUILD/bench/fetch" "$f" "$@" >/dev/null || { echo lost; return; }
	c1=$(cpu_ns "$p")
	read -r n1 r1 o1 < <(ctl fetches files_read files_opened | tr '\n' ' ')
	# no CPU at all: the agent went away under us (its /proc entries with it)
	if [ "$(pid_of pmdacontainers)" != "$p" ] || [ "$n1" = NA ] || [ "$n0" = NA ] ||
	   [ "$c1" -le "$c0" ]; then
		echo lost
		return
	fi
	if [ $((n1 - n0)) -eq $((f + 1)) ]; then echo -n "ok "; else echo -n "busy "; fi
	calc "($c1 - $c0) / $f / 1000" 1 | tr '\n' ' '
	echo "$(( (r1 - r0) / f )) $(( (o1 - o0) / f ))"
}
# pmda_measure F METRIC...: a round no other client disturbed (10 tries);
# else the cheapest disturbed one, marked "<" (an upper bound).  Sets
# COST (us per fetch), READS, OPENS (files per fetch)
pmda_measure() {
	local r st c rd op best=""
	for _ in $(seq 1 10); do
		r=$(pmda_round "$@")
		read -r st c rd op <<< "$r"
		if [ "$st" = ok ]; then
			COST=$c READS=$rd OPENS=$op
			return
		fi
		if [ "$st" = busy ] && { [ -z "$best" ] || awk "BEGIN{exit !($c < ${best%% *})}"; }; then
			best="$c $rd $op"
		fi
		sleep 0.3
	done
	note "other clients fetched during every try; kept the cheapest"
	read -r c rd op <<< "${best:-NA NA NA}"
	COST="<$c" READS=$rd OPENS=$op
}
pmda_cost() { pmda_measure "$@"; echo "$COST"; }
# proc_cost F: "BEST MEAN", pmdaproc CPU us per fetch of its cgroup metrics
# over F fetches measured one by one after an unmeasured one: the cheapest
# (its best conditions: another client of pmdaproc's only adds) and the mean
proc_cost() {
	local p c0 c1 i
	p=$(pid_of pmdaproc)
	[ -n "$p" ] || { echo NA NA; return; }
	# shellcheck disable=SC2086
	"$BUILD/bench/fetch" 1 $PROC_METRICS >/dev/null || { echo NA NA; return; }
	for i in $(seq 1 "$1"); do
		c0=$(cpu_ns "$p")
		# shellcheck disable=SC2086
		"$BUILD/bench/fetch" 1 $PROC_METRICS >/dev/null
		c1=$(cpu_ns "$p")
		echo $((c1 - c0))
	done | sort -n | awk '{s += $1; if (NR == 1) b = $1} END {printf "%.1f %.1f\n", b / 1000, s / NR / 1000}'
}
# mirror_list: $TMP/files.t marked K (the running PMDA holds an fd of it) or
# O (it opens it per read), for floor mirror, into $TMP/files.m; prints the
# O count (with files of containers gone since the list was made), or
# nothing if the PMDA holds no cgroup file (just replaced)
mirror_list() {
	local p
	p=$(pid_of pmdacontainers)
	find "/proc/$p/fd" -type l -printf '%l\n' 2>/dev/null | grep '^/sys/fs/cgroup/' > "$TMP/held"
	[ -s "$TMP/held" ] || return
	awk -F '\t' 'FILENAME == held {kept[$0] = 1; next}
		{k = ($1 "/" $2) in kept ? "K" : "O"; if (k == "O") o++; print k "\t" $0 > out}
		END {print o + 0}' held="$TMP/held" out="$TMP/files.m" "$TMP/held" "$TMP/files.t"
}
# pair_ratio F: the PMDA's fetches and the mirrored floor's passes in turns
# (bench/pair), F of each: "PMDA_US FLOOR_US", or nothing if another
# client fetched meanwhile or the PMDA was replaced
pair_ratio() {
	local p n0 n1 out
	p=$(pid_of pmdacontainers)
	n0=$(ctl1 fetches)
	out=$("$BUILD/bench/pair" "$p" "$1" "$TMP/files.m" "${CMETRICS[@]}") || return
	n1=$(ctl1 fetches)
	[ "$(pid_of pmdacontainers)" = "$p" ] && [ "$n0" != NA ] && [ "$n1" != NA ] &&
		[ $((n1 - n0)) -eq $(($1 + 2)) ] || return
	awk '{printf "%.1f %.1f\n", $1 / 1000, $2 / 1000}' <<< "$out"
}
# minmax: "MIN-MAX" of the numbers on stdin
minmax() { sort -g | awk 'NR == 1 {a = $1} {b = $1} END {printf "%s-%s", a, b}'; }
num() { echo "${1#<}"; }	# the number in "<N"
floor_cost() {	# floor_cost MODE ITER FILES: CPU us per pass
	"$BUILD/bench/floor" "$1" "$2" < "$3" | awk '{printf "%.1f\n", $3 / 1000}'
}

read -r -a CMETRICS < <(pminfo container.cpu container.memory container.io container.pids 2>/dev/null | tr '\n' ' ')
[ ${#CMETRICS[@]} -gt 0 ] || { ensure_ours; read -r -a CMETRICS < <(pminfo container.cpu container.memory container.io container.pids | tr '\n' ' '); }
layout=$(sed -n 's/.*cgroup layout \([a-z0-9]*\),.*/\1/p' "$PCP_LOG_DIR/pmcd/containers.log" 2>/dev/null | tail -1)
echo "pcp-containers scale benchmark: $(nproc) cpus, Linux $(uname -r), ${layout:-?} cgroups," \
	"$(echo "$hiers" | wc -w) hierarchies read, RLIMIT_NOFILE $(ulimit -n)"
echo "medians of $ROUNDS rounds; each round alternates the PMDA and the floors"

# ------------------------------------------------------------------ N1
ensure_ours
note "making $N1 containers"
mkcgroups 1 "$N1"
wait_for "$N1"
"$BUILD/bench/fetch" 3 "${CMETRICS[@]}" >/dev/null	# readers made, fds kept
ctrs=$(ctl1 containers)
# lists: the files a full fetch reads now, for the floors (made again each
# round: the host's own containers come and go)
lists() {
	pminfo -f container.info.cgroup | sed -n 's/.* value "\(.*\)"$/\1/p' > "$TMP/cgroups"
	"$BUILD/bench/files" cpu,memory,io,pids < "$TMP/cgroups" > "$TMP/files"
	"$BUILD/bench/files" -t cpu,memory,io,pids < "$TMP/cgroups" > "$TMP/files.t"
}
lists
"$BUILD/bench/files" cpu.usage < "$TMP/cgroups" > "$TMP/files.usage"
nfiles=$(wc -l < "$TMP/files")
nusage=$(wc -l < "$TMP/files.usage")
note "measuring at $N1"
: > "$TMP/pmda"; : > "$TMP/kept"; : > "$TMP/cold"; : > "$TMP/dir"; : > "$TMP/path"
: > "$TMP/proc"; : > "$TMP/ratio"; : > "$TMP/usage"
: > "$TMP/mirror"; : > "$TMP/ratio.kept"; : > "$TMP/proc.mean"; : > "$TMP/ratio.proc"
: > "$TMP/ratio.procmean"; : > "$TMP/unkept"; : > "$TMP/ratio.pair"; : > "$TMP/pair.pmda"
: > "$TMP/pair.floor"
for r in $(seq 1 "$ROUNDS"); do
	[ "$r" -gt 1 ] && lists
	pmda_measure "$F" "${CMETRICS[@]}"
	read -r pb pm < <(proc_cost 3)
	nunkept=$(mirror_list) m=NA
	if [ -n "$nunkept" ]; then
		read -r m nunkept < <("$BUILD/bench/floor" mirror "$F" < "$TMP/files.m" |
			awk '{printf "%.1f %d\n", $3 / 1000, $4}')
	fi
	k=$(floor_cost kept "$F" "$TMP/files")
	if [ "$m" != NA ] && read -r pp pf < <(pair_ratio "$F"); then
		echo "$pp" >> "$TMP/pair.pmda"
		echo "$pf" >> "$TMP/pair.floor"
		calc "$pp / $pf" 3 >> "$TMP/ratio.pair"
	fi
	num "$COST" >> "$TMP/pmda"
	[ "$m" != NA ] && echo "$m" >> "$TMP/mirror" && echo "$nunkept" >> "$TMP/unkept"
	echo "$k" >> "$TMP/kept"
	echo "$pb" >> "$TMP/proc"
	echo "$pm" >> "$TMP/proc.mean"
	if [ "$COST" != NA ]; then
		[ "$m" != NA ] && calc "$(num "$COST") / $m" 3 >> "$TMP/ratio"
		calc "$(num "$COST") / $k" 3 >> "$TMP/ratio.kept"
		[ "$pb" != NA ] && calc "$pb / $(num "$COST")" 2 >> "$TMP/ratio.proc"
		[ "$pm" != NA ] && calc "$pm / $(num "$COST")" 2 >> "$TMP/ratio.procmean"
	fi
	rd1=$READS op1=$OPENS
	floor_cost cold 3 "$TMP/files" >> "$TMP/cold"
	floor_cost dir 3 "$TMP/files" >> "$TMP/dir"
	floor_cost path 3 "$TMP/files" >> "$TMP/path"
	pmda_measure "$F" container.cpu.usage
	num "$COST" >> "$TMP/usage"
	rdu=$READS
	[ -n "${BENCH_VERBOSE:-}" ] && note "round $r: pmda $(tail -1 "$TMP/pmda") (opened $op1)" \
		"mirror $m (O $nunkept) kept $k cold $(tail -1 "$TMP/cold") dir $(tail -1 "$TMP/dir")" \
		"path $(tail -1 "$TMP/path") pmdaproc $pb (mean $pm)" \
		"in turns: pmda $(tail -1 "$TMP/pair.pmda") floor $(tail -1 "$TMP/pair.floor")"
done

nfiles=$(wc -l < "$TMP/files")	# the last round's list
pmda_us=$(med < "$TMP/pmda"); kept_us=$(med < "$TMP/kept"); dir_us=$(med < "$TMP/dir")
path_us=$(med < "$TMP/path"); proc_us=$(med < "$TMP/proc"); ratio=$(med < "$TMP/ratio")
usage_us=$(med < "$TMP/usage"); cold_us=$(med < "$TMP/cold"); mirror_us=$(med < "$TMP/mirror")
procmean_us=$(med < "$TMP/proc.mean"); unkept=$(med < "$TMP/unkept")
per() { if [ "$1" = NA ]; then echo NA; else calc "$1 / $ctrs" 2; fi; }
echo
echo "== $N1 containers ($ctrs with the host's own), full fetch of container.{cpu,memory,io,pids}:"
echo "   ${#CMETRICS[@]} metrics; $nfiles cgroup files ($(calc "$nfiles / $ctrs" 1) a container)"
printf '%-58s %12s %12s\n' "" "us/fetch" "us/container"
printf '%-58s %12s %12s\n' "issue: PCP 6.0.3 pmdaproc cgroup.{cpuacct,memory,blkio}" - "200-240"
printf '%-58s %12s %12s\n' "issue: netdata cgroups.plugin, 4 files" - "44-51"
printf '%-58s %12s %12s\n' "issue: open/read/close by path, 8 accounting files" - "87"
printf '%-58s %12s %12s\n' "issue: openat from kept directory fds" - "68"
printf '%-58s %12s %12s\n' "issue: kept file fds + pread (memory.stat alone ~11)" - "28"
printf '%-58s %12s %12s\n' "issue: network RTM_GETSTATS per netns" - "4.8"
printf '%-58s %12s %12s\n' "this host: pmdaproc cgroup.{cpuacct,memory,blkio}, best" "$proc_us" "$(per "$proc_us")"
printf '%-58s %12s %12s\n' "this host: pmdaproc cgroup.{cpuacct,memory,blkio}, mean" "$procmean_us" "$(per "$procmean_us")"
printf '%-58s %12s %12s\n' "this host: floor, open/read/close by path (same files)" "$path_us" "$(per "$path_us")"
printf '%-58s %12s %12s\n' "this host: floor, openat from kept dir fds (same files)" "$dir_us" "$(per "$dir_us")"
printf '%-58s %12s %12s\n' "this host: floor, kept fds + pread (same files)" "$kept_us" "$(per "$kept_us")"
printf '%-58s %12s %12s\n' "this host: floor, kept fds + pread, caches flushed" "$cold_us" "$(per "$cold_us")"
printf '%-58s %12s %12s\n' "this host: floor, fds kept where the PMDA keeps them" "$mirror_us" "$(per "$mirror_us")"
printf '%-58s %12s %12s\n' "this host: pmdacontainers" "$pmda_us" "$(per "$pmda_us")"
printf '%-58s %12s %12s\n' "this host: pmdacontainers, container.cpu.usage alone" "$usage_us" "$(per "$usage_us")"
echo "   pmdacontainers / pread floor: ${ratio}x ($(minmax < "$TMP/ratio") over rounds; target <= 1.3)"
echo "      the floor keeping an fd where the PMDA keeps one: $unkept files opened per pass (fd budget)"
[ -s "$TMP/ratio.pair" ] && echo "   the same, a fetch and a pass in turns (bench/pair): $(med < "$TMP/ratio.pair")x" \
	"($(minmax < "$TMP/ratio.pair") over rounds; PMDA $(med < "$TMP/pair.pmda") us, floor $(med < "$TMP/pair.floor") us)"
echo "   pmdacontainers / pread floor, every fd kept: $(med < "$TMP/ratio.kept")x ($(minmax < "$TMP/ratio.kept"))"
echo "   pmdacontainers / pread floor with caches flushed between passes: $(calc "$pmda_us / $cold_us" 2)x"
[ "$proc_us" != NA ] && echo "   pmdaproc / pmdacontainers:    $(med < "$TMP/ratio.proc")x" \
	"($(minmax < "$TMP/ratio.proc") over rounds, pmdaproc's best fetch of 3 a round; target >= 5)"
[ "$proc_us" != NA ] && echo "   pmdaproc / pmdacontainers, pmdaproc's mean fetch: $(med < "$TMP/ratio.procmean")x" \
	"($(minmax < "$TMP/ratio.procmean"))"
# what pmdaproc answers: a cgroup of each hierarchy (the host's slices too)
# per instance; PCP 6.0.3 has been seen to read every file and answer no
# values for some of its metrics on a hybrid host
if [ "$proc_us" != NA ]; then
	# shellcheck disable=SC2086
	pv=$(for m in $PROC_METRICS; do echo "$m=$("$BUILD/bench/fetch" 1 "$m" | awk '{print $2}')"; done | tr '\n' ' ')
	echo "   values pmdaproc answers per metric: $pv"
fi
echo "   files read per full fetch: $rd1 (floor list: $nfiles), opened (no kept fd): $op1"
# the host's other containers come and go: list the files behind cpu.usage again
pminfo -f container.info.cgroup | sed -n 's/.* value "\(.*\)"$/\1/p' |
	"$BUILD/bench/files" cpu.usage > "$TMP/files.usage"
nusage2=$(wc -l < "$TMP/files.usage")
what="cpuacct.usage or cpu.stat only"
grep -q memory.stat "$TMP/files.usage" && what="MEMORY.STAT AMONG THEM"
echo "   files read per fetch of container.cpu.usage: $rdu; behind it: $nusage then, $nusage2 now ($what)"

# ------------------------------------------------------------------ N2
[ "$N2" -gt "$N1" ] || exit 0
note "making $((N2 - N1)) more containers"
mkcgroups $((N1 + 1)) "$N2"
ensure_ours
note "waiting for the PMDA to see them"
wait_for "$N2"
"$BUILD/bench/fetch" 3 "${CMETRICS[@]}" >/dev/null	# plan re-balanced, fds kept
note "measuring at $N2"
: > "$TMP/big"
for r in $(seq 1 $(( (ROUNDS + 1) / 2 ))); do
	pmda_measure 2 "${CMETRICS[@]}"
	num "$COST" >> "$TMP/big"
	rd2=$READS op2=$OPENS
done
big_us=$(med < "$TMP/big")
ctrs2=$(ctl1 containers)
values=$("$BUILD/bench/fetch" 1 container.cpu.usage | awk '{print $2}')
read -r fds kinds kinds_all < <(ctl fds fd_kinds_kept fd_kinds | tr '\n' ' ')
ensure_ours
rss=$(awk '/^VmRSS/ {print $2}' "/proc/$PMDA/status"); hwm=$(awk '/^VmHWM/ {print $2}' "/proc/$PMDA/status")
find "/proc/$PMDA/fd" -type l -printf '%l\n' 2>/dev/null | grep '^/sys/fs/cgroup/' > "$TMP/held"
cgfds=$(wc -l < "$TMP/held")
per_fd=$(shuf -n 5000 "$TMP/held" | "$BUILD/bench/kmem" 5 | awk '{print $3}')
kmem_mb=$(calc "$cgfds * $per_fd / 1048576" 1)
echo
echo "== $N2 containers ($ctrs2 with the host's own), full fetch of container.{cpu,memory,io,pids}:"
printf '   %-40s %s\n' "pmdacontainers CPU per fetch" "$big_us us ($(calc "$big_us / $ctrs2" 2) us a container)"
printf '   %-40s %s\n' "containers reported (cpu.usage values)" "$values"
nofile=$(awk '/^Max open files/ {print $4}' "/proc/$PMDA/limits")
printf '   %-40s %s\n' "fds held (all; cgroup files)" "$fds; $cgfds (fd limit $nofile, default budget $((nofile - 2048)))"
printf '   %-40s %s\n' "file kinds kept in every container" "$kinds of $kinds_all (the rest opened per read)"
printf '   %-40s %s\n' "files read / opened per fetch" "$rd2 / $op2"
printf '   %-40s %s\n' "VmRSS (peak)" "$(calc "$rss / 1024" 1) MB ($(calc "$hwm / 1024" 1) MB, with other clients' fetches; target <= 30)"
printf '   %-40s %s\n' "kernel memory held by kept cgroup fds" "$kmem_mb MB ($cgfds fds x $per_fd bytes, bench/kmem)"
grep -o '[^/]*$' "$TMP/held" | sort | uniq -c | sort -rn | awk '{printf "      %6d  %s\n", $1, $2}' | head -8

# ------------------------------------------------------------------ discovery
note "discovery"
# no change: a fetch that reads no cgroup file, and discovery's share of full fetches
read -r d0 n0 e0 < <(ctl discovery_time fetches events | tr '\n' ' ')
nc_us=$(pmda_cost 20 container.control.containers)
read -r d1 n1 e1 < <(ctl discovery_time fetches events | tr '\n' ' ')
nc_disc=$(calc "($d1 - $d0) / ($n1 - $n0) / 1000" 1)
nc_events=$((e1 - e0))
# NEW containers made: seen by the next fetch?
ensure_ours
read -r d0 e0 ps0 fs0 dw0 f0 < <(ctl discovery_time events partial_scans full_scans dirs_walked fetches | tr '\n' ' ')
before=$(ctl1 containers)
c0=$(cpu_ns "$PMDA")
t0=$(date +%s%N)
mkcgroups $((N2 + 1)) $((N2 + NEW))
seen=$(ctl1 containers)
t1=$(date +%s%N)
sleep 1
c1=$(cpu_ns "$PMDA")
read -r d1 e1 ps1 fs1 dw1 f1 < <(ctl discovery_time events partial_scans full_scans dirs_walked fetches | tr '\n' ' ')
# our fetches: before, seen, and this one; more are another client's, whose CPU is in c1 - c0
cpu_add="PMDA CPU $(calc "($c1 - $c0) / 1e6" 1) ms (mkdir to 1 s after)"
[ $((f1 - f0)) -gt 3 ] && cpu_add="PMDA CPU n/a: $((f1 - f0 - 3)) fetches by other clients meanwhile"
echo
echo "== discovery at $N2 containers"
printf '   %-40s %s\n' "no-change fetch (control metrics only)" "$nc_us us CPU; of it discovery $nc_disc us (inotify events meanwhile: $nc_events)"
printf '   %-40s %s\n' "$NEW containers made ($(echo "$hiers" | wc -w) hierarchies)" \
	"next fetch saw $((seen - before)) of $NEW (mkdir to fetch answered: $(calc "($t1 - $t0) / 1e6" 0) ms)"
printf '   %-40s %s\n' "  cost of noticing them" "inotify events $((e1 - e0)), partial scans $((ps1 - ps0)), full scans $((fs1 - fs0)), dirs read $((dw1 - dw0))"
printf '   %-40s %s\n' "" "discovery time $(calc "($d1 - $d0) / 1e6" 1) ms; $cpu_add"
read -r d0 e0 ps0 fs0 f0 < <(ctl discovery_time events partial_scans full_scans fetches | tr '\n' ' ')
c0=$(cpu_ns "$PMDA")
rmcgroups $((N2 + 1)) $((N2 + NEW))
gone=$(ctl1 containers)
sleep 1
c1=$(cpu_ns "$PMDA")
read -r d1 e1 ps1 fs1 f1 < <(ctl discovery_time events partial_scans full_scans fetches | tr '\n' ' ')
cpu_rm="PMDA CPU $(calc "($c1 - $c0) / 1e6" 1) ms"
[ $((f1 - f0)) -gt 2 ] && cpu_rm="PMDA CPU n/a: $((f1 - f0 - 2)) fetches by other clients meanwhile"
printf '   %-40s %s\n' "$NEW containers removed" "next fetch saw $((seen - gone)) of $NEW gone; events $((e1 - e0)), partial scans $((ps1 - ps0)), full scans $((fs1 - fs0))"
printf '   %-40s %s\n' "" "discovery time $(calc "($d1 - $d0) / 1e6" 1) ms; $cpu_rm"

# ------------------------------------------------------------------ namespaces at N2
# every container with a process in a network namespace of its own (lo
# only): each attached container holds a socket and a pidfd from the same
# fd budget as the kept cgroup files
if [ "${BENCH_NETNS:-1}" = 1 ] && [ -x "$BUILD/bench/netprocs" ]; then
	note "a network namespace in each of the $N2 containers"
	rel=()
	for h in $hiers; do rel+=("$h"); done
	for i in $(seq 1 "$N2"); do echo "$SLICE/$(cgname "$i")"; done |
		"$BUILD/bench/netprocs" 3600 "${rel[@]}" > "$TMP/netprocs" || die "bench/netprocs failed"
	NETPIDS=$TMP/netprocs
	ensure_ours
	NM=(container.net.in.bytes container.net.in.packets container.net.out.bytes container.net.out.packets)
	# attached at a fetch that wants them (an empty container is tried again
	# after up to 8 s): until every one has its lo.  Then both kinds of
	# fetch, as a client sampling both makes them: the pidfds go back to
	# the budget when it is short, and the plan balances again
	for _ in $(seq 1 60); do
		nlo=$("$BUILD/bench/fetch" 1 container.net.in.bytes >/dev/null; pminfo -f container.net.in.bytes | grep -c '::lo"')
		[ "$nlo" -ge "$N2" ] && break
		sleep 0.5
	done
	for _ in $(seq 1 $((N2 / 256 + 3))); do
		"$BUILD/bench/fetch" 1 "${CMETRICS[@]}" container.net.in.bytes >/dev/null
	done
	ensure_ours
	net_us=$(pmda_cost 5 "${NM[@]}")
	pmda_measure 2 "${CMETRICS[@]}"
	full_us=$(num "$COST") rd3=$READS op3=$OPENS
	read -r fds3 kinds3 kinds_all3 < <(ctl fds fd_kinds_kept fd_kinds | tr '\n' ' ')
	find "/proc/$PMDA/fd" -type l -printf '%l\n' 2>/dev/null > "$TMP/held3"
	socks=$(grep -c '^socket:' "$TMP/held3")
	pidfds=$(grep -c 'pidfd' "$TMP/held3")
	cg3=$(grep -c '^/sys/fs/cgroup/' "$TMP/held3")
	rss3=$(awk '/^VmRSS/ {print $2}' "/proc/$PMDA/status")
	echo
	echo "== $N2 containers, each with a network namespace of its own (lo only)"
	printf '   %-40s %s\n' "containers with network values (lo)" "$nlo of $N2"
	printf '   %-40s %s\n' "fetch of container.net.{in,out}.*" "$net_us us ($(calc "$net_us / $N2" 2) us a namespace)"
	printf '   %-40s %s\n' "fds held (all)" "$fds3: $socks sockets, $pidfds pidfds, $cg3 cgroup files (were $cgfds)"
	printf '   %-40s %s\n' "file kinds kept in every container" "$kinds3 of $kinds_all3 (were $kinds)"
	printf '   %-40s %s\n' "full fetch of container.{cpu,...}" "$full_us us (was $big_us); files read / opened $rd3 / $op3"
	printf '   %-40s %s\n' "VmRSS" "$(calc "$rss3 / 1024" 1) MB"
fi

echo
echo "us: CPU microseconds (/proc/PID/task/*/schedstat for daemons, CLOCK_PROCESS_CPUTIME_ID for floors)"
