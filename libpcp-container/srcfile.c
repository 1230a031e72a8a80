/*
 * srcfile.c - opening and reading the files engines keep about their
 * containers, for engine metadata.
 *
 * Engine directories (/var/lib/docker, /run/containerd/...) are opened
 * once, below the sysroot unless a PCC_*_DIR variable names them, and kept
 * as O_PATH fds; per-container files are opened relative to them.  A kept
 * fd whose directory was removed (an engine reinstalled) is noticed when a
 * file is not found below it (st_nlink 0) and reopened.
 *
 * Files under a user's home (rootless podman and docker) are the user's to
 * shape: they are reached without following any symlink, through openat2
 * RESOLVE_NO_SYMLINKS|RESOLVE_BENEATH where the kernel has it, else one
 * component at a time with O_NOFOLLOW; they must be regular files owned by
 * that user.  Every file is opened O_NONBLOCK (a FIFO planted in place of a
 * file must not hang the reader) and must be a regular file, and is read
 * with a size bound checked before the read.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "engine.h"

static const struct {
	const char *env;	/* the override */
	const char *path;	/* default, below the sysroot; NULL: none */
	const char *sub;	/* below either, NULL: the directory itself */
} edirs[NEDIR] = {
	[EDIR_DOCKER] = { "PCC_DOCKER_DIR", "/var/lib/docker", NULL },
	[EDIR_PODMAN] = { "PCC_PODMAN_DIR", "/var/lib/containers/storage", NULL },
	[EDIR_CONTAINERD] = { "PCC_CONTAINERD_DIR", "/run/containerd", "io.containerd.runtime.v2.task" },
	[EDIR_CRIO] = { "PCC_CRIO_DIR", "/run/containers/storage", NULL },
	[EDIR_LXC] = { "PCC_LXC_DIR", "/var/lib/lxc", NULL },
	[EDIR_MACHINES] = { "PCC_MACHINES_DIR", "/run/systemd/machines", NULL },
	[EDIR_HOMES] = { "PCC_HOME_DIR", NULL, NULL },
};

int src_env_load(struct pcc_engines *e)
{
	const char *v;

	for (int d = 0; d < NEDIR; d++) {
		v = getenv(edirs[d].env);
		if (v && *v && (e->env[d] = strdup(v)) == NULL)
			return -ENOMEM;
	}
	return 0;
}

static int enoent_is_nodata(int err)
{
	return err == -ENOENT ? -ENODATA : err;
}

void src_init(struct src *s, bool optional)
{
	memset(s, 0, sizeof(*s));
	s->fd = -1;
	s->optional = optional;
	s->key.err = -ENODATA;
}

void src_close(struct src *s)
{
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
}

bool src_key_eq(const struct srckey *a, const struct srckey *b)
{
	if (a->err != b->err)
		return false;
	if (a->err != 0)
		return true;
	return a->dev == b->dev && a->ino == b->ino && a->size == b->size &&
	       a->mtime.tv_sec == b->mtime.tv_sec && a->mtime.tv_nsec == b->mtime.tv_nsec &&
	       a->ctime.tv_sec == b->ctime.tv_sec && a->ctime.tv_nsec == b->ctime.tv_nsec;
}

bool src_name_ok(const char *name)
{
	size_t len = strnlen(name, NAME_MAX + 1);

	if (len == 0 || len > NAME_MAX || strchr(name, '/'))
		return false;
	return strcmp(name, ".") != 0 && strcmp(name, "..") != 0;
}

/* ------------------------------------------------------------ directories */

