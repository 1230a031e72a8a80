/*
 * netns_fx.h - what the network namespace suites (test_netns,
 * test_netns_life) share: a set of namespaces and veths of their own on the
 * running kernel, processes started in them, and counts of this process's
 * fds and threads.
 *
 * The unchecked fixture makes, in the parent, two namespaces
 * pcc-unit-<pid>-a and -b (ip netns add):
 *   a: lo (up); pcu-ab (10.203.0.1/30), the veth peer of b's pcu-ba
 *      (10.203.0.2/30); pcu-h, the peer of the host's pcu<pid>h (no
 *      address: no traffic touches the host); a veth pair pcu"q / pcu-q2
 *      whose one name needs sanitizing.
 *   b: lo (up); pcu-ba.
 * Traffic only ever goes over lo inside a, and from a to b.  Teardown
 * deletes both namespaces (which deletes every veth in them, and the
 * host's end of pcu-h with it) and the host veth by name, in the parent, so
 * a crashed test leaves nothing behind.  Processes are started by the test
 * with PR_SET_PDEATHSIG, killed by pid, and die with the test anyway.
 *
 * Everything is skipped, with a message, unless run as root on a kernel
 * and with an ip(8) that can make namespaces and veths.
 */
#ifndef PCC_NETNS_FX_H
#define PCC_NETNS_FX_H

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pcp-container.h"
#include "unit.h"

#define ADDR_A	"10.203.0.1"
#define ADDR_B	"10.203.0.2"

static char ns_a[48], ns_b[48], host_veth[16];	/* set in the parent, seen by forked tests */
static const char *skipped;			/* why the suite cannot run, or NULL */

static int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int sh(const char *fmt, ...)
{
	char cmd[512];
	va_list ap;
	int n, rc;

	va_start(ap, fmt);
	n = vsnprintf(cmd, sizeof(cmd) - 32, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(cmd) - 32)
		return -1;
	strcat(cmd, " >/dev/null 2>&1");
	rc = system(cmd);
	return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

/*
 * Can this process make pidfds?  Not before Linux 5.3, nor under valgrind
 * 3.19 (Debian 12's), which does not know pidfd_open: the library then
 * watches exits with kill(pid, 0), and holds an epoll set but no pidfd.
 */
static inline int fx_have_pidfd(void)
{
	static int have = -1;
	int fd;

	if (have < 0) {
		fd = (int)syscall(SYS_pidfd_open, getpid(), 0);
		have = fd >= 0;
		if (fd >= 0)
			close(fd);
	}
	return have;
}

static void fx_teardown(void)
{
	if (ns_a[0] == '\0')
		return;
	sh("ip netns del %s", ns_a);
	sh("ip netns del %s", ns_b);
	sh("ip link del %s", host_veth);
}

static void fx_setup(void)
{
	skipped = NULL;
	if (geteuid() != 0) {
		skipped = "needs root to make network namespaces";
		return;
	}
	snprintf(ns_a, sizeof(ns_a), "pcc-unit-%d-a", (int)getpid());
	snprintf(ns_b, sizeof(ns_b), "pcc-unit-%d-b", (int)getpid());
	snprintf(host_veth, sizeof(host_veth), "pcu%dh", (int)getpid());
	fx_teardown();		/* a run before with this pid that did not finish */
	if (sh("ip netns add %s", ns_a) != 0 || sh("ip netns add %s", ns_b) != 0) {
		fx_teardown();
		skipped = "cannot make network namespaces (ip netns add)";
		return;
	}
	if (sh("ip -n %s link set lo up", ns_a) != 0 ||
	    sh("ip -n %s link set lo up", ns_b) != 0 ||
	    sh("ip link add name pcu-ab netns %s type veth peer name pcu-ba netns %s",
	       ns_a, ns_b) != 0 ||
	    sh("ip -n %s addr add " ADDR_A "/30 dev pcu-ab", ns_a) != 0 ||
	    sh("ip -n %s addr add " ADDR_B "/30 dev pcu-ba", ns_b) != 0 ||
	    sh("ip -n %s link set pcu-ab up", ns_a) != 0 ||
	    sh("ip -n %s link set pcu-ba up", ns_b) != 0 ||
	    sh("ip link add name %s type veth peer name pcu-h netns %s", host_veth, ns_a) != 0 ||
	    sh("ip link set %s up", host_veth) != 0 ||
	    sh("ip -n %s link set pcu-h up", ns_a) != 0 ||
	    sh("ip -n %s link add name 'pcu\"q' type veth peer name pcu-q2", ns_a) != 0) {
		fx_teardown();
		skipped = "cannot make veth pairs (ip link add ... type veth)";
	}
}

/* In a test: skip it, saying why, if the fixture could not be made. */
#define FX_SKIP_UNLESS_READY()						\
	do {								\
		if (skipped != NULL) {					\
			printf("%s: skipped: %s\n", __func__, skipped);	\
			return;						\
		}							\
	} while (0)

static inline int fx_enter(const char *ns)
{
	char path[96];
	int fd, rc;

	snprintf(path, sizeof(path), "/run/netns/%s", ns);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	rc = setns(fd, CLONE_NEWNET) < 0 ? -errno : 0;
	close(fd);
	return rc;
}

/*
 * Start a process in namespace ns (NULL: ours) that runs body (NULL: waits
 * to be killed) once there, and return when it is ready: body writes
 * to fd ready when it is; without body it is ready at once.
 */
typedef void (*fx_body)(int ready);

static inline pid_t fx_spawn(const char *ns, fx_body body)
{
	pid_t parent = getpid(), pid;
	int p[2];
	char c;

	ck_assert_int_eq(pipe2(p, O_CLOEXEC), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(1);
		close(p[0]);
		if (ns != NULL && fx_enter(ns) < 0)
			_exit(2);
		if (body != NULL)
			body(p[1]);
		else if (write(p[1], "r", 1) != 1)
			_exit(3);
		for (;;)
			pause();
	}
	close(p[1]);
	ck_assert_msg(read(p[0], &c, 1) == 1, "process in %s did not start", ns ? ns : "our namespace");
	close(p[0]);
	return pid;
}

static inline void fx_reap(pid_t pid)
{
	kill(pid, SIGKILL);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
}

static inline unsigned fx_count(const char *dir)
{
	struct dirent *de;
	unsigned n = 0;
	DIR *d = opendir(dir);

	ck_assert_ptr_nonnull(d);
	while ((de = readdir(d)) != NULL)
		if (de->d_name[0] != '.')
			n++;
	closedir(d);
	return n - (strcmp(dir, "/proc/self/fd") == 0);	/* opendir's own */
}

static inline unsigned fx_fds(void)
{
	return fx_count("/proc/self/fd");
}

static inline unsigned fx_threads(void)
{
	return fx_count("/proc/self/task");
}

/* The inode of namespace ns (as /run/netns/<ns>). */
static inline ino_t fx_ns_ino(const char *ns)
{
	char path[96];
	struct stat st;

	snprintf(path, sizeof(path), "/run/netns/%s", ns);
	ck_assert_int_eq(stat(path, &st), 0);
	return st.st_ino;
}

#endif /* PCC_NETNS_FX_H */
