/*
 * engine.h - the insides of the engine metadata reader, shared by engine.c
 * (the engine table, pcc_meta_resolve), meta.c (building a pcc_meta),
 * jsonread.c (bounded JSON), srcfile.c (opening and reading source files)
 * and one engine_<name>.c per engine.  Not installed.
 *
 * A resolve runs in two steps.  probe opens the container's source files
 * (struct src: an fd and the file's identity, or why it could not be
 * opened) without reading them; if every identity matches the one kept in
 * prev, the resolve stops there.  Otherwise fill reads the open files and
 * builds the meta with the mb_* helpers, which record the first problem
 * met and keep going.
 */
#ifndef PCC_ENGINE_H
#define PCC_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <jansson.h>

#include "pcp-container.h"

#define META_FILE_MAX	(2u << 20)	/* a per-container JSON file */
#define META_SHARED_MAX	(8u << 20)	/* podman's containers.json */
#define META_TEXT_MAX	(64u << 10)	/* pid files, machined and lxc config files */
#define META_JSON_DEPTH	64		/* real files nest 6 or 7 deep */
#define META_NSRC	3		/* source files per container, at most */
#define META_WHERE_MAX	256		/* engine-specific locator (containerd namespace) */
#define BUF_KEEP	(64u << 10)	/* read buffer kept between resolves */

/* Directories the reader knows, each with its PCC_*_DIR override. */
enum edir {
	EDIR_DOCKER = 0,
	EDIR_PODMAN,
	EDIR_CONTAINERD,	/* the v2 task directory below containerd's state dir */
	EDIR_CRIO,
	EDIR_LXC,
	EDIR_MACHINES,
	EDIR_HOMES,		/* PCC_HOME_DIR only: no default */
	NEDIR
};

/* What identifies one version of a file; err != 0 for a file not opened. */
struct srckey {
	int err;		/* 0, or -errno of the open (-ENODATA for ENOENT) */
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtime, ctime;
};

struct src {
	int fd;			/* open for reading, -1 if not */
	bool optional;		/* its absence is no error (pid files) */
	struct srckey key;
};

/* The outcome of a probe: which files, opened or not. */
struct probe {
	enum pcc_engine runtime;	/* whose layout the files follow, NONE if none found */
	char where[META_WHERE_MAX];	/* e.g. the containerd namespace, "" if none */
	long uid;			/* storage owner, -1 for the system's */
	unsigned nsrc;
	struct src src[META_NSRC];
};

/* A pcc_meta with the library's bookkeeping behind it. */
struct meta_priv {
	struct pcc_meta pub;
	struct pcc_cid cid;		/* whose meta this is */
	struct probe probe;		/* fds closed; keys kept for the next resolve */
	const struct pcc_engines *owner;
	size_t labels_cap;
};

/* A cached podman containers.json: one per storage (rootful, each rootless uid). */
struct podman_entry;
struct podman_cache {
	long uid;			/* -1 rootful */
	struct srckey key;		/* the file version this was built from */
	int err;			/* why it holds no entries: -EBADMSG, -EFBIG... */
	struct podman_entry *ent;	/* sorted by id */
	size_t nent;
};

/* A home directory found in the passwd database. */
struct home_ent {
	uid_t uid;
	char *path;			/* absolute, below the sysroot */
};

struct pcc_engines {
	int rootfd;			/* owned dup of the caller's sysroot fd */
	char *env[NEDIR];		/* PCC_*_DIR values, NULL if unset */
	int dirfd[NEDIR];		/* kept O_PATH fds, -1 until opened */
	bool no_openat2;		/* openat2 missing (or PCC_NO_OPENAT2 set) */
	char *buf;			/* read buffer, at most BUF_KEEP kept between reads */
	size_t cap;
	struct home_ent *homes;		/* rootless owners' homes looked up so far */
	size_t nhomes;
	struct podman_cache *pc;	/* podman containers.json caches */
	size_t npc;
	struct pcc_engines_stats st;
};

/* ---------------------------------------------------------------- engines */

