/*
 * engine_k8s.c - containers run through the CRI: containerd, CRI-O, and
 * the kubelet's cgroupfs layout that does not say which runtime it used.
 *
 * containerd: the OCI bundle of a running task,
 *   <state>/io.containerd.runtime.v2.task/<namespace>/<id>/config.json,
 *   whose annotations name the pod (io.kubernetes.cri.sandbox-name,
 *   -namespace), the container (io.kubernetes.cri.container-name), the
 *   image (io.kubernetes.cri.image-name) and the container type (sandbox or
 *   container); init.pid beside it holds the pid.  The namespace (k8s.io
 *   for the kubelet, default for nerdctl, moby for docker) is not in the
 *   cgroup path: the last one found, then k8s.io, default and moby, then
 *   every other are tried.  nerdctl names its containers in nerdctl/name.
 * CRI-O: <runroot>/overlay-containers/<id>/userdata/config.json and pidfile;
 *   CRI-O copies the kubelet's labels (io.kubernetes.pod.name,
 *   io.kubernetes.pod.namespace, io.kubernetes.container.name) into the
 *   annotations beside its own io.kubernetes.cri-o.* ones.
 * kubernetes (cgroupfs /kubepods/.../pod<uid>/<id>): containerd's bundle,
 *   else CRI-O's, else docker's config.v2.json (cri-dockerd).
 *
 * Labels are the OCI annotations, which for CRI-O include the pod's labels.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "engine.h"

static const char *const ns_first[] = { "k8s.io", "default", "moby" };

static bool id_ok(const char *id)
{
	size_t n = strspn(id, "0123456789abcdef");

	return n == strlen(id) && n > 0 && n <= PCC_ID_MAX;
}

/* Try the bundle of id in namespace ns; true if its config.json is there. */
static bool try_ns(int dirfd, const char *ns, const char *id, struct probe *p)
{
	char rel[META_WHERE_MAX + PCC_ID_MAX + 16];

	if (!src_name_ok(ns) || strlen(ns) >= META_WHERE_MAX)
		return false;
	snprintf(rel, sizeof(rel), "%s/%s/config.json", ns, id);
	src_openat(dirfd, rel, &p->src[0]);
	if (p->src[0].key.err == -ENODATA)
		return false;
	snprintf(p->where, sizeof(p->where), "%s", ns);
	snprintf(rel, sizeof(rel), "%s/%s/init.pid", ns, id);
	src_openat(dirfd, rel, &p->src[1]);
	return true;
}

static bool ns_is_first(const char *ns)
{
	for (size_t i = 0; i < sizeof(ns_first) / sizeof(ns_first[0]); i++)
		if (strcmp(ns, ns_first[i]) == 0)
			return true;
	return false;
}

/* Every other namespace directory: not tried, not one of ns_first. */
static bool try_all_ns(int dirfd, const char *id, const char *tried, struct probe *p)
{
	struct dirent *d;
	bool found = false;
	DIR *dir;
	int fd;

	fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return false;
	dir = fdopendir(fd);
	if (dir == NULL) {
		close(fd);
		return false;
	}
	while (!found && (d = readdir(dir)) != NULL) {
		if (d->d_name[0] == '.' || strcmp(d->d_name, tried) == 0 || ns_is_first(d->d_name))
			continue;
		found = try_ns(dirfd, d->d_name, id, p);
	}
	closedir(dir);
	return found;
}

static bool containerd_find(int dirfd, const char *id, const struct probe *prev, struct probe *p)
{
	const char *tried = prev && prev->runtime == PCC_ENGINE_CONTAINERD ? prev->where : "";

	if (*tried && try_ns(dirfd, tried, id, p))
		return true;
	for (size_t i = 0; i < sizeof(ns_first) / sizeof(ns_first[0]); i++)
		if (strcmp(ns_first[i], tried) != 0 && try_ns(dirfd, ns_first[i], id, p))
			return true;
	return try_all_ns(dirfd, id, tried, p);
}

static int containerd_probe(struct pcc_engines *e, const struct pcc_cid *cid,
			    const struct probe *prev, struct probe *p)
{
	int dirfd;

	p->runtime = PCC_ENGINE_CONTAINERD;
	p->nsrc = 2;
	p->src[1].optional = true;
	if (!id_ok(cid->id)) {
		p->src[0].key.err = -EINVAL;
		return 0;
	}
	dirfd = src_dir(e, EDIR_CONTAINERD);
	if (dirfd < 0) {
		p->src[0].key.err = dirfd;
		return dirfd == -ENOMEM ? dirfd : 0;
	}
	if (containerd_find(dirfd, cid->id, prev, p))
		return 0;
	dirfd = src_dir_reopen(e, EDIR_CONTAINERD);	/* a new /run/containerd? */
	if (dirfd >= 0)
		containerd_find(dirfd, cid->id, prev, p);
	return 0;
}

