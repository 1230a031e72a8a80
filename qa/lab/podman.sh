#!/bin/bash
# podman.sh - real podman containers (busybox rootfs, no registry) for
# pmdacontainers QA.
#
#   podman.sh up [N]      install podman + runc if missing (no-op systemctl
#                         apt recipe), start pmcd, start pcc-web1..N (default 3)
#                         on the --internal network pcclab:
#                           pcc-web1: busybox httpd :8080 + ping on its loopback
#                           pcc-web2: wget loop against pcc-web1 (eth0 traffic)
#                           pcc-web3..N: idle
#                         writes $PCC_LAB/podman/containers.txt: name id pid cgroup
#   podman.sh down [--all]  remove the containers (label pcc-lab=1) and the
#                         network, restore net.ipv4.ip_forward, rmdir the
#                         /libpod_parent cgroups if this script's first up
#                         found none; --all also drops the image and (when no
#                         podman container runs at all) netavark's chains
#   podman.sh status
#
# runc with --cgroup-manager cgroupfs (systemd when it is PID 1) and explicit
# --ulimit values: see lib.sh for why.  Environment: PCC_LAB (/tmp/pcc-lab).
set -eu
# shellcheck source=lib.sh
. "$(dirname "$(readlink -f "$0")")/lib.sh"
unset PCC_MOUNTINFO	# fixtures are for QA readers, never for creating cgroups

PM=$PCC_LAB/podman

# libpod_parent_dirs: the /libpod_parent of every v1 hierarchy + cgroup2
libpod_parent_dirs() {
	local h
	while IFS= read -r h; do echo "$h/libpod_parent"; done < <(lab_cg_hierarchies)
}

start() {	# start NAME [podman run args...] -- CMD...
	local name=$1 extra=() opts=()
	shift
	if [ "$(lab_podman inspect -f '{{.State.Running}}' "$name" 2>/dev/null)" = true ]; then
		lab_log "$name already running"
		return 0
	fi
	lab_podman rm -f -t 0 "$name" >/dev/null 2>&1 || true
	while [ "$1" != -- ]; do extra+=("$1"); shift; done
	shift
	mapfile -t opts < <(lab_podman_run_opts)
	lab_podman run -d "${opts[@]}" --name "$name" --hostname "$name" \
		--network "$LAB_NET" --label "$LAB_LABEL" "${extra[@]}" \
		"$LAB_IMAGE" "$@" >/dev/null || lab_die "podman run $name failed"
	lab_log "started $name"
}

cmd_up() {
	local n=${1:-3} i t0 ip1 name id pid d
	[[ $n =~ ^[1-9][0-9]*$ ]] || lab_die "usage: podman.sh up [N>=1]"
	lab_require_root
	t0=$(date +%s)
	mkdir -p "$PM"
	lab_apt_install pcp procps
	lab_pmcd_start
	if [ ! -f "$PM/libpod_parent.state" ]; then
		# remember, once, whether podman's cgroupfs parent existed before us
		local found=0
		while IFS= read -r d; do [ -d "$d" ] && found=1; done < <(libpod_parent_dirs)
		if [ $found = 1 ]; then
			echo preexisting >"$PM/libpod_parent.state"
		else
			echo created >"$PM/libpod_parent.state"
		fi
	fi
	lab_podman_ensure
	start pcc-web1 --cap-add NET_RAW -- sh -c \
		'httpd -p 8080 -h /www; ping -q -i 0.2 127.0.0.1 >/dev/null 2>&1 & exec sleep infinity'
	ip1=$(lab_podman inspect -f '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}' pcc-web1)
	[ -n "$ip1" ] || lab_die "pcc-web1 has no address on $LAB_NET"
	start pcc-web2 -- sh -c \
		"while :; do wget -q -O /dev/null http://$ip1:8080/index.html; sleep 1; done"
	for ((i = 3; i <= n; i++)); do start "pcc-web$i" -- sleep infinity; done

	: >"$PM/containers.txt"
	for ((i = 1; i <= n; i++)); do
		name=pcc-web$i
		read -r id pid < <(lab_podman inspect -f '{{.Id}} {{.State.Pid}}' "$name")
		d=$(awk -F: '$2 == "memory" || $2 == "" { print $3; exit }' "/proc/$pid/cgroup")
		echo "$name $id $pid $d" >>"$PM/containers.txt"
	done
	cmd_status
	lab_log "podman lab up in $(($(date +%s) - t0)) s"
}

