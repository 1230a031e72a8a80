#!/bin/sh
# mkcorpus.sh - (re)build the seed corpora qa/fuzz/corpus/<target>/ from the
# fixtures in qa/fixtures, plus a few hand-written edge cases, and the
# netlink seeds (netlink-seeds.py, from the running kernel).  Every seed is
# a file as the parser meets it; seeds are named after the fixture they
# come from, one copy per distinct content.  Run from anywhere; it replaces
# only the seed files it makes, so inputs merged in later (run.sh merge)
# stay.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
fx=qa/fixtures
out=qa/fuzz/corpus

# seed TARGET FILE...: copy each file, named after its path below qa/fixtures
seed() {
	t=$1
	shift
	mkdir -p "$out/$t"
	for f in "$@"; do
		[ -f "$f" ] || continue
		[ "$(wc -c <"$f")" -le 16384 ] || continue
		name=$(printf '%s' "${f#"$fx"/}" | sed -e 's|engines/||' \
			-e 's|/sys/fs/cgroup/|-|' -e 's|\([0-9a-f]\{12\}\)[0-9a-f]\{52\}|\1|g' -e 's|/|-|g')
		cp "$f" "$out/$t/$name"
	done
}

# text TARGET NAME TEXT: a hand-written seed (printf format)
text() {
	mkdir -p "$out/$1"
	# shellcheck disable=SC2059
	printf -- "$3" >"$out/$1/$2"
}

# the cgroup files of the fixture trees named like one of the patterns
cgfiles() {
	for pat in "$@"; do
		find "$fx"/tree-v1 "$fx"/tree-v2 "$fx"/tree-hybrid -type f -name "$pat"
	done | sort
}

values=$(cgfiles 'cpu.weight' 'cpu.shares' 'cpu.cfs_*' 'cpuacct.usage*' 'memory.current' \
	'memory.max' 'memory.swap.current' 'memory.*_in_bytes' 'memory.failcnt' \
	'pids.current' 'pids.max')
pairs=$(cgfiles 'cpu.max')
flats=$(cgfiles 'cpu.stat' 'memory.stat' 'memory.events' 'memory.oom_control' \
	'cpuacct.stat' 'pids.events')
nested=$(cgfiles 'io.stat')
blkio=$(cgfiles 'blkio.throttle.*')
psi=$(cgfiles '*.pressure')

# shellcheck disable=SC2086
{
	seed fuzz_keyed_value $values
	seed fuzz_keyed_pair $pairs
	seed fuzz_keyed_flat $flats
	seed fuzz_keyed_nested $nested
	seed fuzz_keyed_blkio $blkio
	seed fuzz_keyed_psi $psi
	seed fuzz_acct_fill $values $pairs $flats $nested $blkio $psi
}
text fuzz_keyed_value neg1 '-1\n'
text fuzz_keyed_value huge '18446744073709551616\n'
text fuzz_keyed_pair max-max 'max max\n'
text fuzz_keyed_nested zero-dev '8:0 \n8:16  cost.vrate=100.00 rbytes=1\n'
text fuzz_keyed_psi some-only 'some avg10=0.00 avg60=0.00 avg300=0.00 total=0\n'
# per-device sums that overflow: the whole file is dropped
text fuzz_acct_fill io-sum-overflow '8:0 rbytes=18446744073709551615 wbytes=1\n8:16 rbytes=1 wbytes=2\n'
text fuzz_acct_fill blkio-sum-overflow '8:0 Read 18446744073709551615\n8:16 Read 1\nTotal 5\n'

seed fuzz_mounts "$fx"/mountinfo/* "$fx"/tree-*/proc/self/mountinfo
# mountinfo, NUL, the unified hierarchy's cgroup.controllers
mkdir -p "$out/fuzz_mounts"
{ cat "$fx"/tree-hybrid/proc/self/mountinfo; printf '\0'; \
	cat "$fx"/tree-hybrid/sys/fs/cgroup/unified/cgroup.controllers; } \
	>"$out/fuzz_mounts/tree-hybrid-with-controllers"
{ cat "$fx"/tree-v2/proc/self/mountinfo; printf '\0'; \
	cat "$fx"/tree-v2/sys/fs/cgroup/cgroup.controllers; } \
	>"$out/fuzz_mounts/tree-v2-with-controllers"

