/*
 * engine_podman.c - podman's containers, rootful and rootless, from
 * containers/storage: <graphroot>/overlay-containers/containers.json (one
 * array for every container of the storage: id, names, image id, created,
 * and "metadata", a JSON string podman fills with image-name, name and
 * created-at) and the container's OCI spec, <graphroot>/overlay-containers/
 * <id>/userdata/config.json, whose annotations are the labels.  Podman
 * keeps state (running, pid) in its database, which is not read.
 *
 * containers.json is shared by every container of its storage and
 * rewritten when any of them comes or goes, so it is parsed once per
 * version into a small table (struct podman_cache, one per storage: the
 * system's and each rootless user's), not once per container.  A version
 * that cannot be parsed is cached too, with its error, so it is read once.
 *
 * Rootless storage (cid.uid >= 0) is ~/.local/share/containers/storage,
 * read with the rules for users' files (no symlinks, owner checked).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine.h"

#define PODMAN_ROOTLESS	".local/share/containers/storage"
#define CONTAINERS_JSON	"overlay-containers/containers.json"

struct podman_entry {
	char id[PCC_ID_MAX + 1];
	char *name;		/* names[0] as stored, NULL if none */
	char *image;		/* the image id */
	char *metadata;		/* podman's JSON string */
	char *created;
	bool bad;		/* some member had the wrong type */
};

static bool id_ok(const char *id, size_t len)
{
	return len > 0 && len <= PCC_ID_MAX && strspn(id, "0123456789abcdef") == len;
}

void podman_cache_clear(struct podman_cache *c)
{
	for (size_t i = 0; i < c->nent; i++) {
		free(c->ent[i].name);
		free(c->ent[i].image);
		free(c->ent[i].metadata);
		free(c->ent[i].created);
	}
	free(c->ent);
	c->ent = NULL;
	c->nent = 0;
}

void podman_cache_free(struct pcc_engines *e)
{
	for (size_t i = 0; i < e->npc; i++)
		podman_cache_clear(&e->pc[i]);
	free(e->pc);
	e->pc = NULL;
	e->npc = 0;
}

/* A string member copied into *ret (NULL if missing); false if it has the wrong type. */
static bool take_str(json_t *o, const char *key, char **ret, bool *nomem)
{
	json_t *v = json_object_get(o, key);

	if (v == NULL || json_is_null(v))
		return true;
	if (!json_is_string(v))
		return false;
	*ret = strdup(json_string_value(v));
	*nomem |= *ret == NULL;
	return true;
}

/* One element of the array: 1 kept, 0 skipped (no usable id), -ENOMEM. */
static int entry_parse(json_t *o, struct podman_entry *ent)
{
	json_t *id = json_object_get(o, "id"), *names = json_object_get(o, "names");
	bool nomem = false;

	memset(ent, 0, sizeof(*ent));
	if (!json_is_string(id) || !id_ok(json_string_value(id), json_string_length(id)))
		return 0;
	memcpy(ent->id, json_string_value(id), json_string_length(id));
	if (json_is_array(names) && json_array_size(names) > 0) {
		json_t *n0 = json_array_get(names, 0);

		if (json_is_string(n0)) {
			ent->name = strdup(json_string_value(n0));
			nomem |= ent->name == NULL;
		} else {
			ent->bad = true;
		}
	} else if (names != NULL && !json_is_null(names) && !json_is_array(names)) {
		ent->bad = true;
	}
	ent->bad |= !take_str(o, "image", &ent->image, &nomem);
	ent->bad |= !take_str(o, "metadata", &ent->metadata, &nomem);
	ent->bad |= !take_str(o, "created", &ent->created, &nomem);
	if (nomem) {
		free(ent->name);
		free(ent->image);
		free(ent->metadata);
		free(ent->created);
		return -ENOMEM;
	}
	return 1;
}

static int entry_cmp(const void *a, const void *b)
{
	return strcmp(((const struct podman_entry *)a)->id, ((const struct podman_entry *)b)->id);
}

int podman_cache_parse(struct podman_cache *c, const char *text, size_t len)
{
	json_t *root = NULL, *o;
	size_t i;
	int rc;

	c->err = 0;
	rc = jr_parse(text, len, &root);
	if (rc == -ENOMEM)
		return rc;
	if (rc < 0 || !json_is_array(root)) {
		c->err = rc < 0 ? rc : -EBADMSG;
		json_decref(root);
		return 0;
	}
	c->ent = calloc(json_array_size(root) + 1, sizeof(*c->ent));
	if (c->ent == NULL) {
		json_decref(root);
		return -ENOMEM;
	}
	json_array_foreach(root, i, o) {
		rc = json_is_object(o) ? entry_parse(o, &c->ent[c->nent]) : 0;
		if (rc < 0) {
			json_decref(root);
			podman_cache_clear(c);
			return rc;
		}
		c->nent += (size_t)rc;
	}
	json_decref(root);
	qsort(c->ent, c->nent, sizeof(*c->ent), entry_cmp);
	return 0;
}

const char *podman_cache_id(const struct podman_cache *c, size_t i)
{
	return i < c->nent ? c->ent[i].id : NULL;
}

/* Fill c from the file s: entries, or c->err.  -ENOMEM only. */
static int cache_build(struct pcc_engines *e, struct src *s, struct podman_cache *c)
{
	ssize_t n;

	c->key = s->key;
	c->err = 0;
	n = src_read(e, s, META_SHARED_MAX);
	if (n == -ENOMEM)
		return (int)n;
	if (n < 0) {
		c->err = (int)n;
		return 0;
	}
	return podman_cache_parse(c, e->buf, (size_t)n);
}

/*
 * The cache of uid's storage, up to date with the file s (read only if it
 * changed); *ret NULL if the file could not be opened.  -ENOMEM only.
 */