static int crio_probe(struct pcc_engines *e, const struct pcc_cid *cid,
		      const struct probe *prev, struct probe *p)
{
	char rel[PCC_ID_MAX + 64];
	int rc;

	(void)prev;
	p->runtime = PCC_ENGINE_CRIO;
	p->nsrc = 2;
	p->src[1].optional = true;
	if (!id_ok(cid->id)) {
		p->src[0].key.err = -EINVAL;
		return 0;
	}
	snprintf(rel, sizeof(rel), "overlay-containers/%s/userdata/config.json", cid->id);
	rc = src_open(e, EDIR_CRIO, rel, &p->src[0]);
	if (rc < 0 || p->src[0].key.err == -ENODATA)
		return rc;
	snprintf(rel, sizeof(rel), "overlay-containers/%s/userdata/pidfile", cid->id);
	return src_open(e, EDIR_CRIO, rel, &p->src[1]);
}

/* Read the pid file src, if there. */
static void fill_pid(struct pcc_engines *e, struct src *s, struct meta_priv *b)
{
	ssize_t n;

	if (s->key.err != 0)
		return;
	n = src_read(e, s, META_TEXT_MAX);
	if (n < 0)
		mb_error(b, (int)n);
	else
		b->pub.pid = mb_pid(e->buf, (size_t)n);
}

/* The OCI spec in text: *ret_ann its annotations (NULL if none).  -ENOMEM only. */
static int load_spec(const char *text, size_t len, struct meta_priv *b,
		     json_t **ret_root, json_t **ret_ann)
{
	json_t *root;
	int rc;

	*ret_ann = NULL;
	rc = jr_parse_object(b, text, len, &root);
	*ret_root = root;
	if (rc < 0 || root == NULL)
		return rc;
	*ret_ann = jr_obj(b, root, "annotations");
	return jr_labels(b, *ret_ann);
}

/* Read s's file (the OCI spec) into e->buf: its length, or < 0 recorded in b. */
static ssize_t read_spec(struct pcc_engines *e, struct src *s, struct meta_priv *b)
{
	ssize_t n = src_read(e, s, META_FILE_MAX);

	if (n < 0)
		mb_error(b, (int)n);
	return n;
}

/* Fields from annotations: each row's keys in order of preference. */
struct ann_field {
	size_t off;		/* offsetof the char * in struct pcc_meta */
	const char *keys[3];
};

static int fill_fields(struct meta_priv *b, json_t *ann, const struct ann_field *f, size_t n)
{
	int rc = 0;

	for (size_t i = 0; i < n && rc == 0; i++)
		for (size_t k = 0; k < 3 && f[i].keys[k] && rc == 0; k++)
			rc = mb_str((char **)((char *)&b->pub + f[i].off),
				    jr_str(b, ann, f[i].keys[k]), -1);
	return rc;
}

#define F(field)	offsetof(struct pcc_meta, field)

static const struct ann_field containerd_fields[] = {
	{ F(container_type), { "io.kubernetes.cri.container-type" } },
	{ F(pod), { "io.kubernetes.cri.sandbox-name" } },
	{ F(pod_namespace), { "io.kubernetes.cri.sandbox-namespace" } },
	{ F(name), { "io.kubernetes.cri.container-name", "nerdctl/name" } },
	{ F(image), { "io.kubernetes.cri.image-name", "io.kubernetes.cri.podsandbox.image-name" } },
};

static const struct ann_field crio_fields[] = {
	{ F(container_type), { "io.kubernetes.cri-o.ContainerType" } },
	{ F(pod), { "io.kubernetes.pod.name" } },
	{ F(pod_namespace), { "io.kubernetes.pod.namespace", "io.kubernetes.cri-o.Namespace" } },
	{ F(image), { "io.kubernetes.cri-o.ImageName", "io.kubernetes.cri-o.Image" } },
	{ F(created), { "io.kubernetes.cri-o.Created" } },
};

