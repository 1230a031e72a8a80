# shellcheck shell=bash
# lib.sh - helpers shared by the qa/lab scripts and qa/common.rc (sourced).
#
# Sourcing only defines functions and variables: nothing is created,
# installed or checked until a function is called, so QA tests can source
# this file for the cgroup helpers without side effects.
#
# Target: Debian 12 as root; cgroup v1, hybrid or v2; systemd not
# necessarily PID 1 (the apt recipe below works either way).
#
# Environment:
#   PCC_LAB         state directory of the lab scripts (default /tmp/pcc-lab)
#   PCC_MOUNTINFO   file the lab_cg_* functions read instead of
#                   /proc/self/mountinfo (QA feeds them fixtures)

PCC_LAB=${PCC_LAB:-/tmp/pcc-lab}

lab_log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
lab_die() { lab_log "FATAL: $*"; exit 1; }

lab_require_root() {
	[ "$(id -u)" = 0 ] || lab_die "must run as root"
}

lab_systemd_is_pid1() { [ -d /run/systemd/system ]; }

# ------------------------------------------------------------ cgroup mounts
# All of these read /proc/self/mountinfo, or $PCC_MOUNTINFO (fields: ...
# mountpoint opts [optional...] - fstype source superopts), and print
# nothing when there is no match.  Only the first mount of each hierarchy
# counts.

# lab_cg_mounts: "fstype mountpoint superopts" for every cgroup mount
lab_cg_mounts() {
	awk '{
		for (i = 7; i <= NF && $i != "-"; i++)
			;
		if ($(i + 1) == "cgroup" || $(i + 1) == "cgroup2")
			print $(i + 1), $5, $(i + 3)
	}' "${PCC_MOUNTINFO:-/proc/self/mountinfo}"
}

# lab_cg_v1_mounts: mount points of the v1 hierarchies (incl. name=systemd)
lab_cg_v1_mounts() {
	lab_cg_mounts | awk '$1 == "cgroup" && !seen[$3]++ { print $2 }'
}

# lab_cg_v2_mount: mount point of the unified (cgroup2) hierarchy
lab_cg_v2_mount() {
	lab_cg_mounts | awk '$1 == "cgroup2" { print $2; exit }'
}

# lab_cg_layout: none, v1, v2 or hybrid
lab_cg_layout() {
	lab_cg_mounts | awk '
		$1 == "cgroup" { v1 = 1 }
		$1 == "cgroup2" { v2 = 1 }
		END {
			if (v1 && v2) print "hybrid"
			else if (v1) print "v1"
			else if (v2) print "v2"
			else print "none"
		}'
}

# lab_cg_ctrl_mount CTRL: mount point of the v1 hierarchy that has
# controller CTRL (cpuacct, memory, pids, blkio, name=systemd, ...)
lab_cg_ctrl_mount() {
	lab_cg_mounts | awk -v c="$1" '$1 == "cgroup" {
		n = split($3, o, ",")
		for (i = 1; i <= n; i++)
			if (o[i] == c) { print $2; exit }
	}'
}

# lab_cg_hierarchies: every v1 hierarchy, then cgroup2 (if mounted)
lab_cg_hierarchies() {
	lab_cg_v1_mounts
	lab_cg_v2_mount
}

# lab_pid_in_cgroup PID REL: true if process PID is in cgroup /REL in at
# least one hierarchy (so a recycled PID is never mistaken for ours)
lab_pid_in_cgroup() {
	local line
	[ -r "/proc/$1/cgroup" ] || return 1
	while IFS= read -r line; do
		[[ $line == *":/$2" ]] && return 0
	done < "/proc/$1/cgroup" 2>/dev/null
	return 1
}

# lab_child_of PID: the first child of PID (empty if none yet)
lab_child_of() {
	local kids p stat ppid
	kids=$(cat "/proc/$1/task/$1/children" 2>/dev/null) || kids=
	if [ -n "$kids" ]; then
		echo "${kids%% *}"
		return
	fi
	# no CONFIG_PROC_CHILDREN: scan for the ppid (2nd field after "(comm) ")
	for p in /proc/[0-9]*; do
		stat=$(cat "$p/stat" 2>/dev/null) || continue
		read -r _ ppid _ <<<"${stat##*) }"
		if [ "$ppid" = "$1" ]; then
			echo "${p#/proc/}"
			return
		fi
	done
}

