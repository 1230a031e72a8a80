/*
 * cache.c - instance caches that survive the agent being killed while it
 * saves them.
 *
 * libpcp_pmda saves an instance cache by rewriting
 * $PCP_VAR_DIR/config/pmda/<indom> in place (fopen "w", fprintf, fclose).
 * An agent killed in between (kill -9, the OOM killer, pmdaproc.sh's
 * "Terminate PMDA" escalating to SIGKILL) leaves the file cut short, and the
 * next start gives the numbers it lost to other names: one container's
 * values under another's instance for every client that held them.  With
 * containers coming and going the caches are saved several times a second
 * (every new name), so the window is real: 42 kills during qa/lab/churn.sh
 * gave 400 misattributions.
 *
 * So after each save the file is copied, by writing a temporary file and
 * rename(2), into a directory of our own, $PCP_VAR_DIR/config/pmda/containers
 * (Install makes it root-owned: the agent keeps no CAP_DAC_OVERRIDE and could
 * not create files in pmda/, which pcp owns).  At start-up, before the cache
 * is loaded, a file that does not end in a newline or lacks an entry its
 * copy has is replaced by the copy.  A save is done, and copied, before the
 * reply that shows its new numbers is sent, so a number a client has seen
 * is always in the copy.
 *
 * Entries culled (cull.c) leave the copy before they leave the file
 * (cache_cull), so the copy never has an entry the file lost on purpose,
 * and the check above stays "the file has every entry of its copy".
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pmda.h"

#define CACHE_FILE_MAX	(256u << 20)	/* bytes of a cache file we read */

static int copy_err;		/* last copy error logged */

/* buf: $PCP_VAR_DIR/config/pmda/ followed by fmt; -ENOENT without PCP_VAR_DIR */
int var_path(char *buf, size_t len, const char *fmt, ...)
{
	const char *vdir = pmGetOptionalConfig("PCP_VAR_DIR");
	va_list ap;
	int n;

	if (vdir == NULL)
		return -ENOENT;
	n = pmsprintf(buf, len, "%s/config/pmda/", vdir);
	va_start(ap, fmt);
	vsnprintf(buf + n, len - n, fmt, ap);
	va_end(ap);
	return 0;
}

static int cache_paths(pmInDom indom, char *file, char *copy, size_t len)
{
	const char *vdir = pmGetOptionalConfig("PCP_VAR_DIR");
	char id[32];

	if (vdir == NULL)
		return -ENOENT;
	pmInDomStr_r(indom, id, sizeof(id));
	pmsprintf(file, len, "%s/config/pmda/%s", vdir, id);
	pmsprintf(copy, len, "%s/config/pmda/containers/%s", vdir, id);
	return 0;
}

/* The whole of file, NUL-terminated, in *ret_buf; its length or -errno. */
static ssize_t slurp(const char *file, char **ret_buf)
{
	struct stat st;
	ssize_t n = 0, r;
	char *buf;
	int fd;

	if ((fd = open(file, O_RDONLY | O_CLOEXEC)) < 0)
		return -errno;
	if (fstat(fd, &st) < 0 || (size_t)st.st_size > CACHE_FILE_MAX ||
	    (buf = malloc(st.st_size + 1)) == NULL) {
		close(fd);
		return -ENOMEM;
	}
	while (n < st.st_size && (r = read(fd, buf + n, st.st_size - n)) > 0)
		n += r;
	close(fd);
	buf[n] = '\0';
	*ret_buf = buf;
	return n;
}

/* An entry line "INST STAMP [KEY] NAME": its instance and name, or NULL. */
static const char *entry_name(const char *line, long *ret_inst)
{
	char *end;

	*ret_inst = strtol(line, &end, 10);
	if (end == line || *end != ' ')
		return NULL;
	strtol(end + 1, &end, 10);	/* the stamp: not compared */
	if (*end != ' ')
		return NULL;
	end++;
	if (*end == '[' && (end = strchr(end, ']')) != NULL)
		end += 2;
	return end;
}

