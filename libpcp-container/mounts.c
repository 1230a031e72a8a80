/*
 * mounts.c - which cgroup hierarchies a host has, and which one to read each
 * controller from.
 *
 * The answer comes from mountinfo, not from guessing paths: hosts mount v1
 * controllers alone (/sys/fs/cgroup/memory) or co-mounted
 * (/sys/fs/cgroup/cpu,cpuacct), cgroup2 at /sys/fs/cgroup (pure v2) or at
 * /sys/fs/cgroup/unified (hybrid).  On a hybrid host a controller is read
 * from the v1 hierarchy that has it, because a controller bound to v1 is
 * never enabled on v2; pressure files exist only on v2.  A hierarchy mounted
 * twice (bind mounts) is kept once, preferring the mount of its root.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pcp-container.h"

#define MAX_HIER	32	/* struct pcc_container.present is 32 bits */
#define MOUNTINFO_MAX	(4u << 20)
#define CONTROLLERS_MAX	4096

static const struct {
	const char *name;
	unsigned v1, v2;	/* ctrl bits this name stands for on v1 / on v2 */
} ctrl_names[] = {
	{ "cpu",	  1u << PCC_CTRL_CPU,	  1u << PCC_CTRL_CPU | 1u << PCC_CTRL_CPUACCT },
	{ "cpuacct",	  1u << PCC_CTRL_CPUACCT, 0 },
	{ "memory",	  1u << PCC_CTRL_MEMORY,  1u << PCC_CTRL_MEMORY },
	{ "blkio",	  1u << PCC_CTRL_IO,	  0 },
	{ "io",		  0,			  1u << PCC_CTRL_IO },
	{ "pids",	  1u << PCC_CTRL_PIDS,	  1u << PCC_CTRL_PIDS },
	{ "name=systemd", 1u << PCC_CTRL_SYSTEMD, 0 },
};

/* Bits for one comma- or space-separated list of controller names. */
static unsigned ctrl_bits(const char *list, int version)
{
	unsigned bits = 0;
	const char *p = list, *end;
	size_t i, len;

	while (*p) {
		end = p + strcspn(p, ", \t\n");
		len = end - p;
		for (i = 0; i < sizeof(ctrl_names) / sizeof(ctrl_names[0]); i++) {
			if (strlen(ctrl_names[i].name) == len &&
			    memcmp(ctrl_names[i].name, p, len) == 0)
				bits |= version == 1 ? ctrl_names[i].v1 : ctrl_names[i].v2;
		}
		p = *end ? end + 1 : end;
	}
	return bits;
}

/* Undo mountinfo's octal escapes (\040 for space) in place. */
static void unescape(char *s)
{
	char *d = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' &&
		    s[2] >= '0' && s[2] <= '7' && s[3] >= '0' && s[3] <= '7') {
			*d++ = (char)((s[1] - '0') << 6 | (s[2] - '0') << 3 | (s[3] - '0'));
			s += 3;
		} else {
			*d++ = *s;
		}
	}
	*d = '\0';
}

void pcc_mounts_free(struct pcc_mounts *m)
{
	size_t i;

	if (m == NULL)
		return;
	for (i = 0; i < m->nhier; i++) {
		free(m->hier[i].mount);
		free(m->hier[i].root);
		if (m->hier[i].dirfd >= 0)
			close(m->hier[i].dirfd);
	}
	free(m->hier);
	free(m);
}

/* Which hierarchy serves each controller, and what layout that makes. */
static void assign(struct pcc_mounts *m)
{
	bool v1 = false, v2 = false;
	size_t i;
	int c;

	for (c = 0; c < PCC_NCTRL; c++)
		m->by_ctrl[c] = -1;
	for (i = 0; i < m->nhier; i++) {
		if (m->hier[i].version == 1)
			v1 = true;
		else
			v2 = true;
	}
	/* v1 first: a controller bound to v1 is never usable on v2 */
	for (int pass = 1; pass <= 2; pass++) {
		for (i = 0; i < m->nhier; i++) {
			if (m->hier[i].version != pass)
				continue;
			for (c = 0; c < PCC_NCTRL; c++)
				if ((m->hier[i].ctrls >> c & 1) && m->by_ctrl[c] < 0)
					m->by_ctrl[c] = (int)i;
		}
	}
	m->layout = v1 && v2 ? PCC_LAYOUT_HYBRID : v1 ? PCC_LAYOUT_V1 :
		    v2 ? PCC_LAYOUT_V2 : PCC_LAYOUT_NONE;
}

/* Same hierarchy already listed?  v2 has one; v1 is known by its controllers. */
static int find_same(const struct pcc_mounts *m, int version, const char *opts)
{
	size_t i;

	for (i = 0; i < m->nhier; i++) {
		if (m->hier[i].version != version)
			continue;
		if (version == 2 || m->hier[i].ctrls == ctrl_bits(opts, 1))
			return (int)i;
	}
	return -1;
}

