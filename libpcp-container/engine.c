/*
 * engine.c - container metadata from each engine's on-disk state: the
 * engine table, the reader (struct pcc_engines) and pcc_meta_resolve.
 *
 * Like pmdaroot's container_engine_t table, each engine is one row of
 * functions in its own file (engine_docker.c, engine_podman.c,
 * engine_k8s.c for containerd, CRI-O and the kubelet's cgroupfs layout,
 * engine_lxc.c, engine_nspawn.c); this file holds what they share.
 *
 * A resolve first probes: the row opens the container's source files and
 * records each one's identity (device, inode, size, mtime, ctime; or the
 * error that kept it from opening).  If the identities are those kept in
 * the previous meta of the same container, nothing is read.  Otherwise the
 * row's fill reads the open files into a new meta.  Access pattern: one
 * resolve per container when it appears, then one every N seconds per
 * container that nearly always stops at the probe.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine.h"

static const struct engine_ops *const engines[PCC_NENGINE] = {
	[PCC_ENGINE_DOCKER] = &engine_docker,
	[PCC_ENGINE_PODMAN] = &engine_podman,
	[PCC_ENGINE_CONTAINERD] = &engine_containerd,
	[PCC_ENGINE_CRIO] = &engine_crio,
	[PCC_ENGINE_KUBERNETES] = &engine_k8s,
	[PCC_ENGINE_LXC] = &engine_lxc,
	[PCC_ENGINE_NSPAWN] = &engine_nspawn,
};

int pcc_engines_new(int rootfd, struct pcc_engines **ret_engines)
{
	struct pcc_engines *e;
	const char *v;
	int rc;

	if (rootfd < 0 || ret_engines == NULL)
		return -EINVAL;
	e = calloc(1, sizeof(*e));
	if (e == NULL)
		return -ENOMEM;
	for (int d = 0; d < NEDIR; d++)
		e->dirfd[d] = -1;
	e->rootfd = fcntl(rootfd, F_DUPFD_CLOEXEC, 3);
	if (e->rootfd < 0) {
		rc = -errno;
		free(e);
		return rc;
	}
	rc = src_env_load(e);
	if (rc < 0) {
		pcc_engines_free(e);
		return rc;
	}
	v = getenv("PCC_NO_OPENAT2");	/* tests: take the component walk */
	e->no_openat2 = v && *v && strcmp(v, "0") != 0;
	*ret_engines = e;
	return 0;
}

void pcc_engines_free(struct pcc_engines *e)
{
	if (e == NULL)
		return;
	for (int d = 0; d < NEDIR; d++) {
		if (e->dirfd[d] >= 0)
			close(e->dirfd[d]);
		free(e->env[d]);
	}
	podman_cache_free(e);
	src_free(e);
	free(e->buf);
	close(e->rootfd);
	free(e);
}

void pcc_engines_get_stats(const struct pcc_engines *e, struct pcc_engines_stats *ret_stats)
{
	if (e && ret_stats)
		*ret_stats = e->st;
}

static void probe_init(struct probe *p)
{
	memset(p, 0, sizeof(*p));
	p->runtime = PCC_ENGINE_NONE;
	p->uid = -1;
	for (unsigned i = 0; i < META_NSRC; i++)
		src_init(&p->src[i], false);
}

static void probe_close(struct probe *p)
{
	for (unsigned i = 0; i < META_NSRC; i++)
		src_close(&p->src[i]);
}

/* Same files, same versions: nothing to read. */
static bool probe_eq(const struct probe *a, const struct probe *b)
{
	if (a->runtime != b->runtime || a->uid != b->uid || a->nsrc != b->nsrc ||
	    strcmp(a->where, b->where) != 0)
		return false;
	for (unsigned i = 0; i < a->nsrc; i++)
		if (a->src[i].optional != b->src[i].optional ||
		    !src_key_eq(&a->src[i].key, &b->src[i].key))
			return false;
	return true;
}

static bool cid_eq(const struct pcc_cid *a, const struct pcc_cid *b)
{
	return a->engine == b->engine && a->uid == b->uid && strcmp(a->id, b->id) == 0 &&
	       strcmp(a->name, b->name) == 0 && strcmp(a->pod_uid, b->pod_uid) == 0;
}

int pcc_meta_resolve(struct pcc_engines *e, const struct pcc_cid *cid,
		     const struct pcc_meta *prev, struct pcc_meta **ret_meta)
{
	const struct meta_priv *pp = (const struct meta_priv *)prev;
	const struct engine_ops *ops;
	struct meta_priv *b = NULL;
	struct probe p;
	int rc;

	if (e == NULL || cid == NULL || ret_meta == NULL ||
	    (unsigned)cid->engine >= PCC_NENGINE || engines[cid->engine] == NULL)
		return -EINVAL;
	ops = engines[cid->engine];
	if (pp && (pp->owner != e || !cid_eq(&pp->cid, cid)))
		pp = NULL;		/* not this container's: read afresh */

	probe_init(&p);
	if (cid->uid >= 0 && !ops->rootless) {
		/*
		 * A cgroup below a user's service that names a system-wide
		 * engine's container: the user made it, the system's files
		 * are not about it.
		 */
		p.runtime = cid->engine;
		p.nsrc = 1;
	} else {
		rc = ops->probe(e, cid, pp ? &pp->probe : NULL, &p);
		if (rc < 0)
			goto out;
	}
	if (pp && probe_eq(&pp->probe, &p)) {
		e->st.resolves++;
		e->st.unchanged++;
		rc = 0;
		goto out;
	}

	b = mb_new(e, cid);
	if (b == NULL) {
		rc = -ENOMEM;
		goto out;
	}
	if (p.runtime != PCC_ENGINE_NONE)
		b->pub.runtime = p.runtime;
	for (unsigned i = 0; i < p.nsrc; i++)
		if (!(p.src[i].optional && p.src[i].key.err == -ENODATA))
			mb_error(b, p.src[i].key.err);
	rc = ops->fill(e, cid, &p, b);
	if (rc == 0)
		rc = mb_finish(b);
	if (rc < 0) {
		pcc_meta_free(&b->pub);
		goto out;
	}
	probe_close(&p);
	b->probe = p;
	e->st.resolves++;
	if (b->pub.error)
		e->st.errors++;
	*ret_meta = &b->pub;
	rc = 1;
out:
	probe_close(&p);
	src_buf_trim(e);
	return rc;
}