cmd_down() {
	local ids all=0 d
	[ "${1:-}" = --all ] && all=1
	if ! command -v podman >/dev/null; then
		lab_log "podman not installed; nothing to do"
		return 0
	fi
	lab_require_root
	mapfile -t ids < <(lab_podman ps -a -q --filter "label=$LAB_LABEL")
	if [ ${#ids[@]} -gt 0 ]; then
		# -t 0: PID 1 is often sleep, which ignores SIGTERM
		lab_podman rm -f -t 0 "${ids[@]}" >/dev/null
		lab_log "removed ${#ids[@]} containers"
	fi
	if lab_podman network exists "$LAB_NET" 2>/dev/null; then
		lab_podman network rm "$LAB_NET" >/dev/null && lab_log "removed network $LAB_NET"
	fi
	if [ $all = 1 ]; then
		lab_podman image rm -f "$LAB_IMAGE" >/dev/null 2>&1 &&
			lab_log "removed image $LAB_IMAGE"
		if [ -z "$(lab_podman ps -q)" ] && command -v iptables >/dev/null; then
			drop_netavark_chains
		fi
	fi
	if [ -z "$(lab_podman ps -q)" ]; then
		if [ -f "$PM/ip_forward.orig" ]; then
			sysctl -qw net.ipv4.ip_forward="$(cat "$PM/ip_forward.orig")"
			rm -f "$PM/ip_forward.orig"
			lab_log "net.ipv4.ip_forward restored to $(cat /proc/sys/net/ipv4/ip_forward)"
		fi
		# the cgroupfs manager leaves /libpod_parent{/conmon,} behind;
		# rmdir fails on any cgroup still in use, which then stays
		if [ "$(cat "$PM/libpod_parent.state" 2>/dev/null)" = created ]; then
			while IFS= read -r d; do
				rmdir "$d/conmon" 2>/dev/null || true
				rmdir "$d" 2>/dev/null || true
			done < <(libpod_parent_dirs)
			rm -f "$PM/libpod_parent.state"
		fi
	fi
	rm -f "$PM/containers.txt"
	return 0
}

# netavark's iptables chains (it recreates them on the next container start)
drop_netavark_chains() {
	local c
	iptables -D FORWARD -m comment --comment "netavark firewall plugin rules" \
		-j NETAVARK_FORWARD 2>/dev/null || true
	iptables -F NETAVARK_FORWARD 2>/dev/null && iptables -X NETAVARK_FORWARD 2>/dev/null
	iptables -t nat -D PREROUTING -m addrtype --dst-type LOCAL \
		-j NETAVARK-HOSTPORT-DNAT 2>/dev/null || true
	iptables -t nat -D OUTPUT -m addrtype --dst-type LOCAL \
		-j NETAVARK-HOSTPORT-DNAT 2>/dev/null || true
	iptables -t nat -D POSTROUTING -j NETAVARK-HOSTPORT-MASQ 2>/dev/null || true
	for c in NETAVARK-HOSTPORT-DNAT NETAVARK-HOSTPORT-MASQ NETAVARK-HOSTPORT-SETMARK; do
		iptables -t nat -F "$c" 2>/dev/null && iptables -t nat -X "$c" 2>/dev/null
	done
	lab_log "removed netavark iptables chains (if there were any)"
	return 0
}

cmd_status() {
	local name id pid d
	if [ ! -s "$PM/containers.txt" ]; then
		echo "no podman lab containers (state dir $PCC_LAB)"
		return 0
	fi
	while read -r name id pid d; do
		printf '%-9s id=%.12s pid=%-7s %-5s net=%s cgroup=%s\n' "$name" "$id" "$pid" \
			"$(kill -0 "$pid" 2>/dev/null && echo alive || echo DEAD)" \
			"$(readlink "/proc/$pid/ns/net" 2>/dev/null)" "$d"
	done <"$PM/containers.txt"
}

case ${1:-status} in
up)	shift; cmd_up "$@" ;;
down)	shift; cmd_down "$@" ;;
status)	cmd_status ;;
*)	sed -n '2,/^set -eu/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit 2 ;;
esac
