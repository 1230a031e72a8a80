#!/bin/bash
# churn.sh - containers created and destroyed continuously while pmcd
# clients fetch container metrics at 10 Hz: pmdacontainers must not restart,
# its descriptors and RSS must stay flat, and no client may see one
# container's values under another's instance.
#
# Each container is a synthetic one (no runtime), in every cgroup hierarchy,
# in turn LXC   lxc.payload.<T>ch<RUN>_<seq>_k<K>[_n]
#         nspawn machine.slice/machine-<T>ch<RUN>_<seq>_k<K>[_n].scope
#         docker docker/<RUN><seq, 4 hex><50 zeros><N><K>
# where RUN is 8 random hex digits of this run and K (2..6) is the number of
# tasks it holds once complete: the init of its own pid namespace (which
# joins the cgroups itself, so nothing else is ever counted), K-1 sleeps or,
# with its own network namespace ("_n", N=1; every --net-every'th), a veth
# pair and a ping to the host side plus K-2 sleeps.  When all K tasks are in
# the init creates ready/<key> (key: the name, or the id); the driver removes
# it before it kills the init (which takes the namespace down with it).
# qa/src/churnclient checks every fetch against these names: see there.
#
# Usage:
#   churn.sh [--seconds N | --minutes N] [--rate PER_SEC] [--life SECS]
#            [--clients N] [--hz HZ] [--net-every K] [--warmup SECS]
#            [--rss-margin KB] [--fd-margin N] [--private-pmcd [--agent FILE]]
#   churn.sh down       remove what a killed run left behind
# Defaults: 60 seconds, 8 containers a second living 6 s on average (3-9),
# 3 clients at 10 Hz, every 4th container with its own network namespace,
# fds and RSS sampled after a warm-up of a quarter of the run (at most 60 s)
# and again at the end of the churn, before teardown.  The PMDA must already
# be installed in pmcd (make install; cd $PCP_PMDAS_DIR/containers; ./Install).
# --private-pmcd runs the clients against a pmcd of its own instead (unix
# socket and 127.0.0.1 only), with pmcd's own agent and a copy of the
# installed pmdacontainers named pmdachurn, its instance caches under
# $PCC_LAB/churn/pmcd: on a host whose pmcd others Install and Remove agents
# in, nothing of theirs restarts ours, and nothing of ours touches theirs.
# --agent FILE runs that binary there instead (build/pmdacontainers: the
# tree's own, whatever another tree installed meanwhile).
# Every 30 s a line "at Ns: ..." shows the PMDA's fds and VmRSS.
#
# Prints what it did and measured; the last line is "churn: PASS" or
# "churn: FAIL: reasons".  Exit status 0 on PASS.  Files are kept in
# $PCC_LAB/churn until the next run: clients' reports, the PMDA log lines
# of the run, containers.log (the containers' own errors), events (when
# each container was made and destroyed, microseconds).
#
# Environment: PCC_LAB, PCC_LAB_TAG, PCC_LAB_NET as for synthetic.sh;
# PCC_CHURN_CLIENT the churnclient binary (default build/qa/src/churnclient).
set -u
self=$(readlink -f "$0")
# shellcheck source=lib.sh
. "$(dirname "$self")/lib.sh"
unset PCC_MOUNTINFO
top=$(cd "$(dirname "$self")/../.." && pwd)

TAG=${PCC_LAB_TAG:-syn}
NET=${PCC_LAB_NET:-10.232}
ST=$PCC_LAB/churn
CLIENT=${PCC_CHURN_CLIENT:-$top/build/qa/src/churnclient}
PMDALOG=	# the agent's log (set once PCP's environment is read)

usage() {
	sed -n '/^# Usage:/,/^# Defaults:/p' "$self" | sed '$d; s/^# \{0,1\}//' >&2
	exit 2
}

# ------------------------------------------------------------ teardown
# kill_one PIDFILE REL: SIGKILL the init recorded in PIDFILE if it still
# runs in cgroup /REL (the kernel then kills its whole pid namespace)
kill_one() {
	local hp=
	[ -f "$1" ] && read -r hp <"$1"
	[ -n "$hp" ] && lab_pid_in_cgroup "$hp" "$2" && kill -KILL "$hp" 2>/dev/null
}