static int cmp_entry(const void *a, const void *b)
{
	const char *x = *(char *const *)a, *y = *(char *const *)b, *nx, *ny;
	long ix, iy;

	nx = entry_name(x, &ix);
	ny = entry_name(y, &iy);
	if (ix != iy)
		return ix < iy ? -1 : 1;
	return strcmp(nx, ny);
}

/* The entry lines of buf (cut at their newlines), sorted; count or -ENOMEM. */
static ssize_t entries(char *buf, char ***ret_lines)
{
	char **lines = NULL, **l, *p = strchr(buf, '\n'), *nl;
	size_t n = 0, cap = 0;
	long inst;

	while (p != NULL && *++p != '\0' && (nl = strchr(p, '\n')) != NULL) {
		*nl = '\0';
		if (entry_name(p, &inst) != NULL) {
			if (n == cap) {
				cap = cap ? 2 * cap : 256;
				if ((l = realloc(lines, cap * sizeof(*l))) == NULL) {
					free(lines);
					return -ENOMEM;
				}
				lines = l;
			}
			lines[n++] = p;
		}
		p = nl;
	}
	if (n > 1)		/* lines is NULL when there are none */
		qsort(lines, n, sizeof(*lines), cmp_entry);
	*ret_lines = lines;
	return (ssize_t)n;
}

/* Has the cache file (cur, n bytes) every entry of its copy (m bytes)? */
static int covers(const char *cur, ssize_t n, const char *copy, ssize_t m)
{
	char **a = NULL, **b = NULL, *x = NULL, *y = NULL;
	ssize_t na = -1, nb = -1, i = 0, j = 0;
	int c, ok;

	if (n == 0 || cur[n - 1] != '\n')
		return 0;		/* cut short */
	/* entries() cuts the lines it finds: work on copies */
	if ((x = strndup(cur, n)) != NULL && (y = strndup(copy, m)) != NULL &&
	    (na = entries(x, &a)) >= 0)
		nb = entries(y, &b);
	if (nb < 0) {
		free(a);
		free(x);
		free(y);
		return 1;		/* no memory to judge: leave it */
	}
	while (j < nb && i < na) {
		c = cmp_entry(&a[i], &b[j]);
		if (c == 0)
			j++;
		if (c <= 0)
			i++;
		else
			break;		/* b[j] is not in a */
	}
	ok = j == nb;
	free(a);
	free(b);
	free(x);
	free(y);
	return ok;
}

void cache_restore(pmInDom indom)
{
	char file[MAXPATHLEN], copy[MAXPATHLEN], *cur = NULL, *old = NULL;
	ssize_t n, m;
	FILE *f;

	if (cache_paths(indom, file, copy, sizeof(file)) < 0 || (m = slurp(copy, &old)) <= 0)
		return;		/* no copy (yet): nothing to compare with */
	n = slurp(file, &cur);
	if (n >= 0 && covers(cur, n, old, m)) {
		free(cur);
		free(old);
		return;
	}
	if ((f = fopen(file, "w")) == NULL) {
		pmNotifyErr(LOG_ERR, "%s is cut short and cannot be restored from %s: %s",
			    file, copy, pmErrStr(-errno));
	} else {
		fwrite(old, 1, m, f);
		if (fclose(f) != 0)
			pmNotifyErr(LOG_ERR, "restoring %s: %s", file, pmErrStr(-errno));
		else
			pmNotifyErr(LOG_WARNING, "%s was cut short (the agent stopped while saving it): "
				    "restored from %s", file, copy);
	}
	free(cur);
	free(old);
}

/* Write n bytes of buf to copy, atomically (tmp + rename); 0 or -errno. */
static int write_copy(const char *copy, const char *buf, size_t n)
{
	char tmp[MAXPATHLEN + 8];
	int fd, rc = 0;

	pmsprintf(tmp, sizeof(tmp), "%s.tmp", copy);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)) < 0)
		return -errno;
	if (write(fd, buf, n) != (ssize_t)n)
		rc = errno ? -errno : -EIO;
	if (close(fd) < 0 && rc == 0)
		rc = -errno;
	if (rc == 0 && rename(tmp, copy) < 0)
		rc = -errno;
	if (rc < 0)
		unlink(tmp);
	return rc;
}

