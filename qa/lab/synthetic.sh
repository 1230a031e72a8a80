#!/bin/bash
# synthetic.sh - containers without a container runtime, for pmdacontainers QA.
#
# For each naming STYLE this creates the cgroup an engine would create, in
# every v1 hierarchy and in cgroup2 (unless --no-unified), and starts in it
#	unshare [--net] --uts --pid --fork --mount-proc sh -c '...; exec sleep infinity'
# The launcher shell joins the cgroups before it execs unshare, so the whole
# tree is born (and memory-charged) inside them.  A container with its own
# netns gets a veth pair (host side $PCC_LAB_NET.<i>.1/30, inside eth0
# .<i>.2/30) and pings the host side and its own loopback every 0.5 s, so
# per-netns counters move.  Nothing is routed anywhere.
#
# Styles (default: the first eight):
#   docker          docker/<id>
#   docker-systemd  system.slice/docker-<id>.scope
#   podman          libpod_parent/libpod-<id>
#   podman-systemd  machine.slice/libpod-<id>.scope
#   kube            kubepods/besteffort/pod<uid>/<id>
#   kube-systemd    kubepods.slice/kubepods-burstable.slice/
#                     kubepods-burstable-pod<uid with _>.slice/cri-containerd-<id>.scope
#   lxc             lxc.payload.<tag>-lxc
#   nspawn          machine.slice/machine-<tag>\x2dnspawn.scope
#   hostnet         docker/<id> without a network namespace   (--host-net)
#   kube-sibling    kubepods/besteffort/pod<uid of kube>/<id>, in kube's
#                   netns, as a second container of the pod  (--pod-sibling)
#   none            no style at all (for --count alone)
# --count N adds N cheap docker-style containers scale-1..N: cgroup
# docker/<id> and one `sleep` each, no namespaces, no veth.
#
# Everything is deterministic: <id> = sha256("pcc-<tag>-<style>") (style
# "scale-<k>" for the scale containers), <uid> = md5("pcc-<tag>-pod-<style>")
# as a UUID.  `describe` prints them without root and without creating
# anything, so tests can predict instance names and paths.
#
# Usage:
#   synthetic.sh up [--no-unified] [--lo-only] [--host-net] [--pod-sibling]
#                   [--count N] [STYLE...]
#   synthetic.sh down       stop and remove what this state dir created
#                           (only that; safe to call twice)
#   synthetic.sh status     human-readable state
#   synthetic.sh list       one line per container started:
#                           style engine id inst pid netns cgroup
#                           (netns: own, host, or the style whose netns it shares)
#   synthetic.sh describe [STYLE...]   style engine id inst cgroup
#
# Environment:
#   PCC_LAB      state directory (default /tmp/pcc-lab)
#   PCC_LAB_TAG  1-6 of [a-z0-9] (default syn), mixed into ids, names and
#                veth names: labs with different tags and state dirs can
#                run side by side (QA uses "qa")
#   PCC_LAB_NET  first two octets of the veth subnets (default 10.232)
set -u
# shellcheck source=lib.sh
. "$(dirname "$(readlink -f "$0")")/lib.sh"
unset PCC_MOUNTINFO	# fixtures are for QA readers, never for creating cgroups

TAG=${PCC_LAB_TAG:-syn}
NET=${PCC_LAB_NET:-10.232}
SYN=$PCC_LAB/synthetic
STYLES=(docker docker-systemd podman podman-systemd kube kube-systemd lxc nspawn)
EXTRAS=(hostnet kube-sibling)

[[ $TAG =~ ^[a-z0-9]{1,6}$ ]] || lab_die "PCC_LAB_TAG must be 1-6 of [a-z0-9]: '$TAG'"
[[ $NET =~ ^[0-9]{1,3}\.[0-9]{1,3}$ ]] || lab_die "PCC_LAB_NET must look like 10.232: '$NET'"

# ------------------------------------------------------------ naming
style_id() {	# style_id STYLE -> 64 hex
	local h
	h=$(printf 'pcc-%s-%s' "$TAG" "$1" | sha256sum)
	echo "${h%% *}"
}

