#!/bin/bash
# check-qa-asan.sh - the QA suite (qa/check -g sanity -g pmda -g tools)
# against an ASan/UBSan build of pmdacontainers: `make check-qa-asan` (part
# of `make check`) builds build-asan/ and runs this, as root.
#
#   scripts/check-qa-asan.sh [LOGDIR]
#
# The SAN=1 agent (compiled with qa/san/options.c) writes any sanitizer
# report to LOGDIR/pmda.<pid> (default /var/tmp/pcc-san, made here
# root-owned).  It is installed as $PCP_PMDAS_DIR/containers/pmdacontainers
# for the run; the tests Install and Remove it as usual (020, valgrind, is
# left out: valgrind cannot run an ASan binary).  Afterwards the normal
# build is installed again (and Installed, if pmcd had the agent), the
# ASan agents' exits have written their leak reports, and the run fails if
# any QA test failed or any report exists.
set -u
top=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
logdir=${1:-/var/tmp/pcc-san}
san=$top/build-asan/pmdacontainers
[ "$(id -u)" = 0 ] || { echo "check-qa-asan: must run as root" >&2; exit 1; }
[ -x "$san" ] || { echo "check-qa-asan: $san not built (make SAN=1)" >&2; exit 1; }
if [ -f /etc/pcp.env ]; then	# pcp.env does not survive set -u
	set +u
	. /etc/pcp.env
	set -u
fi
pmdadir=${PCP_PMDAS_DIR:-/var/lib/pcp/pmdas}/containers
conf=${PCP_PMCDCONF_PATH:-/etc/pcp/pmcd/pmcd.conf}
[ -x "$pmdadir/Install" ] || { echo "check-qa-asan: $pmdadir/Install missing (make install)" >&2; exit 1; }

# sanitizer pids that may still be running when we reinstall
san_pids() {
	local p
	for p in $(pgrep -x pmdacontainers); do
		[ "$(readlink "/proc/$p/exe")" -ef "$pmdadir/pmdacontainers" ] || continue
		grep -q libasan "/proc/$p/maps" 2>/dev/null && echo "$p"
	done
}

restore() {
	local p _
	echo "== check-qa-asan: the normal agent back"
	make -C "$top" -s install >/dev/null || echo "check-qa-asan: make install failed" >&2
	if grep -Eq '^containers[[:space:]]' "$conf"; then
		(cd "$pmdadir" && ./Install </dev/null >/dev/null 2>&1) ||
			echo "check-qa-asan: Install of the normal agent failed" >&2
	fi
	# an ASan agent writes its leak report as it exits
	for p in $asan_running; do
		for _ in $(seq 1 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
	done
}

rm -rf "$logdir"
mkdir -p "$logdir"
chown root:root "$logdir"
chmod 755 "$logdir"
asan_running=
trap 'restore; exit 1' HUP INT QUIT TERM
install -m 755 "$san" "$pmdadir/pmdacontainers"
t0=$(date +%s)
(cd "$top/qa" && PCC_QA_MAY_INSTALL=1 ./check -g sanity -g pmda -g tools -x valgrind)
rc=$?
asan_running=$(san_pids)
trap - HUP INT QUIT TERM
restore
echo "check-qa-asan: QA under ASan/UBSan took $(($(date +%s) - t0))s"
reports=$(find "$logdir" -type f | sort)
if [ -n "$reports" ]; then
	for f in $reports; do
		echo "==== $f"
		head -60 "$f"
	done
	echo "check-qa-asan: $(echo "$reports" | wc -l) sanitizer reports in $logdir"
	exit 1
fi
[ $rc = 0 ] || { echo "check-qa-asan: QA tests failed"; exit $rc; }
echo "check-qa-asan: no sanitizer reports"
