#!/bin/sh
# Install every Debian package pcp-containers needs to build, test and run,
# on a stock Debian 12 where systemd may not be PID 1.
#
# PCP's maintainer scripts call systemctl under 'sh -e'; without systemd as
# PID 1 that fails, so while dpkg runs we put a no-op systemctl first on
# dpkg's own PATH (apt resets PATH for dpkg to DPkg::Path).
set -eu

PKGS="build-essential pkg-config gcc make
pcp libpcp3-dev libpcp-pmda3-dev
libnl-3-dev libnl-route-3-dev libcgroup-dev libjansson-dev libcap-ng-dev
check valgrind clang libclang-rt-14-dev shellcheck
libncurses-dev tmux
busybox-static iproute2 util-linux procps psmisc man-db groff-base libcap2-bin
chromium"
[ "${DEPS_WITH_PODMAN:-0}" = 1 ] && PKGS="$PKGS podman runc"

[ "$(id -u)" = 0 ] || { echo "deps.sh: must run as root" >&2; exit 1; }

missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing="$missing $p"
done
[ -z "$missing" ] && { echo "deps: all packages present"; exit 0; }

shim=$(mktemp -d /tmp/pcc-shim.XXXXXX)
trap 'rm -rf "$shim"' EXIT
dpath=/usr/sbin:/usr/bin:/sbin:/bin
if [ ! -d /run/systemd/system ]; then
	printf '#!/bin/sh\nexit 0\n' >"$shim/systemctl"
	chmod +x "$shim/systemctl"
	dpath="$shim:$dpath"
fi
echo "deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
if ! apt-get -y -q -o Dpkg::Use-Pty=0 -o "DPkg::Path=$dpath" \
	--no-install-recommends install $missing; then
	# an earlier attempt without the shim may have left packages unconfigured
	PATH="$dpath" dpkg --configure -a
	# shellcheck disable=SC2086
	apt-get -y -q -o Dpkg::Use-Pty=0 -o "DPkg::Path=$dpath" \
		--no-install-recommends install $missing
fi
