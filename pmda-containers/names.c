/*
 * names.c - which container had which instance name when its plain name
 * was taken, kept across restarts of pmdacontainers.
 *
 * Two containers that want one name (an LXC "web" and an nspawn "web", two
 * kubernetes containers of one name while one replaces the other) are
 * told apart by the order they are found in: the first gets "web", the
 * next "web@nspawn" (see unique_name() in ctr.c).  After a restart the
 * order may differ, and pmdaCache would then give the first container's
 * number to the other one.  So each container named other than its plain
 * name is written here with its cgroup path, one "NAME PATH" line each
 * (NAME is sanitized, so it has no space; a cgroup path has no newline),
 * to $PCP_VAR_DIR/config/pmda/<domain>.names, and a container found with
 * a path listed gets that name back first.  The file lists only containers
 * known at the time it is written, so it stays as small as the number of
 * collisions; Install creates it root-owned, as the agent cannot create
 * files in that directory.  A name culled (cull.c) is dropped from what
 * was loaded too: past the retention nothing of the container is kept.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pmda.h"

#define NAMES_LINE_MAX	(4 * PATH_MAX)	/* longer lines are not ours: skipped */
#define NAMES_MAX	65536		/* entries loaded at most */

struct oldname {
	char *path;
	char *name;
};

static struct oldname *old;	/* as loaded at start-up */
static size_t nold;
static int save_err;		/* last save error logged */

static int names_path(char *buf, size_t len)
{
	return var_path(buf, len, "%u.names", pmInDom_domain(pmda.indom[INDOM_CTR]));
}

void names_load(void)
{
	char file[MAXPATHLEN], *line = NULL, *sp;
	struct oldname *o;
	size_t cap = 0;
	ssize_t n;
	FILE *f;

	if (names_path(file, sizeof(file)) < 0 || (f = fopen(file, "r")) == NULL)
		return;		/* none yet: nothing collided */
	while (nold < NAMES_MAX && (n = getline(&line, &cap, f)) > 0) {
		if (line[n - 1] == '\n')
			line[--n] = '\0';
		if (n > NAMES_LINE_MAX || (sp = strchr(line, ' ')) == NULL ||
		    sp == line || sp[1] != '/')
			continue;
		if ((o = realloc(old, (nold + 1) * sizeof(*o))) == NULL)
			break;
		old = o;
		o = &old[nold];
		o->name = strndup(line, sp - line);
		o->path = strdup(sp + 1);
		if (o->name == NULL || o->path == NULL) {
			free(o->name);
			free(o->path);
			break;
		}
		nold++;
	}
	free(line);
	fclose(f);
}

const char *names_lookup(const char *path)
{
	size_t i;

	for (i = 0; i < nold; i++)
		if (strcmp(old[i].path, path) == 0)
			return old[i].name;
	return NULL;
}

void names_forget(const char *name)
{
	size_t i;

	for (i = 0; i < nold;) {
		if (strcmp(old[i].name, name) != 0) {
			i++;
			continue;
		}
		free(old[i].name);
		free(old[i].path);
		old[i] = old[--nold];
	}
}

void names_save(void)
{
	size_t i, n = pcc_set_count(pmda.set);
	char file[MAXPATHLEN];
	struct ctr *t;
	int rc = 0;
	FILE *f;

	if (names_path(file, sizeof(file)) < 0)
		return;
	if ((f = fopen(file, "w")) == NULL) {
		rc = -errno;
	} else {
		for (i = 0; i < n; i++) {
			t = pcc_set_at(pmda.set, i)->priv;
			if (t != NULL && t->renamed)
				fprintf(f, "%s %s\n", t->name, t->path);
		}
		if (fclose(f) != 0)
			rc = -errno;
	}
	if (rc < 0 && rc != save_err)
		pmNotifyErr(LOG_WARNING, "%s: %s; a restart may swap the names of containers "
			    "whose names collide", file, pmErrStr(rc));
	save_err = rc;
}
