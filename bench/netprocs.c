/*
 * netprocs.c - a process with a network namespace of its own in each of
 * many container cgroups, for bench/run.sh's measure of network
 * namespaces at scale (every container attached: a socket and a pidfd
 * each, from the same fd budget as the kept cgroup files).
 *
 * usage: netprocs SECONDS HIERARCHY... < dirs      (root)
 *
 * For each line of stdin (a cgroup directory relative to each HIERARCHY
 * mount point), a child joins that cgroup in every hierarchy (writes 0,
 * itself, to cgroup.procs), unshares its network namespace (lo only, no
 * traffic) and sleeps.  Prints each child's pid, one a line, once all are
 * in place, and exits; the children are the caller's to end, by pid.  A
 * child that is never ended ends by itself after SECONDS (alarm), so a
 * benchmark killed halfway leaves nothing running for long.  Exits 1 if a
 * child could not get into place (its reason on stderr; those in place are
 * ended first).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int join(char **hier, int nhier, const char *dir)
{
	char path[PATH_MAX];
	int i, fd;

	for (i = 0; i < nhier; i++) {
		snprintf(path, sizeof(path), "%s/%s/cgroup.procs", hier[i], dir);
		if ((fd = open(path, O_WRONLY | O_CLOEXEC)) < 0)
			return -errno;
		if (write(fd, "0", 1) != 1) {
			close(fd);
			return -errno;
		}
		close(fd);
	}
	return 0;
}

int main(int argc, char **argv)
{
	char *line = NULL, c;
	size_t cap = 0, n = 0, max = 0, i;
	pid_t *pids = NULL, *grown, pid;
	unsigned secs;
	ssize_t len;
	int p[2], rc;

	if (argc < 3 || (secs = (unsigned)atoi(argv[1])) == 0) {
		fprintf(stderr, "usage: netprocs SECONDS HIERARCHY... < dirs\n");
		return 2;
	}
	while ((len = getline(&line, &cap, stdin)) > 0) {
		if (line[len - 1] == '\n')
			line[--len] = '\0';
		if (len == 0)
			continue;
		if (n == max) {
			max = max ? 2 * max : 1024;
			if ((grown = realloc(pids, max * sizeof(*pids))) == NULL)
				goto fail;
			pids = grown;
		}
		if (pipe2(p, O_CLOEXEC) < 0 || (pid = fork()) < 0) {
			perror("netprocs");
			goto fail;
		}
		if (pid == 0) {
			close(p[0]);
			alarm(secs);
			rc = join(&argv[2], argc - 2, line);
			if (rc == 0 && unshare(CLONE_NEWNET) < 0)
				rc = -errno;
			if (rc < 0) {
				fprintf(stderr, "netprocs: %s: %s\n", line, strerror(-rc));
				_exit(1);
			}
			c = 'r';
			if (write(p[1], &c, 1) != 1)
				_exit(1);
			close(p[1]);
			for (;;)
				pause();
		}
		close(p[1]);
		pids[n++] = pid;
		rc = (int)read(p[0], &c, 1);	/* ready, or the child's end (0) */
		close(p[0]);
		if (rc != 1)
			goto fail;
	}
	for (i = 0; i < n; i++)
		printf("%d\n", (int)pids[i]);
	free(line);
	free(pids);
	return fflush(stdout) == 0 ? 0 : 1;
fail:
	for (i = 0; i < n; i++)
		kill(pids[i], SIGKILL);
	for (i = 0; i < n; i++)
		waitpid(pids[i], NULL, 0);
	return 1;
}