static int dir_open(struct pcc_engines *e, enum edir d)
{
	int base, fd;

	if (e->env[d])
		base = open(e->env[d], O_PATH | O_DIRECTORY | O_CLOEXEC);
	else if (edirs[d].path)
		base = pcc_sysroot_openat(e->rootfd, edirs[d].path, O_PATH | O_DIRECTORY);
	else
		return -ENODATA;
	if (base < 0)
		return enoent_is_nodata(e->env[d] ? -errno : base);
	if (edirs[d].sub == NULL)
		return base;
	fd = openat(base, edirs[d].sub, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		fd = enoent_is_nodata(-errno);
	close(base);
	return fd;
}

int src_dir(struct pcc_engines *e, enum edir d)
{
	int fd;

	if (e->dirfd[d] >= 0)
		return e->dirfd[d];
	fd = dir_open(e, d);
	if (fd >= 0)
		e->dirfd[d] = fd;
	return fd;
}

int src_dir_reopen(struct pcc_engines *e, enum edir d)
{
	struct stat st;

	if (e->dirfd[d] < 0)
		return src_dir(e, d);
	if (fstat(e->dirfd[d], &st) == 0 && st.st_nlink > 0)
		return -EEXIST;		/* still there: nothing to reopen */
	close(e->dirfd[d]);
	e->dirfd[d] = -1;
	return src_dir(e, d);
}

/* ------------------------------------------------------------ files */

/* Fill s from the open fd: a regular file (owned by uid unless uid is -1). */
static void src_take(struct src *s, int fd, long uid)
{
	struct stat st;

	if (fd < 0) {
		s->key.err = enoent_is_nodata(fd);
		return;
	}
	if (fstat(fd, &st) < 0) {
		s->key.err = -errno;
		close(fd);
		return;
	}
	if (!S_ISREG(st.st_mode) || (uid >= 0 && st.st_uid != (uid_t)uid)) {
		s->key.err = -EPERM;
		close(fd);
		return;
	}
	s->fd = fd;
	s->key.err = 0;
	s->key.dev = st.st_dev;
	s->key.ino = st.st_ino;
	s->key.size = st.st_size;
	s->key.mtime = st.st_mtim;
	s->key.ctime = st.st_ctim;
}

void src_openat(int dirfd, const char *rel, struct src *s)
{
	int fd = openat(dirfd, rel, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);

	src_take(s, fd < 0 ? -errno : fd, -1);
}

int src_open(struct pcc_engines *e, enum edir d, const char *rel, struct src *s)
{
	int dirfd = src_dir(e, d);

	if (dirfd < 0) {
		s->key.err = dirfd;
		return dirfd == -ENOMEM ? dirfd : 0;
	}
	src_openat(dirfd, rel, s);
	if (s->key.err == -ENODATA && src_dir_reopen(e, d) >= 0)
		src_openat(e->dirfd[d], rel, s);
	return 0;
}

/*
 * One step of a walk that follows no symlink: open comp below fd as a
 * directory (O_PATH) or, if last_file, as the file to read.
 */
static int step(int fd, const char *comp, bool last_file)
{
	struct stat st;
	int nfd, rc;

	if (last_file) {
		nfd = openat(fd, comp, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
		return nfd < 0 ? -errno : nfd;
	}
	nfd = openat(fd, comp, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (nfd < 0)
		return -errno;
	if (fstat(nfd, &st) < 0) {
		rc = -errno;
		close(nfd);
		return rc;
	}
	if (!S_ISDIR(st.st_mode)) {
		close(nfd);
		return S_ISLNK(st.st_mode) ? -ELOOP : -ENOTDIR;
	}
	return nfd;
}

static int walk_manual(int dirfd, const char *rel, bool file)
{
	char comp[NAME_MAX + 1];
	const char *p = rel, *end;
	int fd = dirfd, nfd;
	size_t len;

	for (;;) {
		end = p + strcspn(p, "/");
		len = (size_t)(end - p);
		if (len == 0 || len > NAME_MAX) {
			nfd = -EINVAL;
			break;
		}
		memcpy(comp, p, len);
		comp[len] = '\0';
		nfd = step(fd, comp, file && *end == '\0');
		if (fd != dirfd)
			close(fd);
		if (nfd < 0 || *end == '\0')
			return nfd;
		fd = nfd;
		p = end + 1;
	}
	if (fd != dirfd)
		close(fd);
	return nfd;
}

/* Open rel below dirfd following no symlink: an O_PATH directory or a file to read. */
static int open_nofollow(struct pcc_engines *e, int dirfd, const char *rel, bool file)
{
	struct open_how how = {
		.flags = (file ? O_RDONLY | O_NONBLOCK : O_PATH | O_DIRECTORY) | O_CLOEXEC,
		.resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS | RESOLVE_BENEATH,
	};
	int fd;

	if (strstr(rel, "..") || rel[0] == '/')
		return -EINVAL;
	if (!e->no_openat2) {
		fd = (int)syscall(SYS_openat2, dirfd, rel, &how, sizeof(how));
		if (fd >= 0)
			return fd;
		if (errno != ENOSYS && errno != EPERM && errno != E2BIG)
			return -errno;
		e->no_openat2 = true;	/* seccomp or an old kernel */
	}
	return walk_manual(dirfd, rel, file);
}

/* uid's home directory from the passwd database (/home/<name> if none given). */
static int passwd_home(uid_t uid, char **ret_path)
{
	struct passwd pw, *res = NULL;
	long sz = sysconf(_SC_GETPW_R_SIZE_MAX);
	size_t bufsz = sz > 0 ? (size_t)sz : 16384;
	char *buf = NULL, *nbuf, *path = NULL;
	int rc;

	for (;;) {
		nbuf = realloc(buf, bufsz);
		if (nbuf == NULL) {
			free(buf);
			return -ENOMEM;
		}
		buf = nbuf;
		rc = getpwuid_r(uid, &pw, buf, bufsz, &res);
		if (rc != ERANGE || bufsz >= (1u << 20))
			break;
		bufsz *= 2;
	}
	if (rc != 0 || res == NULL)
		rc = rc == ENOMEM ? -ENOMEM : -ESRCH;
	else if (pw.pw_dir && pw.pw_dir[0] == '/')
		rc = (path = strdup(pw.pw_dir)) ? 0 : -ENOMEM;
	else if (src_name_ok(pw.pw_name))
		rc = asprintf(&path, "/home/%s", pw.pw_name) < 0 ? -ENOMEM : 0;
	else
		rc = -ESRCH;
	free(buf);
	if (rc == 0)
		*ret_path = path;
	return rc;
}

/*
 * uid's home below the sysroot.  Paths found are kept: the passwd database
 * (NSS: perhaps LDAP) is asked again only for a home that is not there.
 */
static int home_passwd(struct pcc_engines *e, uid_t uid)
{
	struct home_ent *nh;
	char *path = NULL;
	size_t i;
	int fd, rc;

	for (i = 0; i < e->nhomes; i++) {
		if (e->homes[i].uid != uid)
			continue;
		fd = pcc_sysroot_openat(e->rootfd, e->homes[i].path, O_PATH | O_DIRECTORY);
		if (fd != -ENOENT)
			return fd;
		free(e->homes[i].path);		/* moved? ask again */
		e->homes[i] = e->homes[--e->nhomes];
		break;
	}
	rc = passwd_home(uid, &path);
	if (rc < 0)
		return rc;
	fd = pcc_sysroot_openat(e->rootfd, path, O_PATH | O_DIRECTORY);
	nh = fd >= 0 ? realloc(e->homes, (e->nhomes + 1) * sizeof(*nh)) : NULL;
	if (nh == NULL) {
		free(path);		/* not kept: asked again next time */
		return fd;
	}
	e->homes = nh;
	e->homes[e->nhomes].uid = uid;
	e->homes[e->nhomes++].path = path;
	return fd;
}

void src_free(struct pcc_engines *e)
{
	for (size_t i = 0; i < e->nhomes; i++)
		free(e->homes[i].path);
	free(e->homes);
	e->homes = NULL;
	e->nhomes = 0;
}

int src_home(struct pcc_engines *e, long uid, const char *sub)
{
	char num[24];
	int homes, home, fd;

	if (uid < 0 || uid > (long)UINT32_MAX - 1)
		return -ESRCH;
	if (e->env[EDIR_HOMES]) {
		homes = src_dir(e, EDIR_HOMES);
		if (homes < 0)
			return homes == -ENODATA ? -ESRCH : homes;
		snprintf(num, sizeof(num), "%ld", uid);
		home = openat(homes, num, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (home < 0)
			home = errno == ENOENT ? -ESRCH : -errno;
	} else {
		home = home_passwd(e, (uid_t)uid);
		if (home == -ENOENT)
			home = -ESRCH;
	}
	if (home < 0)
		return home;
	fd = open_nofollow(e, home, sub, false);
	close(home);
	return enoent_is_nodata(fd);
}

void src_open_user(struct pcc_engines *e, int dirfd, const char *rel, uid_t uid,
		   struct src *s)
{
	src_take(s, open_nofollow(e, dirfd, rel, true), (long)uid);
}

/* ------------------------------------------------------------ reading */

ssize_t src_read(struct pcc_engines *e, struct src *s, size_t max)
{
	ssize_t n;
	char *nbuf;

	if (s->key.err < 0)
		return s->key.err;
	if (s->key.size < 0 || (size_t)s->key.size > max)
		return -EFBIG;
	/* room for all of it plus the byte that tells "grew since fstat" */
	if (e->cap < (size_t)s->key.size + 2) {
		nbuf = realloc(e->buf, (size_t)s->key.size + 2);
		if (nbuf == NULL)
			return -ENOMEM;
		e->buf = nbuf;
		e->cap = (size_t)s->key.size + 2;
	}
	n = pcc_read_fd(s->fd, &e->buf, &e->cap, max);
	if (n >= 0) {
		e->st.files_read++;
		e->st.bytes_read += (uint64_t)n;
	}
	return n;
}

void src_buf_trim(struct pcc_engines *e)
{
	if (e->cap > BUF_KEEP) {
		free(e->buf);
		e->buf = NULL;
		e->cap = 0;
	}
}
