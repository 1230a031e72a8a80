/*
 * engine_docker.c - docker's containers: <data-root>/containers/<id>/
 * config.v2.json, the file the daemon rewrites (write to a temp file,
 * rename) on every state change, so a new inode or mtime means news.
 *
 * Read from it: Name ("/web1"), Config.Image (as the user gave it, not the
 * image id), Config.Labels, Created, and State: Running, Paused,
 * Restarting, RemovalInProgress, Dead, StartedAt, Pid, folded into one
 * state as docker's own State.StateString() does.  Containers that the
 * kubelet made through cri-dockerd carry io.kubernetes.* labels, from
 * which the pod, namespace and container type come.
 *
 * Rootless docker (cid.uid >= 0) keeps the same layout in
 * ~/.local/share/docker, read with the rules for users' files.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "engine.h"

#define DOCKER_ROOTLESS	".local/share/docker"

static bool id_ok(const char *id)
{
	size_t n = strspn(id, "0123456789abcdef");

	return n == strlen(id) && n > 0 && n <= PCC_ID_MAX;
}

static int docker_probe(struct pcc_engines *e, const struct pcc_cid *cid,
			const struct probe *prev, struct probe *p)
{
	char rel[sizeof(cid->id) + 40];
	int dirfd;

	(void)prev;
	p->runtime = PCC_ENGINE_DOCKER;
	p->nsrc = 1;
	if (!id_ok(cid->id)) {
		p->src[0].key.err = -EINVAL;
		return 0;
	}
	snprintf(rel, sizeof(rel), "containers/%s/config.v2.json", cid->id);
	if (cid->uid < 0)
		return src_open(e, EDIR_DOCKER, rel, &p->src[0]);
	p->uid = cid->uid;
	dirfd = src_home(e, cid->uid, DOCKER_ROOTLESS);
	if (dirfd < 0) {
		p->src[0].key.err = dirfd;
		return dirfd == -ENOMEM ? dirfd : 0;
	}
	src_open_user(e, dirfd, rel, (uid_t)cid->uid, &p->src[0]);
	close(dirfd);
	return 0;
}

/* docker's State.StateString(), from the booleans it is made of. */
static enum pcc_cstate docker_state(struct meta_priv *b, json_t *state, int64_t started)
{
	if (state == NULL)
		return PCC_CSTATE_UNKNOWN;
	if (jr_bool(b, state, "Running")) {
		if (jr_bool(b, state, "Paused"))
			return PCC_CSTATE_PAUSED;
		if (jr_bool(b, state, "Restarting"))
			return PCC_CSTATE_RESTARTING;
		return PCC_CSTATE_RUNNING;
	}
	if (jr_bool(b, state, "RemovalInProgress"))
		return PCC_CSTATE_REMOVING;
	if (jr_bool(b, state, "Dead"))
		return PCC_CSTATE_DEAD;
	return started ? PCC_CSTATE_EXITED : PCC_CSTATE_CREATED;
}

int docker_parse(struct meta_priv *b, const char *text, size_t len)
{
	struct pcc_meta *m = &b->pub;
	json_t *root = NULL, *config, *labels, *state;
	const char *s, *started;
	int64_t pid;
	int rc;

	rc = jr_parse_object(b, text, len, &root);
	if (rc < 0 || root == NULL)
		return rc;
	s = jr_str(b, root, "Name");
	if (s && *s == '/')
		s++;
	rc = mb_str(&m->name, s, -1);
	config = jr_obj(b, root, "Config");
	if (rc == 0)
		rc = mb_str(&m->image, jr_str(b, config, "Image"), -1);
	labels = jr_obj(b, config, "Labels");
	if (rc == 0)
		rc = jr_labels(b, labels);
	s = jr_str(b, root, "Created");
	if (rc == 0 && (m->created_sec = mb_time(s)) > 0)
		rc = mb_str(&m->created, s, -1);

	state = jr_obj(b, root, "State");
	started = jr_str(b, state, "StartedAt");
	m->started_sec = mb_time(started);	/* 0 for "0001-01-01T00:00:00Z" */
	if (rc == 0 && m->started_sec > 0)
		rc = mb_str(&m->started, started, -1);
	m->state = docker_state(b, state, m->started_sec);
	pid = jr_int(b, state, "Pid");
	if (m->state == PCC_CSTATE_RUNNING || m->state == PCC_CSTATE_PAUSED ||
	    m->state == PCC_CSTATE_RESTARTING)
		m->pid = pid > 0 && pid <= 0x7fffffff ? (pid_t)pid : 0;

	/* cri-dockerd: io.kubernetes.docker.type is "podsandbox" or "container" */
	s = jr_str(b, labels, "io.kubernetes.docker.type");
	if (rc == 0 && s && strcmp(s, "podsandbox") == 0)
		rc = mb_str(&m->container_type, "sandbox", -1);
	else if (rc == 0 && s && strcmp(s, "container") == 0)
		rc = mb_str(&m->container_type, "container", -1);
	json_decref(root);
	return rc;
}

static int docker_fill(struct pcc_engines *e, const struct pcc_cid *cid,
		       struct probe *p, struct meta_priv *b)
{
	ssize_t n;

	(void)cid;
	n = src_read(e, &p->src[0], META_FILE_MAX);
	if (n < 0) {
		mb_error(b, (int)n);
		return n == -ENOMEM ? (int)n : 0;
	}
	return docker_parse(b, e->buf, (size_t)n);
}

const struct engine_ops engine_docker = {
	.engine = PCC_ENGINE_DOCKER,
	.rootless = true,
	.probe = docker_probe,
	.fill = docker_fill,
};
