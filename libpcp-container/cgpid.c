/*
 * cgpid.c - a process of a container, found from its cgroup, so that the
 * namespaces it is in can be looked at (/proc/PID/ns/net).  The contract
 * is pcc_cgroup_pid's in pcp-container.h.
 *
 * Called when a container is added, or when the process a reader went
 * through has gone: not on every fetch.  The container's own cgroup is
 * tried first in each hierarchy (the v2 one first: where v1 and v2 are both
 * mounted the runtime may have made the cgroup in only one).  An empty one
 * is normal under cgroup v2 with an init inside the container, which puts
 * every process in child cgroups; those are searched depth first, to a
 * bound, without following symlinks.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pcp-container.h"

#define PROCS_MAX	(4u << 20)	/* bytes of one cgroup.procs: half a million pids */
#define DEPTH_MAX	8		/* child cgroup levels searched below the container's */

/* The cgroup path below h's mount, for openat: "." for the mount itself. */
static const char *below_mount(const struct pcc_hier *h, const char *path)
{
	const char *rel = pcc_hier_relpath(h, path);

	return *rel ? rel : ".";
}

/* The lowest pid of a cgroup.procs text, 0 if it has none. */
static pid_t lowest_pid(const char *p, const char *end)
{
	long best = 0, v;

	while (p < end) {
		if (*p < '0' || *p > '9') {
			p++;
			continue;
		}
		for (v = 0; p < end && *p >= '0' && *p <= '9'; p++)
			v = v < 1L << 40 ? v * 10 + (*p - '0') : v;
		if (v > 0 && v <= 0x7fffffff && (best == 0 || v < best))
			best = v;
	}
	return (pid_t)best;
}

static inline int vanished(int err)
{
	return err == -ENOENT || err == -ENODEV || err == -ESRCH;
}

static int scan(int dirfd, unsigned depth, char **buf, size_t *cap, pid_t *ret_pid);

/* Depth first through the child cgroups of dirfd. */
static int scan_children(int dirfd, unsigned depth, char **buf, size_t *cap, pid_t *ret_pid)
{
	struct dirent *de;
	DIR *dir;
	int fd, sub, rc = -ESRCH;

	fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return vanished(-errno) ? -ENOENT : -errno;
	dir = fdopendir(fd);
	if (dir == NULL) {
		close(fd);
		return -ENOMEM;
	}
	while (rc == -ESRCH && (de = readdir(dir)) != NULL) {
		if ((de->d_type != DT_DIR && de->d_type != DT_UNKNOWN) ||
		    strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		sub = openat(dirfd, de->d_name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (sub < 0)
			continue;	/* not a directory, or gone */
		rc = scan(sub, depth + 1, buf, cap, ret_pid);
		close(sub);
		if (rc == -ENOENT)
			rc = -ESRCH;	/* that child went; its siblings may do */
	}
	closedir(dir);
	return rc;
}

/* The lowest pid of the cgroup at dirfd, else of its children. */
static int scan(int dirfd, unsigned depth, char **buf, size_t *cap, pid_t *ret_pid)
{
	ssize_t n;
	pid_t pid;
	int fd;

	fd = openat(dirfd, "cgroup.procs", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return vanished(-errno) ? -ENOENT : -errno;
	n = pcc_read_fd(fd, buf, cap, PROCS_MAX);
	close(fd);
	if (n < 0)
		return vanished((int)n) ? -ENOENT : (int)n;
	pid = lowest_pid(*buf, *buf + n);
	if (pid > 0) {
		*ret_pid = pid;
		return 0;
	}
	if (depth >= DEPTH_MAX)
		return -ESRCH;
	return scan_children(dirfd, depth, buf, cap, ret_pid);
}

int pcc_cgroup_pid(const struct pcc_mounts *m, const char *path, pid_t *ret_pid)
{
	char *buf = NULL;
	size_t cap = 0, k;
	int dirfd, rc, result = -ENOENT;
	pid_t pid = 0;

	if (m == NULL || ret_pid == NULL || !pcc_cgroup_path_ok(path))
		return -EINVAL;
	/* two passes: the v2 hierarchy, then the v1 ones */
	for (k = 0; k < 2 * m->nhier; k++) {
		const struct pcc_hier *h = &m->hier[k % m->nhier];

		if (h->dirfd < 0 || (h->version == 2) != (k < m->nhier))
			continue;
		dirfd = openat(h->dirfd, below_mount(h, path),
			       O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (dirfd < 0)
			continue;	/* not in this hierarchy */
		rc = scan(dirfd, 0, &buf, &cap, &pid);
		close(dirfd);
		if (rc != -ENOENT)
			result = rc;	/* the cgroup is there: -ESRCH unless found */
		if (rc == 0 || rc == -ENOMEM)
			break;
	}
	free(buf);
	if (result == 0)
		*ret_pid = pid;
	return result;
}