# ------------------------------------------------------------ packages
# A no-op systemctl first on dpkg's PATH while packages are configured:
# pcp's postinst runs 'systemctl daemon-reload' under 'sh -e', which fails
# with "System has not been booted with systemd as init system (PID 1)".
# apt resets PATH for dpkg to DPkg::Path, so the shim must go in there.
lab_apt_updated=false
lab_apt_install() {	# lab_apt_install PKG... (installs only missing packages)
	local missing=() p dpath=/usr/sbin:/usr/bin:/sbin:/bin log
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
			grep -q 'install ok installed' || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	mkdir -p "$PCC_LAB"
	log=$PCC_LAB/apt.log
	if ! $lab_apt_updated; then
		apt-get update -qq >"$log" 2>&1 ||
			{ tail -5 "$log" >&2; lab_die "apt-get update failed"; }
		lab_apt_updated=true
	fi
	if ! lab_systemd_is_pid1; then
		mkdir -p "$PCC_LAB/shim"
		printf '#!/bin/sh\necho "systemctl shim: ignoring: systemctl $*" >&2\nexit 0\n' \
			>"$PCC_LAB/shim/systemctl"
		chmod +x "$PCC_LAB/shim/systemctl"
		dpath=$PCC_LAB/shim:$dpath
	fi
	lab_log "apt-get install ${missing[*]}"
	local apt=(apt-get -y -q -o Dpkg::Use-Pty=0 -o "DPkg::Path=$dpath"
		--no-install-recommends install)
	if ! DEBIAN_FRONTEND=noninteractive "${apt[@]}" "${missing[@]}" >>"$log" 2>&1; then
		# an earlier attempt without the shim may have left packages
		# half-configured
		PATH=$dpath DEBIAN_FRONTEND=noninteractive dpkg --configure -a >>"$log" 2>&1
		DEBIAN_FRONTEND=noninteractive "${apt[@]}" "${missing[@]}" >>"$log" 2>&1 ||
			{ tail -20 "$log" >&2; lab_die "apt-get install ${missing[*]} failed (see $log)"; }
	fi
}

# lab_pmcd_start: make sure pmcd runs and answers (starts it if needed)
lab_pmcd_start() {
	local _
	pmprobe -v hinv.ncpu 2>/dev/null | grep -q ' 1 ' && return 0
	if lab_systemd_is_pid1; then
		systemctl start pmcd
	else
		/etc/init.d/pmcd start >/dev/null
	fi
	for _ in $(seq 1 50); do
		pmprobe -v hinv.ncpu 2>/dev/null | grep -q ' 1 ' && return 0
		sleep 0.2
	done
	lab_die "pmcd is not answering (after 10 s)"
}

# ------------------------------------------------------------ podman
# runc, not crun: crun 1.8.1 refuses hybrid hosts whose cgroup2 mount has any
# controller ("cgroups in hybrid mode not supported, drop all controllers
# from cgroupv2"). Explicit ulimits: podman's default RLIMIT_NOFILE=1048576
# cannot be set without CAP_SYS_RESOURCE, and podman caps NPROC at 32768.
LAB_IMAGE=localhost/pcc-lab-busybox:latest
LAB_IMAGE_VERSION=1		# bump to force a rebuild of the image
LAB_NET=pcclab			# --internal: no NAT, no route out of the containers
LAB_SUBNET=10.89.78.0/24
LAB_LABEL=pcc-lab=1

lab_podman() {
	local mgr=cgroupfs
	lab_systemd_is_pid1 && mgr=systemd
	podman --runtime runc --cgroup-manager "$mgr" "$@"
}

# lab_podman_run_opts: the --ulimit options, one word per line
lab_podman_run_opts() {
	local nf np
	nf=$(ulimit -Hn)
	[ "$nf" = unlimited ] && nf=1048576
	np=$(ulimit -Hu)
	{ [ "$np" = unlimited ] || [ "$np" -gt 32768 ]; } && np=32768
	printf '%s\n' --ulimit "nofile=$nf:$nf" --ulimit "nproc=$np:$np"
}

# lab_podman_ensure: packages, the busybox image (podman import of a
# busybox-static rootfs, no registry) and the --internal network
lab_podman_ensure() {
	local r
	lab_apt_install podman runc busybox-static iproute2
	mkdir -p "$PCC_LAB/podman"
	if [ "$(lab_podman image inspect -f '{{index .Labels "pcc.lab.version"}}' \
		"$LAB_IMAGE" 2>/dev/null)" != "$LAB_IMAGE_VERSION" ]; then
		r=$PCC_LAB/podman/rootfs
		rm -rf "$r"
		mkdir -p "$r"/bin "$r"/sbin "$r"/usr/bin "$r"/usr/sbin "$r"/proc \
			"$r"/sys "$r"/dev "$r"/etc "$r"/tmp "$r"/root "$r"/run \
			"$r"/var "$r"/www
		cp "$(command -v busybox)" "$r/bin/busybox"
		chroot "$r" /bin/busybox --install -s
		echo 'root:x:0:0:root:/root:/bin/sh' >"$r/etc/passwd"
		echo 'root:x:0:' >"$r/etc/group"
		echo 'hello from the pcc lab' >"$r/www/index.html"
		tar -C "$r" -cf "$PCC_LAB/podman/rootfs.tar" .
		rm -rf "$r"
		lab_podman import --quiet --change 'CMD ["/bin/sh"]' \
			--change "LABEL pcc.lab.version=$LAB_IMAGE_VERSION" \
			"$PCC_LAB/podman/rootfs.tar" "$LAB_IMAGE" >/dev/null ||
			lab_die "podman import failed"
		rm -f "$PCC_LAB/podman/rootfs.tar"
	fi
	# netavark sets net.ipv4.ip_forward=1 on every container start (even
	# for --internal networks): remember the value so down can restore it
	[ -f "$PCC_LAB/podman/ip_forward.orig" ] ||
		cat /proc/sys/net/ipv4/ip_forward >"$PCC_LAB/podman/ip_forward.orig"
	lab_podman network exists "$LAB_NET" ||
		lab_podman network create --internal --subnet "$LAB_SUBNET" \
			--label "$LAB_LABEL" "$LAB_NET" >/dev/null ||
		lab_die "podman network create $LAB_NET failed"
}