struct engine_ops {
	enum pcc_engine engine;
	bool rootless;		/* reads a user's own storage when cid.uid >= 0; without
				 * it such a container gets no metadata at all */
	/* open the source files of cid into p (p->runtime set if found);
	 * -ENOMEM only: problems with the files go into p->src[].key.err */
	int (*probe)(struct pcc_engines *e, const struct pcc_cid *cid,
		     const struct probe *prev, struct probe *p);
	/* read them into b; -ENOMEM only */
	int (*fill)(struct pcc_engines *e, const struct pcc_cid *cid,
		    struct probe *p, struct meta_priv *b);
};

extern const struct engine_ops engine_docker, engine_podman, engine_containerd,
	engine_crio, engine_k8s, engine_lxc, engine_nspawn;

/* -------------------------------------------------------------- srcfile.c */

/* Free what src_* keeps in e (not the directory fds). */
void src_free(struct pcc_engines *e);
/* Copy the PCC_*_DIR variables that are set and non-empty into e->env. 0 or -ENOMEM. */
int src_env_load(struct pcc_engines *e);
/* The kept fd of a directory (opened on first use, reopened when removed), or -errno. */
int src_dir(struct pcc_engines *e, enum edir d);
/* src_dir's fd was found removed: reopen it; returns the new fd or -errno. */
int src_dir_reopen(struct pcc_engines *e, enum edir d);
/*
 * Open rel (no "..") below the engine directory d into s (s->key filled;
 * ENOENT becomes -ENODATA).  Symlinks are followed in the directory's own
 * path but not in the file's last component.  Returns 0 or -ENOMEM.
 */
int src_open(struct pcc_engines *e, enum edir d, const char *rel, struct src *s);
/* The same below an already open directory, O_NOFOLLOW on the last component. */
void src_openat(int dirfd, const char *rel, struct src *s);
/*
 * The directory sub (e.g. ".local/share/containers/storage") of uid's home,
 * reached without following symlinks below the home; an O_PATH fd or -errno
 * (-ESRCH: no home).
 */
int src_home(struct pcc_engines *e, long uid, const char *sub);
/* Open rel below a user's directory: no symlinks anywhere, a regular file owned by uid. */
void src_open_user(struct pcc_engines *e, int dirfd, const char *rel, uid_t uid,
		   struct src *s);
void src_init(struct src *s, bool optional);
void src_close(struct src *s);
bool src_key_eq(const struct srckey *a, const struct srckey *b);
/* Read all of s's file (at most max bytes) into e->buf; its length or -errno. */
ssize_t src_read(struct pcc_engines *e, struct src *s, size_t max);
/* Drop e->buf if it grew past BUF_KEEP. */
void src_buf_trim(struct pcc_engines *e);
/* True if name is one path component: not "", ".", "..", no '/', < 256 bytes. */
bool src_name_ok(const char *name);

/* -------------------------------------------------------------- jsonread.c */

/*
 * Parse len bytes of JSON (object or array at the top) with duplicate keys
 * rejected and nesting bounded by META_JSON_DEPTH.  0 and *ret, or -EBADMSG
 * (anything malformed), -ENOMEM.
 */
int jr_parse(const char *text, size_t len, json_t **ret);
/*
 * jr_parse for an engine's file whose top is an object: a parse error or
 * another top is recorded in b and leaves *ret NULL.  0, or -ENOMEM only.
 */
int jr_parse_object(struct meta_priv *b, const char *text, size_t len, json_t **ret);
/*
 * Members of obj by key: NULL if obj is not an object, the key is missing or
 * null; a member of the wrong type records -EBADMSG in b and is NULL too.
 */
const char *jr_str(struct meta_priv *b, json_t *obj, const char *key);
json_t *jr_obj(struct meta_priv *b, json_t *obj, const char *key);
json_t *jr_arr(struct meta_priv *b, json_t *obj, const char *key);
/* 1 true, 0 false or missing; -EBADMSG recorded for a non-boolean. */
int jr_bool(struct meta_priv *b, json_t *obj, const char *key);
/* An integer member (0 if missing or of the wrong type, recorded). */
int64_t jr_int(struct meta_priv *b, json_t *obj, const char *key);
/* Add every string member of obj as a label (others: -EBADMSG). -ENOMEM only. */
int jr_labels(struct meta_priv *b, json_t *obj);

/* ----------------------------------------------------------------- meta.c */