/* A sandbox is named after its pod (its io.kubernetes.container.name is "POD"). */
static int name_sandbox(struct meta_priv *b, json_t *ann, const char *podkey)
{
	struct pcc_meta *m = &b->pub;

	if (m->container_type && strcmp(m->container_type, "sandbox") == 0)
		return mb_str(&m->name, m->pod ? m->pod : jr_str(b, ann, podkey), -1);
	return 0;
}

int containerd_parse(struct meta_priv *b, const char *text, size_t len)
{
	json_t *root, *ann;
	int rc;

	rc = load_spec(text, len, b, &root, &ann);
	if (rc == 0 && root)
		rc = fill_fields(b, ann, containerd_fields,
				 sizeof(containerd_fields) / sizeof(containerd_fields[0]));
	if (rc == 0 && root)
		rc = name_sandbox(b, ann, "io.kubernetes.cri.sandbox-name");
	json_decref(root);
	return rc;
}

int crio_parse(struct meta_priv *b, const char *text, size_t len)
{
	struct pcc_meta *m = &b->pub;
	json_t *root, *ann;
	int rc;

	rc = load_spec(text, len, b, &root, &ann);
	if (rc == 0 && root)
		rc = fill_fields(b, ann, crio_fields, sizeof(crio_fields) / sizeof(crio_fields[0]));
	if (rc == 0 && root)
		rc = name_sandbox(b, ann, "io.kubernetes.cri-o.KubeName");
	if (rc == 0 && root)
		rc = mb_str(&m->name, jr_str(b, ann, "io.kubernetes.container.name"), -1);
	m->created_sec = mb_time(m->created);
	json_decref(root);
	return rc;
}

/* The OCI spec of a containerd or CRI-O container, parsed, then its pid file. */
static int spec_fill(struct pcc_engines *e, struct probe *p, struct meta_priv *b,
		     int (*parse)(struct meta_priv *b, const char *text, size_t len))
{
	ssize_t n = read_spec(e, &p->src[0], b);
	int rc = 0;

	if (n == -ENOMEM)
		return (int)n;
	if (n >= 0)
		rc = parse(b, e->buf, (size_t)n);
	if (rc == 0)
		fill_pid(e, &p->src[1], b);
	return rc;
}

static int containerd_fill(struct pcc_engines *e, const struct pcc_cid *cid,
			   struct probe *p, struct meta_priv *b)
{
	(void)cid;
	return spec_fill(e, p, b, containerd_parse);
}

static int crio_fill(struct pcc_engines *e, const struct pcc_cid *cid,
		     struct probe *p, struct meta_priv *b)
{
	(void)cid;
	return spec_fill(e, p, b, crio_parse);
}

/* Which runtime made a kubepods container: the first whose files are there. */
static int k8s_probe(struct pcc_engines *e, const struct pcc_cid *cid,
		     const struct probe *prev, struct probe *p)
{
	const struct engine_ops *order[] = { &engine_containerd, &engine_crio, &engine_docker };
	int rc = 0;

	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		for (unsigned k = 0; k < META_NSRC; k++)
			src_close(&p->src[k]);
		memset(p, 0, sizeof(*p));
		p->uid = -1;
		for (unsigned k = 0; k < META_NSRC; k++)
			src_init(&p->src[k], false);
		rc = order[i]->probe(e, cid, prev, p);
		if (rc < 0 || p->src[0].key.err != -ENODATA)
			return rc;
	}
	p->runtime = PCC_ENGINE_KUBERNETES;	/* none of them knows it */
	return rc;
}

static int k8s_fill(struct pcc_engines *e, const struct pcc_cid *cid,
		    struct probe *p, struct meta_priv *b)
{
	switch (p->runtime) {
	case PCC_ENGINE_CONTAINERD:
		return containerd_fill(e, cid, p, b);
	case PCC_ENGINE_CRIO:
		return crio_fill(e, cid, p, b);
	case PCC_ENGINE_DOCKER:
		return engine_docker.fill(e, cid, p, b);
	default:
		return 0;
	}
}

const struct engine_ops engine_containerd = {
	.engine = PCC_ENGINE_CONTAINERD,
	.probe = containerd_probe,
	.fill = containerd_fill,
};

const struct engine_ops engine_crio = {
	.engine = PCC_ENGINE_CRIO,
	.probe = crio_probe,
	.fill = crio_fill,
};

const struct engine_ops engine_k8s = {
	.engine = PCC_ENGINE_KUBERNETES,
	.probe = k8s_probe,
	.fill = k8s_fill,
};