static int cache_get(struct pcc_engines *e, long uid, struct src *s,
		     struct podman_cache **ret)
{
	struct podman_cache *c = NULL, *nc;
	size_t i;
	int rc;

	*ret = NULL;
	for (i = 0; i < e->npc && c == NULL; i++)
		if (e->pc[i].uid == uid)
			c = &e->pc[i];
	if (s->key.err != 0) {
		if (c) {		/* gone: forget it */
			podman_cache_clear(c);
			*c = e->pc[--e->npc];
		}
		return 0;
	}
	if (c && src_key_eq(&c->key, &s->key)) {
		*ret = c;
		return 0;
	}
	if (c == NULL) {
		nc = realloc(e->pc, (e->npc + 1) * sizeof(*nc));
		if (nc == NULL)
			return -ENOMEM;
		e->pc = nc;
		c = &e->pc[e->npc++];
		memset(c, 0, sizeof(*c));
		c->uid = uid;
	}
	podman_cache_clear(c);
	rc = cache_build(e, s, c);
	if (rc < 0) {
		*c = e->pc[--e->npc];
		return rc;
	}
	*ret = c;
	return 0;
}

static int podman_probe(struct pcc_engines *e, const struct pcc_cid *cid,
			const struct probe *prev, struct probe *p)
{
	char rel[sizeof(cid->id) + 48];
	int dirfd, rc = 0;

	(void)prev;
	p->runtime = PCC_ENGINE_PODMAN;
	p->nsrc = 2;
	if (!id_ok(cid->id, strlen(cid->id))) {
		p->src[0].key.err = -EINVAL;
		return 0;
	}
	snprintf(rel, sizeof(rel), "overlay-containers/%s/userdata/config.json", cid->id);
	if (cid->uid < 0) {
		rc = src_open(e, EDIR_PODMAN, CONTAINERS_JSON, &p->src[0]);
		if (rc == 0)
			rc = src_open(e, EDIR_PODMAN, rel, &p->src[1]);
		return rc;
	}
	p->uid = cid->uid;
	dirfd = src_home(e, cid->uid, PODMAN_ROOTLESS);
	if (dirfd < 0) {
		p->src[0].key.err = p->src[1].key.err = dirfd;
		return dirfd == -ENOMEM ? dirfd : 0;
	}
	src_open_user(e, dirfd, CONTAINERS_JSON, (uid_t)cid->uid, &p->src[0]);
	src_open_user(e, dirfd, rel, (uid_t)cid->uid, &p->src[1]);
	close(dirfd);
	return 0;
}

/* What containers.json says about the container: name, image, created. */
static int fill_entry(struct meta_priv *b, const struct podman_entry *ent)
{
	struct pcc_meta *m = &b->pub;
	json_t *md = NULL;
	int64_t created_at = 0;
	int rc = 0;

	if (ent->bad)
		mb_error(b, -EBADMSG);
	if (ent->metadata) {
		rc = jr_parse(ent->metadata, strlen(ent->metadata), &md);
		if (rc == -ENOMEM)
			return rc;
		if (rc < 0 || !json_is_object(md))
			mb_error(b, -EBADMSG);
	}
	rc = mb_str(&m->name, ent->name, -1);
	if (rc == 0)
		rc = mb_str(&m->name, jr_str(b, md, "name"), -1);
	if (rc == 0)
		rc = mb_str(&m->image, jr_str(b, md, "image-name"), -1);
	if (rc == 0)
		rc = mb_str(&m->image, ent->image, -1);
	if (rc == 0)
		rc = mb_str(&m->pod, jr_str(b, md, "pod-name"), -1);
	created_at = jr_int(b, md, "created-at");
	m->created_sec = mb_time(ent->created);
	if (rc == 0 && m->created_sec > 0)
		rc = mb_str(&m->created, ent->created, -1);
	if (m->created_sec == 0 && created_at > 0) {
		m->created_sec = created_at;
		if (rc == 0)
			rc = mb_epoch(&m->created, created_at, -1);
	}
	json_decref(md);
	return rc;
}

int podman_fill_cached(const struct podman_cache *c, const char *id, struct meta_priv *b)
{
	struct podman_entry key, *ent;

	if (c->err) {
		mb_error(b, c->err);
		return 0;
	}
	snprintf(key.id, sizeof(key.id), "%s", id);
	ent = bsearch(&key, c->ent, c->nent, sizeof(*c->ent), entry_cmp);
	if (ent == NULL) {
		mb_error(b, -ENODATA);
		return 0;
	}
	return fill_entry(b, ent);
}

int podman_parse_config(struct meta_priv *b, const char *text, size_t len)
{
	json_t *root;
	int rc;

	rc = jr_parse_object(b, text, len, &root);
	if (rc < 0 || root == NULL)
		return rc;
	rc = jr_labels(b, jr_obj(b, root, "annotations"));
	json_decref(root);
	return rc;
}

static int podman_fill(struct pcc_engines *e, const struct pcc_cid *cid,
		       struct probe *p, struct meta_priv *b)
{
	struct podman_cache *c;
	ssize_t n;
	int rc;

	rc = cache_get(e, p->uid, &p->src[0], &c);
	if (rc == 0 && c)
		rc = podman_fill_cached(c, cid->id, b);
	if (rc < 0)
		return rc;
	n = src_read(e, &p->src[1], META_FILE_MAX);
	if (n < 0) {
		mb_error(b, (int)n);
		return n == -ENOMEM ? (int)n : 0;
	}
	return podman_parse_config(b, e->buf, (size_t)n);
}

const struct engine_ops engine_podman = {
	.engine = PCC_ENGINE_PODMAN,
	.rootless = true,
	.probe = podman_probe,
	.fill = podman_fill,
};