# cgroup paths: one of each form cid.c knows, and a few near misses
id=3f1c2b0a9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e4d3c2b
uid=0b3e5d6c-1a2b-4c3d-8e9f-a0b1c2d3e4f5
uid_=$(printf '%s' "$uid" | tr - _)
n=0
for p in "/docker/$id" "/system.slice/docker-$id.scope" "/libpod_parent/libpod-$id" \
	"/machine.slice/libpod-$id.scope" \
	"/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-$id.scope" \
	"/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod$uid_.slice/cri-containerd-$id.scope" \
	"/system.slice/nerdctl-$id.scope" \
	"/kubepods.slice/kubepods-pod$uid_.slice/crio-$id.scope" \
	"/kubepods/besteffort/pod$uid/crio-$id" "/kubepods/burstable/pod$uid/$id" \
	"/kubepods/pod0123456789abcdef0123456789abcdef/$id" \
	"/lxc/web1" "/lxc.payload.web2" "/lxc.payload/web3" "/lxc.monitor.web2" \
	"/machine.slice/machine-qemu\\x2d1\\x2dwin11.scope" \
	"/machine.slice/systemd-nspawn@debian-box.service" \
	"/system.slice/libpod-conmon-$id.scope" "/docker/$id/sub" "/docker/../docker/$id" \
	"/user.slice/user-1000.slice/user@1001.service/docker-$id.scope" "relative/path"; do
	n=$((n + 1))
	mkdir -p "$out/fuzz_cid"
	printf '%s' "$p" >"$out/fuzz_cid/path-$n"
done

for k in snmp netstat sockstat dev; do
	seed "fuzz_procnet_$k" "$fx"/procnet/"$k"* "$fx"/procnet/empty "$fx"/procnet/garbage
done

seed fuzz_engine_docker "$fx"/engines/docker/var/lib/docker/containers/*/config.v2.json \
	"$fx"/engines/docker/home/alice/.local/share/docker/containers/*/config.v2.json
# every state docker's State.StateString() folds, and a cri-dockerd container
for st in 'Running":true,"Paused":true' 'Running":true,"Restarting":true' \
	'RemovalInProgress":true' 'Dead":true' 'Running":true,"Pid":4242'; do
	n=$(printf '%s' "$st" | sed 's/":true,"/-/; s/".*//')
	text fuzz_engine_docker "state-$n" \
		"{\"Name\":\"/s\",\"State\":{\"$st,\"StartedAt\":\"2024-05-03T10:20:30Z\"}}"
done
text fuzz_engine_docker cri-dockerd-container \
	'{"Config":{"Labels":{"io.kubernetes.docker.type":"container","io.kubernetes.pod.name":"p"}}}'
seed fuzz_engine_podman "$fx"/engines/podman/var/lib/containers/storage/overlay-containers/containers.json \
	"$fx"/engines/podman/home/alice/.local/share/containers/storage/overlay-containers/containers.json
seed fuzz_engine_oci "$fx"/engines/podman/var/lib/containers/storage/overlay-containers/*/userdata/config.json \
	"$fx"/engines/podman/home/alice/.local/share/containers/storage/overlay-containers/*/userdata/config.json \
	"$fx"/engines/containerd/run/containerd/io.containerd.runtime.v2.task/*/*/config.json \
	"$fx"/engines/crio/run/containers/storage/overlay-containers/*/userdata/config.json
seed fuzz_engine_lxc "$fx"/engines/lxc/var/lib/lxc/*/config
seed fuzz_engine_machined "$fx"/engines/nspawn/run/systemd/machines/*

python3 qa/fuzz/netlink-seeds.py "$out"

# one copy of each content per target
for d in "$out"/*/; do
	# shellcheck disable=SC2012
	ls "$d" | sort | while read -r f; do
		[ -f "$d$f" ] || continue
		for g in "$d"*; do
			if [ "$g" != "$d$f" ] && [ -f "$g" ] && cmp -s "$d$f" "$g"; then
				rm -f "$g"
			fi
		done
	done
done
find "$out" -type f | wc -l | sed 's/$/ seeds/'