# down: everything $ST/created lists (lines "seq key pidfile veth rel dir..."),
# then the parents this driver made
down() {
	local seq key pidf veth rel dirs left=() d p
	[ -f "$ST/created" ] || return 0
	while read -r seq key pidf veth rel dirs; do
		kill_one "$pidf" "$rel"
	done <"$ST/created"
	for _ in $(seq 1 50); do
		left=()
		while read -r seq key pidf veth rel dirs; do
			for d in $dirs; do
				[ -d "$d" ] || continue
				# whatever is left in a cgroup we made is ours
				while read -r p; do kill -KILL "$p" 2>/dev/null; done <"$d/cgroup.procs"
				rmdir "$d" 2>/dev/null || left+=("$d")
			done
			[ "$veth" != - ] && ip link show "$veth" >/dev/null 2>&1 && ip link del "$veth"
		done <"$ST/created"
		[ ${#left[@]} -eq 0 ] && break
		sleep 0.1
	done
	if [ -f "$ST/parents" ]; then
		sort -ru "$ST/parents" | while read -r d; do rmdir "$d" 2>/dev/null; done
		rm -f "$ST/parents"
	fi
	if [ ${#left[@]} -gt 0 ]; then
		lab_log "WARNING: not removed (run 'churn.sh down' again): ${left[*]}"
		return 1
	fi
	rm -f "$ST/created"
	rm -rf "$ST/ready" "$ST/pid"
}

# ------------------------------------------------------------ containers
# The init of each container: pid 1 of its own pid namespace.
# shellcheck disable=SC2016
INNER='for p in $PCC_PROCS; do echo 0 >"$p" || exit 1; done
read -r hp _ </proc/self/stat
echo "$hp" >"$PCC_PIDF"
n=$((PCC_K - 1))
if [ "$PCC_NET" = 1 ]; then
	i=0
	while ! busybox ip link show eth0 >/dev/null 2>&1; do
		i=$((i + 1)); [ $i -gt 200 ] && exit 1; busybox sleep 0.02
	done
	busybox ip link set lo up
	busybox ip addr add "$PCC_ADDR" dev eth0
	busybox ip link set eth0 up
	busybox ping -q -i 0.2 "$PCC_PEER" >/dev/null 2>&1 &
	n=$((n - 1))
fi
while [ $n -gt 0 ]; do busybox sleep 1000000 & n=$((n - 1)); done
: >"$PCC_READY"
exec busybox sleep 1000000'

close_fds() {
	local fd
	for fd in /proc/self/fd/*; do
		fd=${fd##*/}
		[ "$fd" -gt 2 ] && eval "exec $fd>&-" 2>/dev/null
	done
	return 0
}

now_us() { echo "${EPOCHREALTIME/./}"; }

declare -A C_REL=() C_KEY=() C_PIDF=() C_DIRS=() C_DEAD=()
LIVE=()		# seqs of running containers
DYING=()	# seqs killed, cgroups not yet removed
SEQ=0
start_fds=0 start_other=0 start_rss=0 start_n=0 end_fds=0 end_other=0 end_rss=0 end_n=0
NCREATED=0
NDESTROYED=0
NFAILED=0

# create: the next container; returns 1 if it could not be made
create() {
	local seq k style net=0 name key rel h dirs=() procs="" veth=- addr="" peer=""
	local idx hp="" i cpus mems parent
	SEQ=$((SEQ + 1))
	seq=$SEQ
	k=$((2 + seq % 5))
	style=$((seq % 3))
	[ "$NET_EVERY" -gt 0 ] && [ $((seq % NET_EVERY)) = 0 ] && net=1
	name=${TAG}ch${RUN}_${seq}_k$k
	[ $net = 1 ] && name=${name}_n
	key=$name
	case $style in
	0)	rel=lxc.payload.$name ;;
	1)	rel=machine.slice/machine-$name.scope ;;
	2)	key=$(printf '%s%04x%050d%d%x' "$RUN" $((seq & 0xffff)) 0 $net $k)
		rel=docker/$key ;;
	esac
	for h in "${HIER[@]}"; do
		dirs+=("$h/$rel")
		procs="$procs $h/$rel/cgroup.procs"
	done
	if [ $net = 1 ]; then
		veth=pc${TAG}k$((seq % 100000))
		idx=$((seq % 4096))
		addr=$NET.$((128 + idx / 64)).$((idx % 64 * 4 + 2))/30
		peer=$NET.$((128 + idx / 64)).$((idx % 64 * 4 + 1))
	fi
	echo "$seq $key $ST/pid/$seq $veth $rel ${dirs[*]}" >>"$ST/created"
	mkdir "${dirs[@]}" 2>>"$ST/containers.log" || return 1
	if [ -n "$CPUSET" ]; then	# a v1 cpuset starts empty: the parent's
		parent=${rel%/*}
		[ "$parent" = "$rel" ] && parent=
		read -r cpus <"$CPUSET/$parent/cpuset.cpus"
		read -r mems <"$CPUSET/$parent/cpuset.mems"
		echo "$cpus" >"$CPUSET/$rel/cpuset.cpus" && echo "$mems" >"$CPUSET/$rel/cpuset.mems" ||
			return 1
	fi
	(
		close_fds
		export PCC_PROCS=$procs PCC_K=$k PCC_NET=$net PCC_READY=$ST/ready/$key \
			PCC_PIDF=$ST/pid/$seq PCC_ADDR=$addr PCC_PEER=$peer
		if [ $net = 1 ]; then
			exec unshare --pid --net --fork sh -c "$INNER"
		else
			exec unshare --pid --fork sh -c "$INNER"
		fi
	) </dev/null >/dev/null 2>>"$ST/containers.log" &
	C_REL[$seq]=$rel
	C_KEY[$seq]=$key
	C_PIDF[$seq]=$ST/pid/$seq
	C_DIRS[$seq]=${dirs[*]}
	C_DEAD[$seq]=$(($(now_us) + (LIFE * 500 + RANDOM % (LIFE * 1000 + 1)) * 1000))
	LIVE+=("$seq")
	NCREATED=$((NCREATED + 1))
	echo "$(now_us) create $seq $key" >>"$ST/events"
	[ $net = 1 ] || return 0
	for i in $(seq 1 250); do
		[ -s "$ST/pid/$seq" ] && read -r hp <"$ST/pid/$seq" && [ -n "$hp" ] && break
		sleep 0.02
	done
	[ -n "$hp" ] || return 1
	ip -b - >>"$ST/containers.log" 2>&1 <<-END || return 1
		link add $veth type veth peer name eth0 netns $hp
		addr add $peer/30 dev $veth
		link set $veth up
	END
}

# destroy SEQ: unmark it, kill it; its cgroups go later (reap)
destroy() {
	local seq=$1
	rm -f "$ST/ready/${C_KEY[$seq]}"
	echo "$(now_us) destroy $seq $([ -s "${C_PIDF[$seq]}" ] && echo init || echo noinit)" >>"$ST/events"
	kill_one "${C_PIDF[$seq]}" "${C_REL[$seq]}"
	DYING+=("$seq")
	NDESTROYED=$((NDESTROYED + 1))
}

# reap: remove the cgroups of killed containers whose tasks are gone; kill
# again what is still in them (an init that had not joined them yet)
reap() {
	local seq d p left=() keep
	for seq in "${DYING[@]}"; do
		keep=0
		for d in ${C_DIRS[$seq]}; do
			[ -d "$d" ] || continue
			rmdir "$d" 2>/dev/null && continue
			keep=1
			while read -r p; do kill -KILL "$p" 2>/dev/null; done <"$d/cgroup.procs"
		done
		if [ $keep = 1 ]; then
			# an init that had not written its pid when destroy came
			# may have made its ready file since
			rm -f "$ST/ready/${C_KEY[$seq]}"
			kill_one "${C_PIDF[$seq]}" "${C_REL[$seq]}"
			left+=("$seq")
		else
			rm -f "${C_PIDF[$seq]}"
			unset "C_REL[$seq]" "C_KEY[$seq]" "C_PIDF[$seq]" "C_DIRS[$seq]" \
				"C_DEAD[$seq]"
		fi
	done
	DYING=("${left[@]}")
}

# expire NOW: destroy every live container past its deadline; one still
# starting gets 5 s more to complete first (so no ready/ file can appear
# after destroy removed it)
expire() {
	local seq live=()
	for seq in "${LIVE[@]}"; do
		if [ "${C_DEAD[$seq]}" -le "$1" ] &&
			{ [ -e "$ST/ready/${C_KEY[$seq]}" ] || [ $(($1 - C_DEAD[$seq])) -gt 5000000 ]; }; then
			destroy "$seq"
		else
			live+=("$seq")
		fi
	done
	LIVE=("${live[@]}")
}

# ------------------------------------------------------------ the PMDA
# private_pmcd: start our own pmcd (see the header); sets PMCD, PCP_HOST
# and PMDALOG
private_pmcd() {
	local d=$ST/pmcd i port _
	rm -rf "$d"
	mkdir -p "$d/var/config/pmda/containers"
	if ! { cp "$PCP_VAR_DIR/pmns/root_pmcd" "$d/root_pmcd" &&
		cp "$PCP_PMDAS_DIR/containers/pmns" "$d/pmns" &&
		cp "$PCP_PMDAS_DIR/containers/root" "$d/ctr_root" &&
		(cd "$d" && "$PCP_BINADM_DIR/pmnsmerge" root_pmcd ctr_root root >/dev/null); }; then
		lab_die "cannot make a PMNS for the private pmcd"
	fi
	# under a name of its own: pmdaproc.sh's Install and Remove signal every
	# process called pmdacontainers, ours too
	cp "${AGENT:-$PCP_PMDAS_DIR/containers/pmdacontainers}" "$d/pmdachurn" ||
		lab_die "cannot copy the agent"
	for i in 0 1 2; do echo "2 0 2147483647" >"$d/var/config/pmda/171.$i"; done
	: >"$d/var/config/pmda/171.names"
	printf '%s\t2\tdso\tpmcd_init\t%s\n%s\t171\tpipe\tbinary\t%s -d 171 -l %s\n%s\n' \
		pmcd "$PCP_PMDAS_DIR/pmcd/pmda_pmcd.so" containers \
		"$d/pmdachurn" "$d/containers.log" \
		'[access]
allow "local:*" : all;
disallow ":*" : all;' >"$d/pmcd.conf"
	for _ in 1 2 3; do
		port=$((45000 + RANDOM % 1000))
		PCP_VAR_DIR=$d/var "$PCP_BINADM_DIR/pmcd" -f -A -U root -i 127.0.0.1 -p "$port" \
			-s "$d/pmcd.socket" -c "$d/pmcd.conf" -n "$d/root" -l "$d/pmcd.log" \
			-x "$d/fatal" </dev/null >/dev/null 2>&1 &
		PMCD=$!
		export PCP_HOST=local:$d/pmcd.socket
		for i in $(seq 1 50); do
			[ "$(pmprobe -v pmcd.pid 2>/dev/null | awk '{print $3}')" = "$PMCD" ] &&
				break 2
			kill -0 "$PMCD" 2>/dev/null || break
			sleep 0.2
		done
		kill "$PMCD" 2>/dev/null
		PMCD=
	done
	[ -n "$PMCD" ] || lab_die "the private pmcd does not start (see $d/pmcd.log)"
	PMDALOG=$d/containers.log
}

# pmda_pid: the pmdacontainers pmcd started (parent pmcd or pmdaroot; with
# a private pmcd, its child); an agent just replaced may take seconds to
# exit (an ASan one checks for leaks): wait (15 s at most) until there is one
pmda_pid() {
	local p pp found=() _
	for _ in $(seq 1 30); do
		found=()
		if [ -n "$PMCD" ]; then
			mapfile -t found < <(pgrep -x -P "$PMCD" pmdachurn)
			[ ${#found[@]} -le 1 ] && break
			sleep 0.5
			continue
		fi
		for p in $(pgrep -x pmdacontainers); do
			pp=$(awk '/^PPid:/ {print $2}' "/proc/$p/status" 2>/dev/null)
			# not another churn's private pmcd
			tr '\0' ' ' <"/proc/$pp/cmdline" 2>/dev/null | grep -q '/churn/pmcd/' && continue
			case $(cat "/proc/$pp/comm" 2>/dev/null) in pmcd|pmdaroot) found+=("$p") ;; esac
		done
		[ ${#found[@]} -le 1 ] && break
		sleep 0.5
	done
	[ ${#found[@]} -ge 1 ] || return 1
	echo "${found[-1]}"
}

# sample NAME: the PMDA's fds, the part of them its readers hold for
# containers (container.control.fds: cgroup files, namespace sockets), the
# rest (NAME_other: directories, inotify, pmcd's pipe, the log; a leak
# shows here), VmRSS (kB) and containers known now, as NAME_fds etc.  The
# fds change with every fetch: of three tries, the one with the fewest
# others whose held count did not move while the fds were counted
sample() {
	local fds rss n h1 h2 best='' bfds='' bheld='' _
	for _ in 1 2 3; do
		h1=$(pmprobe -v container.control.fds 2>/dev/null | awk '{print $3}')
		fds=$(find "/proc/$PMDA/fd" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l)
		h2=$(pmprobe -v container.control.fds 2>/dev/null | awk '{print $3}')
		if [ -n "$h1" ] && [ "$h1" = "$h2" ] && [ "$fds" -gt 0 ] &&
			{ [ -z "$best" ] || [ $((fds - h1)) -lt "$best" ]; }; then
			best=$((fds - h1)) bfds=$fds bheld=$h1
		fi
		sleep 0.3
	done
	rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$PMDA/status" 2>/dev/null)
	n=$(pmprobe -v container.control.containers 2>/dev/null | awk '{print $3}')
	printf -v "${1}_fds" '%s' "${bfds:-0}"
	printf -v "${1}_other" '%s' "${best:-0}"
	printf -v "${1}_rss" '%s' "${rss:-0}"
	printf -v "${1}_n" '%s' "${n:-?}"
	echo "$1: PMDA fds ${bfds:-?} (${bheld:-?} held for containers, ${best:-?} other)," \
		"VmRSS ${rss:-?} kB, containers known ${n:-?}, ours live ${#LIVE[@]}"
}

# note WHEN: a progress line, fds and VmRSS of the PMDA now
note() {
	echo "$1: PMDA fds $(find "/proc/$PMDA/fd" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l)," \
		"VmRSS $(awk '/^VmRSS:/ {print $2}' "/proc/$PMDA/status" 2>/dev/null) kB," \
		"$NCREATED created, ${#LIVE[@]} live"
}

# ------------------------------------------------------------ main
SECS=60 RATE=8 LIFE=6 CLIENTS=3 HZ=10 NET_EVERY=4 WARMUP="" RSS_MARGIN=2048 FD_MARGIN=8
PRIVATE=0 PMCD='' AGENT=''
[ "${1:-}" = down ] && { lab_require_root; down; exit; }
while [ $# -gt 0 ]; do
	case $1 in
	--seconds)	SECS=${2:-}; shift ;;
	--minutes)	SECS=$((${2:-0} * 60)); shift ;;
	--rate)		RATE=${2:-}; shift ;;
	--life)		LIFE=${2:-}; shift ;;
	--clients)	CLIENTS=${2:-}; shift ;;
	--hz)		HZ=${2:-}; shift ;;
	--net-every)	NET_EVERY=${2:-}; shift ;;
	--warmup)	WARMUP=${2:-}; shift ;;
	--rss-margin)	RSS_MARGIN=${2:-}; shift ;;
	--fd-margin)	FD_MARGIN=${2:-}; shift ;;
	--private-pmcd)	PRIVATE=1 ;;
	--agent)	AGENT=$(readlink -f "${2:-}"); shift ;;
	*)		usage ;;
	esac
	shift
done
for v in SECS RATE LIFE CLIENTS NET_EVERY RSS_MARGIN FD_MARGIN; do
	[[ ${!v} =~ ^[0-9]+$ ]] || usage
done
[[ $HZ =~ ^[0-9.]+$ ]] || usage
{ [ "$RATE" -ge 1 ] && [ "$LIFE" -ge 1 ] && [ "$SECS" -ge 10 ]; } || usage
[ -n "$WARMUP" ] || WARMUP=$((SECS / 4 > 60 ? 60 : SECS / 4))
[[ $TAG =~ ^[a-z0-9]{1,6}$ ]] || lab_die "PCC_LAB_TAG must be 1-6 of [a-z0-9]: '$TAG'"
lab_require_root
for c in unshare busybox ip pmprobe pgrep; do
	command -v $c >/dev/null || lab_die "no $c command"
done
[ -x "$CLIENT" ] || lab_die "$CLIENT not built (make)"
[ "$(lab_cg_layout)" = none ] && lab_die "no cgroup filesystem mounted"
if [ -f "${PCP_DIR:-}/etc/pcp.env" ]; then	# pcp.env does not survive set -u
	set +u
	# shellcheck disable=SC1091
	. "${PCP_DIR:-}/etc/pcp.env"
	set -u
fi
[ $PRIVATE = 0 ] || [ -x "${AGENT:-$PCP_PMDAS_DIR/containers/pmdacontainers}" ] ||
	lab_die "${AGENT:-$PCP_PMDAS_DIR/containers/pmdacontainers} not there (make install)"
[ -z "$AGENT" ] || [ $PRIVATE = 1 ] || lab_die "--agent goes with --private-pmcd"
[ $PRIVATE = 1 ] || PMDA=$(pmda_pid) ||
	lab_die "pmdacontainers is not running under pmcd (Install it first)"
PMDALOG=${PCP_LOG_DIR:-/var/log/pcp}/pmcd/containers.log

pids=()
cleanup() {
	[ ${#pids[@]} -gt 0 ] && kill "${pids[@]}" 2>/dev/null
	if [ -n "$PMCD" ]; then
		kill "$PMCD" 2>/dev/null
		wait "$PMCD" 2>/dev/null
	fi
	down
}
mkdir -p "$ST"
exec 8>"$PCC_LAB/churn.lock"
flock -n 8 || lab_die "another churn.sh holds $PCC_LAB/churn.lock"
down || lab_die "leftovers of an earlier run could not be removed"
trap cleanup EXIT
trap 'exit 1' HUP INT QUIT TERM
if [ $PRIVATE = 1 ]; then
	private_pmcd
	PMDA=$(pmda_pid) || lab_die "no pmdacontainers under the private pmcd (see $ST/pmcd)"
fi
ASAN=0
grep -q libasan "/proc/$PMDA/maps" 2>/dev/null && ASAN=1
rm -rf "$ST/ready" "$ST/pid" "$ST"/client.* "$ST/containers.log" "$ST/pmda.log" "$ST/events"
mkdir -p "$ST/ready" "$ST/pid"
RUN=$(printf '%04x%04x' $((RANDOM ^ $$ & 0xffff)) $RANDOM)
HIER=()
while IFS= read -r h; do HIER+=("$h"); done < <(lab_cg_hierarchies)
CPUSET=$(lab_cg_ctrl_mount cpuset)
PIDSMNT=$(lab_cg_ctrl_mount pids)
[ -n "$PIDSMNT" ] || PIDSMNT=$(lab_cg_v2_mount)
for h in "${HIER[@]}"; do
	for p in machine.slice docker; do
		[ -d "$h/$p" ] && continue
		mkdir "$h/$p" || lab_die "cannot create $h/$p"
		echo "$h/$p" >>"$ST/parents"
		if [ "$h" = "$CPUSET" ]; then
			cat "$h/cpuset.cpus" >"$h/$p/cpuset.cpus"
			cat "$h/cpuset.mems" >"$h/$p/cpuset.mems"
		fi
	done
done
if [ "$(lab_cg_layout)" = v2 ] && [ -f "$ST/parents" ]; then	# controllers for our children
	while read -r p; do
		read -r -a ctrls <"$p/cgroup.controllers"
		for c in "${ctrls[@]}"; do echo "+$c" >"$p/cgroup.subtree_control" 2>/dev/null; done
	done <"$ST/parents"
fi

logstart=$(stat -c %s "$PMDALOG" 2>/dev/null || echo 0)
lab_log "run $RUN: ${SECS}s, $RATE/s living ${LIFE}s on average, every ${NET_EVERY}th with a netns," \
	"$CLIENTS clients at ${HZ} Hz, PMDA pid $PMDA, ${#HIER[@]} hierarchies"
for i in $(seq 1 "$CLIENTS"); do
	"$CLIENT" -z "$HZ" -t "$SECS" -p "$PIDSMNT" "$RUN" "$ST/ready" >"$ST/client.$i.out" \
		2>"$ST/client.$i.err" &
	pids+=($!)
done

t0=$(now_us)
tend=$((t0 + SECS * 1000000))
twarm=$((t0 + WARMUP * 1000000))
tnote=$((t0 + 30000000))
period=$((1000000 / RATE))
next=$t0
warm=0
while :; do
	now=$(now_us)
	[ "$now" -ge "$tend" ] && break
	while [ "$next" -le "$now" ]; do
		create || NFAILED=$((NFAILED + 1))
		next=$((next + period))
	done
	expire "$now"
	reap
	if [ $warm = 0 ] && [ "$now" -ge "$twarm" ]; then
		sample start
		warm=1
	fi
	if [ "$now" -ge "$tnote" ]; then
		note "at $(((now - t0) / 1000000))s"
		tnote=$((tnote + 30000000))
	fi
	now=$(now_us)
	if [ "$next" -gt "$now" ]; then
		printf -v nap '0.%06d' $(((next - now) % 1000000))
		sleep "$nap"
	fi
done
sample end
wait "${pids[@]}"
pids=()
# stop the churn: everything still running goes
for seq in "${LIVE[@]}"; do destroy "$seq"; done
LIVE=()
for _ in $(seq 1 50); do reap; [ ${#DYING[@]} = 0 ] && break; sleep 0.1; done
down

# ------------------------------------------------------------ verdict
fail=()
for i in $(seq 1 "$CLIENTS"); do
	echo "client $i: $(cat "$ST/client.$i.out")"
	[ -s "$ST/client.$i.err" ] && sed 's/^/  /' "$ST/client.$i.err" | head -20
done
read -r fetches errors viol ours exact < <(cat "$ST"/client.*.out |
	awk '{ f += $2; e += $4; v += $NF; o += $8; x += $10 } END { print f + 0, e + 0, v + 0, o + 0, x + 0 }')
echo "containers: $NCREATED created, $NDESTROYED destroyed, $NFAILED failed to start," \
	"$((NCREATED * 60 / SECS)) a minute"
echo "fetches: $fetches ($errors errors), values of ours checked $ours ($exact exact pids.current)," \
	"misattributions $viol"
now=$(pmda_pid)
if [ "$now" = "$PMDA" ]; then
	echo "PMDA: same pid throughout"
else
	echo "PMDA: pid $PMDA at the start, ${now:-none} now"
	fail+=("PMDA restarted")
fi
echo "fds: start $start_fds ($start_other not for containers), end $end_fds ($end_other);" \
	"VmRSS: start $start_rss kB, end $end_rss kB (containers known: start $start_n, end $end_n)"
tail -c +"$((logstart + 1))" "$PMDALOG" 2>/dev/null >"$ST/pmda.log"
nlog=$(grep -cE 'Warning|Error|error' "$ST/pmda.log")
echo "PMDA log: $(wc -l <"$ST/pmda.log") lines during the run, $nlog warnings or errors"
[ "$nlog" = 0 ] || { grep -E 'Warning|Error|error' "$ST/pmda.log" | head -10; fail+=("PMDA logged $nlog problems"); }
[ "$viol" = 0 ] || fail+=("$viol misattributions")
[ "$errors" = 0 ] || fail+=("$errors fetch errors")
[ "$ours" -gt 0 ] && [ "$exact" -gt 0 ] || fail+=("no values of ours were checked")
[ "$NFAILED" = 0 ] || fail+=("$NFAILED containers failed to start (see $ST/containers.log)")
[ "$start_fds" -gt 0 ] && [ "$end_fds" -gt 0 ] || fail+=("no fd count of the PMDA")
[ $((end_other - start_other)) -le "$FD_MARGIN" ] ||
	fail+=("fds not held for containers grew by $((end_other - start_other))")
if [ "$ASAN" = 1 ]; then
	echo "VmRSS not checked: an ASan build (its quarantine holds freed memory)"
else
	[ $((end_rss - start_rss)) -le "$RSS_MARGIN" ] || fail+=("VmRSS grew by $((end_rss - start_rss)) kB")
fi
if [ ${#fail[@]} = 0 ]; then
	echo "churn: PASS"
else
	printf 'churn: FAIL: %s\n' "$(IFS=';'; echo "${fail[*]}")"
	exit 1
fi