style_uid() {	# style_uid STYLE -> pod UUID
	local h
	h=$(printf 'pcc-%s-pod-%s' "$TAG" "$1" | md5sum)
	echo "${h:0:8}-${h:8:4}-${h:12:4}-${h:16:4}-${h:20:12}"
}

style_index() {	# fixed per style: stable veth names and subnets
	local i=0 s
	for s in "${STYLES[@]}" "${EXTRAS[@]}"; do
		i=$((i + 1))
		[ "$s" = "$1" ] && { echo $i; return 0; }
	done
	return 1
}

# describe_one STYLE -> "style engine id inst cgroup" (id "-" if none)
describe_one() {
	local s=$1 id uid eng rel inst
	id=$(style_id "$s")
	inst=${id:0:12}
	case $s in
	docker|hostnet|scale-[0-9]*)
			eng=docker; rel=docker/$id ;;
	docker-systemd)	eng=docker; rel=system.slice/docker-$id.scope ;;
	podman)		eng=podman; rel=libpod_parent/libpod-$id ;;
	podman-systemd)	eng=podman; rel=machine.slice/libpod-$id.scope ;;
	kube)		eng=kubernetes
			rel=kubepods/besteffort/pod$(style_uid kube)/$id ;;
	kube-sibling)	eng=kubernetes
			rel=kubepods/besteffort/pod$(style_uid kube)/$id ;;
	kube-systemd)	eng=containerd
			uid=$(style_uid "$s")
			rel=kubepods.slice/kubepods-burstable.slice
			rel=$rel/kubepods-burstable-pod${uid//-/_}.slice
			rel=$rel/cri-containerd-$id.scope ;;
	lxc)		eng=lxc; id=-; inst=$TAG-lxc; rel=lxc.payload.$inst ;;
	nspawn)		eng=nspawn; id=-; inst=$TAG-nspawn
			rel="machine.slice/machine-$TAG\\x2dnspawn.scope" ;;
	*)		return 1 ;;
	esac
	echo "$s $eng $id $inst $rel"
}

# ------------------------------------------------------------ cgroups
declare -A CREATED=()	# absolute dirs this state dir created
load_created() {
	local d
	[ -f "$SYN/created-dirs" ] || return 0
	while IFS= read -r d; do CREATED[$d]=1; done <"$SYN/created-dirs"
}

record_dir() {
	CREATED[$1]=1
	printf '%s\n' "$1" >>"$SYN/created-dirs"
}

# init_dir DIR: what a new cgroup needs before it can take processes
init_dir() {
	local d=$1
	if [ -f "$d/cpuset.cpus" ]; then	# v1 cpuset starts empty
		cat "${d%/*}/cpuset.cpus" >"$d/cpuset.cpus"
		cat "${d%/*}/cpuset.mems" >"$d/cpuset.mems"
	fi
}

# enable_v2_ctrls DIR: on a pure v2 host, give the children of a cgroup we
# created the controllers it has (never done on cgroups we did not create)
enable_v2_ctrls() {
	local d=$1 c ctrls=()
	[ "$LAYOUT" = v2 ] && [ -n "${CREATED[$d]:-}" ] || return 0
	read -r -a ctrls <"$d/cgroup.controllers"
	for c in "${ctrls[@]}"; do
		echo "+$c" >"$d/cgroup.subtree_control" 2>/dev/null
	done
}

# mkdirs MOUNT REL: create MOUNT/REL level by level, recording each dir
# made; levels that exist (ours, another lab's, a real engine's) are used
mkdirs() {
	local cur=$1 part parts
	IFS=/ read -r -a parts <<<"$2"
	for part in "${parts[@]}"; do
		if [ ! -d "$cur/$part" ]; then
			enable_v2_ctrls "$cur"
			mkdir "$cur/$part" || return 1
			record_dir "$cur/$part"
			init_dir "$cur/$part"
		fi
		cur=$cur/$part
	done
}