/* Parse one mountinfo line (modified in place); add it if it is a cgroup fs. */
static int add_line(struct pcc_mounts *m, char *line)
{
	char *field[6], *sep, *fstype, *opts, *save = NULL, *tok;
	struct pcc_hier *h;
	int n = 0, version, same;

	sep = strstr(line, " - ");
	if (sep == NULL)
		return -EINVAL;
	*sep = '\0';
	for (tok = strtok_r(line, " ", &save); tok && n < 6; tok = strtok_r(NULL, " ", &save))
		field[n++] = tok;
	if (n < 6)
		return -EINVAL;
	save = NULL;
	fstype = strtok_r(sep + 3, " ", &save);
	if (fstype == NULL || strtok_r(NULL, " ", &save) == NULL)
		return -EINVAL;
	opts = strtok_r(NULL, " ", &save);
	if (opts == NULL)
		return -EINVAL;
	if (strcmp(fstype, "cgroup2") == 0)
		version = 2;
	else if (strcmp(fstype, "cgroup") == 0)
		version = 1;
	else
		return 0;
	if (version == 1 && ctrl_bits(opts, 1) == 0)
		return 0;	/* cpuset, devices, freezer...: nothing we read or walk */
	unescape(field[3]);
	unescape(field[4]);
	same = find_same(m, version, opts);
	if (same >= 0) {
		/* keep the mount of the hierarchy's root, drop the rest */
		if (strcmp(m->hier[same].root, "/") == 0 || strcmp(field[3], "/") != 0)
			return 0;
		h = &m->hier[same];
		free(h->mount);
		free(h->root);
	} else {
		if (m->nhier >= MAX_HIER)
			return 0;
		h = &m->hier[m->nhier++];
		h->ctrls = version == 1 ? ctrl_bits(opts, 1) : 1u << PCC_CTRL_PSI;
	}
	h->version = version;
	h->dirfd = -1;
	h->root = strdup(field[3]);
	h->mount = strdup(field[4]);
	if (h->root == NULL || h->mount == NULL)
		return -ENOMEM;
	return 1;
}

/* Set the v2 hierarchy's controllers from its cgroup.controllers text. */
static void set_unified(struct pcc_mounts *m, const char *controllers)
{
	size_t i;

	for (i = 0; i < m->nhier; i++)
		if (m->hier[i].version == 2)
			m->hier[i].ctrls = 1u << PCC_CTRL_PSI |
				(controllers ? ctrl_bits(controllers, 2) : 0);
	assign(m);
}

int pcc_mounts_parse(const char *mountinfo, const char *unified_controllers,
		     struct pcc_mounts **ret_mounts)
{
	struct pcc_mounts *m;
	char *text, *line, *save = NULL;
	int rc = 0, lines = 0;

	if (mountinfo == NULL || ret_mounts == NULL)
		return -EINVAL;
	m = calloc(1, sizeof(*m));
	text = strdup(mountinfo);
	if (m == NULL || text == NULL ||
	    (m->hier = calloc(MAX_HIER, sizeof(*m->hier))) == NULL) {
		rc = -ENOMEM;
		goto out_free;
	}
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		rc = add_line(m, line);
		if (rc == -ENOMEM)
			goto out_free;
		if (rc >= 0)
			lines++;
	}
	if (lines == 0) {
		rc = -EINVAL;
		goto out_free;
	}
	set_unified(m, unified_controllers);
	free(text);
	*ret_mounts = m;
	return 0;

out_free:
	free(text);
	pcc_mounts_free(m);
	return rc;
}

int pcc_mounts_load(int rootfd, struct pcc_mounts **ret_mounts)
{
	struct pcc_mounts *m = NULL;
	char *buf = NULL, *path = NULL;
	size_t cap = 0, i;
	ssize_t n;
	int rc, fd;

	n = pcc_read_file(rootfd, "/proc/self/mountinfo", &buf, &cap, MOUNTINFO_MAX);
	if (n < 0) {
		rc = (int)n;
		goto out;
	}
	rc = pcc_mounts_parse(buf, NULL, &m);
	if (rc < 0)
		goto out;
	for (i = 0; i < m->nhier; i++) {
		fd = pcc_sysroot_openat(rootfd, m->hier[i].mount, O_PATH | O_DIRECTORY);
		m->hier[i].dirfd = fd < 0 ? -1 : fd;
		if (m->hier[i].version != 2 || fd < 0)
			continue;
		/* only this file says which controllers v2 really has */
		if (asprintf(&path, "%s/cgroup.controllers", m->hier[i].mount) < 0) {
			rc = -ENOMEM;
			goto out;
		}
		n = pcc_read_file(rootfd, path, &buf, &cap, CONTROLLERS_MAX);
		free(path);
		path = NULL;
		set_unified(m, n >= 0 ? buf : NULL);
	}
	*ret_mounts = m;
	m = NULL;
	rc = 0;
out:
	pcc_mounts_free(m);
	free(buf);
	return rc;
}

bool pcc_cgroup_path_ok(const char *path)
{
	const char *p;

	if (path == NULL || path[0] != '/')
		return false;
	for (p = path; (p = strstr(p, "..")) != NULL; p += 2)
		if (p[-1] == '/' && (p[2] == '/' || p[2] == '\0'))
			return false;
	return true;
}

const char *pcc_hier_relpath(const struct pcc_hier *h, const char *path)
{
	size_t n;

	if (h->root != NULL && strcmp(h->root, "/") != 0) {
		n = strlen(h->root);
		if (strncmp(path, h->root, n) == 0 && (path[n] == '/' || path[n] == '\0'))
			path += n;
	}
	while (*path == '/')
		path++;
	return path;
}

const char *pcc_layout_name(enum pcc_layout layout)
{
	switch (layout) {
	case PCC_LAYOUT_V1:
		return "v1";
	case PCC_LAYOUT_V2:
		return "v2";
	case PCC_LAYOUT_HYBRID:
		return "hybrid";
	default:
		return "none";
	}
}