struct meta_priv *mb_new(const struct pcc_engines *owner, const struct pcc_cid *cid);
/* Record err in b if it is the first problem. */
void mb_error(struct meta_priv *b, int err);
/*
 * Set *field to a sanitized copy of s (len bytes, or strlen if len is -1)
 * unless it is already set or s is NULL or "".  0 or -ENOMEM.
 */
int mb_str(char **field, const char *s, ssize_t len);
/* Add a label (sanitized; a key already there keeps its value). 0 or -ENOMEM. */
int mb_label(struct meta_priv *b, const char *key, const char *value);
int mb_labeln(struct meta_priv *b, const char *key, size_t klen, const char *value,
	      size_t vlen);
/* Parse an RFC 3339 time into seconds since the epoch; 0 if it is not one. */
int64_t mb_time(const char *s);
/* Sort the labels, fill pod and namespace from the k8s labels if unset. */
int mb_finish(struct meta_priv *b);
/*
 * A sanitized copy: valid UTF-8, control characters and bad bytes as
 * U+FFFD, at most PCC_META_STR_MAX bytes.  NULL on allocation failure.
 */
char *mb_clean(const char *s, size_t len);
/* Set *field (unless set) to sec (+ usec if >= 0) as RFC 3339 UTC. 0 or -ENOMEM. */
int mb_epoch(char **field, int64_t sec, long usec);
/*
 * Call fn for each "key = value" / "KEY=value" line of text (len bytes):
 * blank lines and '#' comments skipped, spaces around key and value
 * trimmed.  Stops at fn's first nonzero return, which it returns.
 */
int mb_kv(const char *text, size_t len,
	  int (*fn)(void *arg, const char *key, size_t klen, const char *val, size_t vlen),
	  void *arg);
/* Parse a decimal pid from text; 0 if it is not one. */
pid_t mb_pid(const char *text, size_t len);
/*
 * The fill of the engines that name containers in the cgroup path and keep
 * one KEY=value file per container (lxc config, machined's file): the name
 * from cid, then parse over the text of s.  A missing, unreadable or
 * oversized file is recorded in b's error, not returned.  0 or -ENOMEM.
 */
int mb_fill_kvfile(struct pcc_engines *e, const struct pcc_cid *cid, struct src *s,
		   struct meta_priv *b,
		   int (*parse)(struct meta_priv *b, const char *text, size_t len));

/* ------------------------------------------------------- engine parsers */

/*
 * What each engine's fill makes of the text of one source file (len bytes,
 * not necessarily NUL-terminated): fields, labels and state into b, every
 * problem recorded in b (b->pub.error).  Pure: no I/O, so tests and
 * fuzzers can feed them anything.  Return 0, or -ENOMEM only.
 *   docker_parse         config.v2.json
 *   podman_parse_config  a podman container's OCI config.json (annotations)
 *   containerd_parse     a containerd bundle's OCI config.json
 *   crio_parse           a CRI-O container's OCI config.json
 *   lxc_parse            an LXC config file ("key = value")
 *   machine_parse        a machined state file ("KEY=value")
 */
int docker_parse(struct meta_priv *b, const char *text, size_t len);
int podman_parse_config(struct meta_priv *b, const char *text, size_t len);
int containerd_parse(struct meta_priv *b, const char *text, size_t len);
int crio_parse(struct meta_priv *b, const char *text, size_t len);
int lxc_parse(struct meta_priv *b, const char *text, size_t len);
int machine_parse(struct meta_priv *b, const char *text, size_t len);

/*
 * podman_cache_parse - the entries of a containers.json text into c (which
 * holds none: cleared or zeroed), or the reason for none in c->err
 * (-EBADMSG).  0 or -ENOMEM (c left empty).  podman_cache_clear frees the
 * entries (c stays usable).
 */
int podman_cache_parse(struct podman_cache *c, const char *text, size_t len);
void podman_cache_clear(struct podman_cache *c);
/* The id of c's i-th entry (sorted by id), NULL past the end. */
const char *podman_cache_id(const struct podman_cache *c, size_t i);
/*
 * What c says about container id into b: c->err or -ENODATA (no such
 * entry) recorded in b, or the entry's name, image, pod and created time.
 * 0 or -ENOMEM.
 */
int podman_fill_cached(const struct podman_cache *c, const char *id, struct meta_priv *b);
void podman_cache_free(struct pcc_engines *e);

#endif /* PCC_ENGINE_H */
