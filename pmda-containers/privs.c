/*
 * privs.c - give up every privilege pmdacontainers does not need.
 *
 * pmcd starts the agent as root through pmdaroot.  Once its log is open it
 * keeps uid 0 (engine state such as /var/lib/docker is root's) but only
 * these capabilities, in the effective, permitted and bounding sets:
 *   CAP_SYS_ADMIN        setns(CLONE_NEWNET) into container namespaces
 *   CAP_SYS_PTRACE       open the network namespace and net files in /proc of
 *                        other users' processes (ptrace read access)
 *   CAP_DAC_READ_SEARCH  read rootless engines' files in users' homes and
 *                        cgroup files whatever their mode
 * Everything else goes (CAP_DAC_OVERRIDE too: the agent writes only its
 * own instance caches, created root-owned by Install), and no_new_privs
 * is set so nothing it could execute gains any.
 */
#include <errno.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <cap-ng.h>

#include "pmda.h"

int privs_drop(void)
{
	int rc;

	capng_clear(CAPNG_SELECT_BOTH);
	rc = capng_updatev(CAPNG_ADD, CAPNG_EFFECTIVE | CAPNG_PERMITTED | CAPNG_BOUNDING_SET,
			   CAP_SYS_ADMIN, CAP_SYS_PTRACE, CAP_DAC_READ_SEARCH, -1);
	if (rc == 0)
		rc = capng_apply(geteuid() == 0 ? CAPNG_SELECT_ALL : CAPNG_SELECT_BOTH);
	if (rc != 0) {
		pmNotifyErr(LOG_WARNING, "dropping capabilities failed (%d): running with %s", rc,
			    geteuid() == 0 ? "all of root's" : "the caller's");
		return -EPERM;
	}
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		pmNotifyErr(LOG_WARNING, "no_new_privs: %s", pmErrStr(-errno));
	return 0;
}
