#!/bin/bash
# setup.sh - the README's first command: on Debian 12, as root, install
# the dependencies, build, install, put pmdacontainers into pmcd, start the
# synthetic demo containers and show their metrics.
#
#   ./scripts/setup.sh
#
# The demo containers (qa/lab/synthetic.sh: cgroups named like each
# engine's, own network namespaces, no container runtime) stay running;
# the last lines say how to stop them and how to take the PMDA out again.
# Safe to run again: every step is idempotent.
set -eu

top=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
cd "$top"
say() { printf '\n==== %s\n' "$*"; }
die() { echo "setup.sh: $*" >&2; exit 1; }
[ -f GNUmakefile ] || die "$top is not a pcp-containers tree"
[ "$(id -u)" = 0 ] || die "must run as root (it installs packages and the PMDA)"

say "dependencies (scripts/deps.sh)"
./scripts/deps.sh || die "installing the Debian packages failed"

say "build (make)"
make -j"$(nproc)" || die "the build failed"

say "install (make install)"
make install || die "make install failed"

pmdas=$(sed -n 's/^PCP_PMDAS_DIR=//p' /etc/pcp.conf 2>/dev/null)
pmdas=${pmdas:-/var/lib/pcp/pmdas}
logdir=$(sed -n 's/^PCP_LOG_DIR=//p' /etc/pcp.conf 2>/dev/null)
logdir=${logdir:-/var/log/pcp}
[ -x "$pmdas/containers/Install" ] || die "$pmdas/containers/Install missing after make install"

say "pmcd"
# shellcheck source=../qa/lab/lib.sh
. "$top/qa/lab/lib.sh"
lab_pmcd_start
echo "pmcd is running"

say "PMDA (cd $pmdas/containers && ./Install)"
(cd "$pmdas/containers" && ./Install </dev/null) || die "Install failed (see $logdir/pmcd/containers.log)"

say "demo containers (qa/lab/synthetic.sh up)"
"$top/qa/lab/synthetic.sh" up || die "starting the synthetic containers failed"

# the PMDA may see new containers a moment later
n=$("$top/qa/lab/synthetic.sh" list | wc -l)
for _ in $(seq 1 30); do
	[ "$(pminfo -f container.info.engine 2>/dev/null | grep -c 'inst \[')" -ge "$n" ] && break
	sleep 0.5
done

say "pminfo -f container.cpu.usage container.info.engine container.net.all.in.bytes"
pminfo -f container.cpu.usage container.info.engine container.net.all.in.bytes

cat <<END

==== done
The demo containers keep running (state in ${PCC_LAB:-/tmp/pcc-lab}). Try:
  pmrep -t 2 container.cpu.usage container.memory.usage
  $top/qa/lab/synthetic.sh status
Stop the demo containers:
  $top/qa/lab/synthetic.sh down
Take the PMDA out of pmcd:
  cd $pmdas/containers && ./Remove
END