# mkcg MOUNT REL: mkdirs for a container's own cgroup, which must be ours:
# fails if the leaf exists but this lab did not create it
mkcg() {
	if [ -d "$1/$2" ] && [ -z "${CREATED[$1/$2]:-}" ]; then
		lab_log "$1/$2 exists and was not created by this lab ($SYN);"
		lab_log "another lab with tag $TAG or a real engine owns it (see PCC_LAB_TAG)"
		return 1
	fi
	mkdirs "$1" "$2"
}

# ------------------------------------------------------------ up
# close_fds: in a subshell that is about to exec something long-lived,
# close every fd but 0-2, so the containers hold neither our lock (flock
# locks belong to the open file) nor a caller's pipe ($(synthetic.sh up)
# would otherwise wait for them to exit)
close_fds() {
	local fd
	for fd in /proc/self/fd/*; do
		fd=${fd##*/}
		[ "$fd" -gt 2 ] && eval "exec $fd>&-" 2>/dev/null
	done
	return 0
}

# The container's init (PID 1 of its pid namespace).
# shellcheck disable=SC2016
INNER='busybox hostname "$PCC_HOSTNAME"
if [ "$PCC_NET" = own ]; then
	busybox ip link set lo up
	if [ -n "$PCC_ADDR" ]; then
		n=0
		while ! busybox ip link show eth0 >/dev/null 2>&1; do
			n=$((n + 1)); [ $n -gt 100 ] && break; sleep 0.1
		done
		busybox ip addr add "$PCC_ADDR" dev eth0
		busybox ip link set eth0 up
		busybox ping -q -i 0.5 "$PCC_PEER" >/dev/null 2>&1 &
	fi
fi
busybox ping -q -i 0.5 127.0.0.1 >/dev/null 2>&1 &
exec sleep infinity'

alive_in() {	# alive_in PIDFILE REL: the recorded pid still runs in REL
	local p
	[ -f "$1" ] || return 1
	p=$(cat "$1")
	[ -n "$p" ] && lab_pid_in_cgroup "$p" "$2"
}

up_one() {	# up_one STYLE
	local s=$1 i eng id inst rel h procs=() cmd=() netns=own kpid=
	local launcher="" pid="" hv cv addr="" peer="" _
	i=$(style_index "$s")
	read -r _ eng id inst rel < <(describe_one "$s")
	if alive_in "$SYN/$s.pid" "$rel"; then
		lab_log "$s already running (pid $(cat "$SYN/$s.pid"))"
		return 0
	fi
	case $s in
	hostnet) netns=host ;;
	kube-sibling)
		netns=kube
		alive_in "$SYN/kube.pid" "$(describe_one kube | cut -d' ' -f5)" ||
			lab_die "kube-sibling needs the kube container running"
		kpid=$(cat "$SYN/kube.pid") ;;
	esac
	for h in "${HIER[@]}"; do
		mkcg "$h" "$rel" || lab_die "$s: cannot create $h/$rel"
		procs+=("$h/$rel/cgroup.procs")
	done
	cmd=(unshare --uts --pid --fork --mount-proc)
	[ $netns = own ] && cmd=(unshare --net --uts --pid --fork --mount-proc)
	[ $netns = kube ] && cmd=(nsenter "--net=/proc/$kpid/ns/net" "${cmd[@]}")
	if [ $netns = own ] && [ "$LO_ONLY" = 0 ]; then
		addr=$NET.$i.2/30
		peer=$NET.$i.1
	fi
	rm -f "$SYN/$s.launcher" "$SYN/$s.pid"
	# the launcher subshell joins every cgroup, then becomes setsid ->
	# [nsenter ->] unshare, which forks the namespace init; setsid does not
	# fork as the subshell is no process group leader, so $BASHPID stays
	(
		close_fds
		for h in "${procs[@]}"; do echo "$BASHPID" >"$h" || exit 1; done
		echo "$BASHPID" >"$SYN/$s.launcher"
		export PCC_HOSTNAME=$TAG-$s PCC_NET=$netns PCC_ADDR=$addr PCC_PEER=$peer
		exec setsid "${cmd[@]}" sh -c "$INNER"
	) </dev/null >"$SYN/$s.log" 2>&1 &
	for _ in $(seq 1 50); do
		[ -s "$SYN/$s.launcher" ] && launcher=$(cat "$SYN/$s.launcher")
		[ -n "$launcher" ] && pid=$(lab_child_of "$launcher")
		[ -n "$pid" ] && break
		sleep 0.1
	done
	[ -n "$pid" ] || lab_die "$s: the namespace init did not start (see $SYN/$s.log)"
	echo "$pid" >"$SYN/$s.pid"
	if [ -n "$addr" ]; then
		hv=pcc${TAG}h$i
		cv=pcc${TAG}c$i
		if ip link show "$hv" >/dev/null 2>&1; then
			[ "$(cat "$SYN/$s.veth" 2>/dev/null)" = "$hv" ] ||
				lab_die "$s: veth $hv exists and was not created by this lab"
			ip link del "$hv"
		fi
		ip link add "$hv" type veth peer name "$cv" || lab_die "$s: veth $hv failed"
		echo "$hv" >"$SYN/$s.veth"
		if ! { ip link set "$cv" netns "$pid" name eth0 &&
			ip addr add "$peer/30" dev "$hv" && ip link set "$hv" up; }; then
			lab_die "$s: veth $hv setup failed"
		fi
		for _ in $(seq 1 50); do
			nsenter "--net=/proc/$pid/ns/net" ip -4 -o addr show dev eth0 2>/dev/null |
				grep -q " ${addr%/*}/" && break
			sleep 0.1
		done
	fi
	echo "$s $eng $id $inst $pid $netns $rel" >>"$SYN/list"
	lab_log "$s: pid $pid netns $netns cgroup /$rel"
}