static void copy_failed(const char *file, const char *copy, int rc)
{
	if (rc < 0 && rc != copy_err)
		pmNotifyErr(LOG_WARNING, "copying %s to %s: %s; a save cut short would lose "
			    "instance numbers", file, copy, pmErrStr(rc));
	copy_err = rc;
}

/* Copy the cache file just saved over its copy, atomically. */
static void cache_copy(pmInDom indom)
{
	char file[MAXPATHLEN], copy[MAXPATHLEN], *buf = NULL;
	ssize_t n;

	if (cache_paths(indom, file, copy, sizeof(file)) < 0)
		return;
	n = slurp(file, &buf);
	copy_failed(file, copy, n < 0 ? (int)n : write_copy(copy, buf, n));
	free(buf);
}

/*
 * Write the copy as the cache file (as last saved) less the entries that
 * pmdaCache no longer has: those just culled.  0 or -errno.
 */
static int copy_less_culled(pmInDom indom, const char *file, const char *copy)
{
	char *buf = NULL, *p, *nl, *q;
	ssize_t n;
	long inst;
	int rc;

	if ((n = slurp(file, &buf)) < 0)
		return (int)n;
	/* keep the header and every entry still there, in place */
	p = q = (nl = strchr(buf, '\n')) != NULL ? nl + 1 : buf + n;
	while (*p != '\0') {
		size_t len = (nl = strchr(p, '\n')) != NULL ? (size_t)(nl + 1 - p) : strlen(p);

		if (entry_name(p, &inst) == NULL || inst < 0 || inst > INT32_MAX ||
		    pmdaCacheLookup(indom, (int)inst, NULL, NULL) >= 0) {
			memmove(q, p, len);
			q += len;
		}
		p += len;
	}
	rc = write_copy(copy, buf, q - buf);
	free(buf);
	return rc;
}

void cache_save(pmInDom indom)
{
	/* > 0: the file was written (entries saved); 0: nothing had changed */
	if (pmdaCacheOp(indom, PMDA_CACHE_SAVE) > 0)
		cache_copy(indom);
}

void cache_cull(pmInDom indom)
{
	char file[MAXPATHLEN], copy[MAXPATHLEN];
	int rc;

	if (cache_paths(indom, file, copy, sizeof(file)) < 0)
		return;
	/* the copy first: from now on it has no culled entry to restore */
	if ((rc = copy_less_culled(indom, file, copy)) < 0) {
		copy_failed(file, copy, rc);
		return;		/* the culls are saved, and copied, with the next new name */
	}
	/* 0 also when no entry is left: copy whatever it wrote */
	if ((rc = pmdaCacheOp(indom, PMDA_CACHE_SAVE)) >= 0)
		cache_copy(indom);
	else
		pmNotifyErr(LOG_WARNING, "saving %s: %s", file, pmErrStr(rc));
}

ssize_t cache_insts(pmInDom indom, int **ret_insts)
{
	char file[MAXPATHLEN], copy[MAXPATHLEN], *buf = NULL, **lines = NULL;
	ssize_t n, i, k = 0;
	int *insts;
	long inst;

	if (cache_paths(indom, file, copy, sizeof(file)) < 0)
		return -ENOENT;
	if ((n = slurp(file, &buf)) < 0)
		return n;
	if ((n = entries(buf, &lines)) < 0 ||
	    (insts = malloc((n ? n : 1) * sizeof(*insts))) == NULL) {
		free(lines);
		free(buf);
		return -ENOMEM;
	}
	for (i = 0; i < n; i++) {
		entry_name(lines[i], &inst);
		if (inst >= 0 && inst <= INT32_MAX)
			insts[k++] = (int)inst;
	}
	free(lines);
	free(buf);
	*ret_insts = insts;
	return k;
}