up_scale() {	# up_scale N: scale-1..scale-N, creating only the missing ones
	local n=$1 k s id rel h d new=() todo=() procs line pid started=() left=() _
	declare -A have=()
	if [ -f "$SYN/scale.list" ]; then
		while read -r s _ _ _ pid _ rel; do
			lab_pid_in_cgroup "$pid" "$rel" && have[$s]=1
		done <"$SYN/scale.list"
	fi
	for h in "${HIER[@]}"; do mkdirs "$h" docker || lab_die "cannot create $h/docker"; done
	for ((k = 1; k <= n; k++)); do
		[ -n "${have[scale-$k]:-}" ] && continue
		id=$(style_id "scale-$k")
		for h in "${HIER[@]}"; do
			d=$h/docker/$id
			if [ ! -d "$d" ]; then
				new+=("$d")
			elif [ -z "${CREATED[$d]:-}" ]; then
				lab_die "$d exists and was not created by this lab ($SYN)"
			fi
		done
		todo+=("$k:$id")
	done
	[ ${#todo[@]} -eq 0 ] && return 0
	if [ ${#new[@]} -gt 0 ]; then
		printf '%s\0' "${new[@]}" | xargs -0 mkdir -- || lab_die "mkdir of scale cgroups failed"
		printf '%s\n' "${new[@]}" >>"$SYN/created-dirs"
		for d in "${new[@]}"; do
			CREATED[$d]=1
			init_dir "$d"
		done
	fi
	# one forked subshell per container joins the cgroups, then execs sleep
	for line in "${todo[@]}"; do
		k=${line%%:*}
		id=${line#*:}
		procs=()
		for h in "${HIER[@]}"; do procs+=("$h/docker/$id/cgroup.procs"); done
		(
			close_fds
			for d in "${procs[@]}"; do echo "$BASHPID" >"$d" || exit 1; done
			exec sleep infinity
		) </dev/null >/dev/null 2>&1 &
		echo "scale-$k docker $id ${id:0:12} $! host docker/$id" >>"$SYN/scale.list"
		started+=("$!:docker/$id")
	done
	# wait until each has joined its cgroups (or died: then say so)
	for _ in $(seq 1 100); do
		left=()
		for line in "${started[@]}"; do
			pid=${line%%:*}
			lab_pid_in_cgroup "$pid" "${line#*:}" && continue
			kill -0 "$pid" 2>/dev/null || lab_die "scale container pid $pid died"
			left+=("$line")
		done
		[ ${#left[@]} -eq 0 ] && break
		started=("${left[@]}")
		sleep 0.05
	done
	[ ${#left[@]} -eq 0 ] || lab_die "${#left[@]} scale containers did not join their cgroups"
	lab_log "scale: started ${#todo[@]} containers (docker/<id>, one sleep each)"
}

cmd_up() {
	local unified=1 count=0 want=() named=0 s w
	LO_ONLY=0
	while [ $# -gt 0 ]; do
		case $1 in
		--no-unified)	unified=0 ;;
		--lo-only)	LO_ONLY=1 ;;
		--host-net)	want+=(hostnet) ;;
		--pod-sibling)	want+=(kube-sibling) ;;
		--count)	count=${2:-}; shift ;;
		--count=*)	count=${1#--count=} ;;
		-*)		usage ;;
		*)		want+=("$1") ;;
		esac
		shift
	done
	[[ $count =~ ^[0-9]+$ ]] || lab_die "--count needs a number"
	# no style of the eight named (and no "none"): all eight; the extras
	# only add to that.  kube-sibling needs kube.
	for w in "${want[@]}"; do
		case " ${STYLES[*]} none " in *" $w "*) named=1 ;; esac
	done
	[ $named = 1 ] || want+=("${STYLES[@]}")
	case " ${want[*]} " in *" kube-sibling "*) want+=(kube) ;; esac
	for w in "${want[@]}"; do
		[ "$w" = none ] || style_index "$w" >/dev/null || usage
	done
	lab_require_root
	for w in unshare nsenter busybox ip; do
		command -v $w >/dev/null ||
			{ lab_apt_install busybox-static iproute2 util-linux; break; }
	done
	LAYOUT=$(lab_cg_layout)
	[ "$LAYOUT" = none ] && lab_die "no cgroup filesystem mounted"
	HIER=()
	while IFS= read -r s; do HIER+=("$s"); done < <(
		if [ $unified = 1 ]; then lab_cg_hierarchies; else lab_cg_v1_mounts; fi)
	[ ${#HIER[@]} -gt 0 ] || lab_die "no cgroup hierarchy to use"
	mkdir -p "$SYN"
	exec 9>"$PCC_LAB/synthetic.lock"
	flock -w 60 9 || lab_die "another synthetic.sh holds $PCC_LAB/synthetic.lock"
	load_created
	for s in "${STYLES[@]}" "${EXTRAS[@]}"; do	# fixed order: kube before kube-sibling
		for w in "${want[@]}"; do
			[ "$w" = "$s" ] && { up_one "$s"; break; }
		done
	done
	[ "$count" -gt 0 ] && up_scale "$count"
	cmd_status
}

# ------------------------------------------------------------ down
# kill_cgroup_procs: SIGKILL whatever runs in a cgroup we created (by
# construction, only processes this lab started); prints how many
kill_cgroup_procs() {
	local d p pids=()
	for d in "${!CREATED[@]}"; do
		[ -f "$d/cgroup.procs" ] || continue
		while read -r p; do pids+=("$p"); done <"$d/cgroup.procs" 2>/dev/null
	done
	[ ${#pids[@]} -gt 0 ] && kill -KILL "${pids[@]}" 2>/dev/null
	echo ${#pids[@]}
}

cmd_down() {
	local f s pid rel left=() d pids=() _
	if [ ! -d "$SYN" ]; then
		lab_log "no synthetic containers in $PCC_LAB"
		return 0
	fi
	lab_require_root
	exec 9>"$PCC_LAB/synthetic.lock"
	flock -w 60 9 || lab_die "another synthetic.sh holds $PCC_LAB/synthetic.lock"
	load_created
	# the recorded inits and launchers, if they still are what we started
	for f in "$SYN/list" "$SYN/scale.list"; do
		[ -f "$f" ] || continue
		while read -r s _ _ _ pid _ rel; do
			lab_pid_in_cgroup "$pid" "$rel" && pids+=("$pid")
			if [ -f "$SYN/$s.launcher" ]; then
				pid=$(cat "$SYN/$s.launcher")
				lab_pid_in_cgroup "$pid" "$rel" && pids+=("$pid")
			fi
		done <"$f"
	done
	[ ${#pids[@]} -gt 0 ] && kill -KILL "${pids[@]}" 2>/dev/null
	for _ in $(seq 1 50); do
		[ "$(kill_cgroup_procs)" = 0 ] && break
		sleep 0.1
	done
	for f in "$SYN"/*.veth; do
		[ -f "$f" ] || continue
		ip link show "$(cat "$f")" >/dev/null 2>&1 && ip link del "$(cat "$f")"
		rm -f "$f"
	done
	# the containers are gone even if a directory stays (another lab's
	# cgroups below a parent we made): list them no more
	rm -f "$SYN/list" "$SYN/scale.list" "$SYN"/*.pid "$SYN"/*.launcher
	# deepest first: a parent sorts before its children
	for _ in $(seq 1 10); do
		left=()
		[ -f "$SYN/created-dirs" ] || break
		sort -ru "$SYN/created-dirs" | tr '\n' '\0' | xargs -0 rmdir -- 2>/dev/null
		while IFS= read -r d; do
			[ -d "$d" ] && left+=("$d")
		done <"$SYN/created-dirs"
		[ ${#left[@]} -eq 0 ] && break
		sleep 0.3
	done
	if [ ${#left[@]} -gt 0 ]; then
		printf '%s\n' "${left[@]}" >"$SYN/created-dirs"
		lab_log "WARNING: still in use, not removed (run down again later):"
		printf '  %s\n' "${left[@]}" >&2
		return 1
	fi
	rm -rf "$SYN"
	lab_log "synthetic containers removed"
}

# ------------------------------------------------------------ status
cmd_list() {
	local f
	for f in "$SYN/list" "$SYN/scale.list"; do
		[ -f "$f" ] && cat "$f"
	done
	return 0
}

cmd_status() {
	local s eng id inst pid netns rel n=0 alive=0
	if [ ! -f "$SYN/list" ] && [ ! -f "$SYN/scale.list" ]; then
		echo "no synthetic containers (state dir $PCC_LAB)"
		return 0
	fi
	if [ -f "$SYN/list" ]; then
		while read -r s eng id inst pid netns rel; do
			printf '%-14s %-10s %-12s pid=%-7s %-5s net=%-4s %s /%s\n' \
				"$s" "$eng" "$inst" "$pid" \
				"$(lab_pid_in_cgroup "$pid" "$rel" && echo alive || echo DEAD)" \
				"$netns" "$(readlink "/proc/$pid/ns/net" 2>/dev/null)" "$rel"
		done <"$SYN/list"
	fi
	if [ -f "$SYN/scale.list" ]; then
		while read -r _ _ _ _ pid _ rel; do
			n=$((n + 1))
			lab_pid_in_cgroup "$pid" "$rel" && alive=$((alive + 1))
		done <"$SYN/scale.list"
		echo "scale: $n containers docker/<id>, $alive alive"
	fi
}

cmd_describe() {
	local s
	[ $# -gt 0 ] || set -- "${STYLES[@]}" "${EXTRAS[@]}"
	for s in "$@"; do
		describe_one "$s" || lab_die "unknown style $s"
	done
}

usage() {
	sed -n '/^# Usage:/,/^# Environment:/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2
	exit 2
}

verb=${1:-status}
[ $# -gt 0 ] && shift
case $verb in
up)		cmd_up "$@" ;;
down)		cmd_down ;;
status)		cmd_status ;;
list)		cmd_list ;;
describe)	cmd_describe "$@" ;;
-h|--help|help)	usage ;;
*)		usage ;;
esac
