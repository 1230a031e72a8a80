/*
 * test_engine_hostile.c - engine metadata from files that are broken,
 * hostile or missing: wrong types, truncated JSON, duplicate keys,
 * invalid UTF-8 and control characters, a 100 MB file, 100000-deep
 * nesting, symlinks, a FIFO and foreign owners in a rootless home (with
 * openat2 and with the component walk), too many labels, strings too
 * long, names that are no file names, a user's cgroup named like a system
 * container.  In every case the container still
 * gets a meta carrying the error.  Re-reading on change is in
 * test_engine_change.c.
 */
#include <fcntl.h>
#include <sys/stat.h>

#include "engine_fx.h"

/* Write text to path (created or truncated). */
static void put(const char *path, const char *text, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, len), (ssize_t)len);
	close(fd);
}

/* True if s is valid UTF-8 without C0/C1 controls or DEL. */
static bool clean_utf8(const char *s)
{
	const unsigned char *u = (const unsigned char *)s;

	while (*u) {
		if (*u < 0x20 || *u == 0x7f)
			return false;
		if (*u < 0x80) {
			u++;
		} else if ((*u & 0xe0) == 0xc0 && (u[1] & 0xc0) == 0x80 && *u >= 0xc2) {
			if (*u == 0xc2 && u[1] < 0xa0)
				return false;		/* C1 */
			u += 2;
		} else if ((*u & 0xf0) == 0xe0 && (u[1] & 0xc0) == 0x80 && (u[2] & 0xc0) == 0x80) {
			u += 3;
		} else if ((*u & 0xf8) == 0xf0 && (u[1] & 0xc0) == 0x80 && (u[2] & 0xc0) == 0x80 &&
			   (u[3] & 0xc0) == 0x80) {
			u += 4;
		} else {
			return false;
		}
	}
	return true;
}

/* A docker data-root in a temp dir holding one container's config.v2.json. */
struct dk {
	char tmp[64], file[PATH_MAX + 256];
	struct efx x;
};

static void dk_open(struct dk *d, const char *id, const char *text, size_t len)
{
	char path[PATH_MAX];

	tmp_make(d->tmp, sizeof(d->tmp));
	snprintf(path, sizeof(path), "%s/containers", d->tmp);
	ck_assert_int_eq(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/containers/%s", d->tmp, id);
	ck_assert_int_eq(mkdir(path, 0755), 0);
	snprintf(d->file, sizeof(d->file), "%s/config.v2.json", path);
	if (text)
		put(d->file, text, len);
	setenv("PCC_DOCKER_DIR", d->tmp, 1);
	efx_open_dir(&d->x, "/");
	unsetenv("PCC_DOCKER_DIR");
}

static void dk_close(struct dk *d)
{
	efx_close(&d->x);
	tmp_remove(d->tmp);
}

START_TEST(docker_broken)
{
	struct pcc_cid c = cid_id(PCC_ENGINE_DOCKER, D_BADTYPE, -1);
	struct pcc_meta *m;
	struct efx x;

	efx_open(&x, "docker");
	/* "Name": 42 and a label 7: those are left out, the rest kept */
	m = resolve(&x, c);
	ck_assert_int_eq(m->error, -EBADMSG);
	ck_str_or_null(m->name, NULL);
	ck_str_or_null(m->image, "alpine:3.19");
	ck_assert_uint_eq(m->nlabels, 1);
	ck_str_or_null(pcc_meta_label(m, "ok"), "yes");
	ck_assert_int_eq(m->state, PCC_CSTATE_RUNNING);
	ck_assert_int_eq(m->pid, 7171);
	pcc_meta_free(m);

	/* truncated, a raw 0xff byte, a duplicate key: the whole file refused */
	const char *whole[] = { D_TRUNC, D_UTF8, D_DUP };
	for (size_t i = 0; i < 3; i++) {
		m = resolve(&x, cid_id(PCC_ENGINE_DOCKER, whole[i], -1));
		ck_assert_int_eq(m->error, -EBADMSG);
		ck_assert_int_eq(m->runtime, PCC_ENGINE_DOCKER);
		ck_assert_ptr_null(m->name);
		ck_assert_ptr_null(m->image);
		ck_assert_uint_eq(m->nlabels, 0);
		ck_assert_int_eq(m->state, PCC_CSTATE_UNKNOWN);
		pcc_meta_free(m);
	}

	m = resolve(&x, cid_id(PCC_ENGINE_DOCKER, NOBODY_ID, -1));
	ck_assert_int_eq(m->error, -ENODATA);
	pcc_meta_free(m);
	m = resolve(&x, cid_id(PCC_ENGINE_DOCKER, "../../../etc", -1));
	ck_assert_int_eq(m->error, -EINVAL);
	pcc_meta_free(m);
	m = resolve(&x, cid_id(PCC_ENGINE_DOCKER, "", -1));
	ck_assert_int_eq(m->error, -EINVAL);
	pcc_meta_free(m);
	efx_close(&x);
}
END_TEST

/* Control characters become U+FFFD; other UTF-8 passes. */
START_TEST(docker_sanitized)
{
	struct pcc_meta *m;
	struct efx x;

	efx_open(&x, "docker");
	m = resolve(&x, cid_id(PCC_ENGINE_DOCKER, D_CTL, -1));
	ck_assert_int_eq(m->error, 0);
	ck_str_or_null(m->name, "ctl\xef\xbf\xbdx\xef\xbf\xbd");
	ck_str_or_null(m->image, "caf\xc3\xa9:latest");
	ck_str_or_null(pcc_meta_label(m, "note"), "line1\xef\xbf\xbdline2");
	ck_str_or_null(pcc_meta_label(m, "ok"), "\xc3\xa9t\xc3\xa9 \xe2\x98\x83");
	ck_assert(clean_utf8(m->name) && clean_utf8(m->image));
	pcc_meta_free(m);
	efx_close(&x);
}
END_TEST

/* 100 MB: refused from its size, never read. */
START_TEST(docker_huge)
{
	struct pcc_engines_stats st;
	struct pcc_meta *m;
	struct dk d;
	int fd;

	dk_open(&d, D_WEB1, "{", 1);
	fd = open(d.file, O_WRONLY | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(ftruncate(fd, 100 << 20), 0);	/* sparse: no disk used */
	close(fd);
	m = resolve(&d.x, cid_id(PCC_ENGINE_DOCKER, D_WEB1, -1));
	ck_assert_int_eq(m->error, -EFBIG);
	ck_assert_ptr_null(m->name);
	pcc_engines_get_stats(d.x.e, &st);
	ck_assert_uint_eq(st.files_read, 0);
	ck_assert_uint_eq(st.bytes_read, 0);
	ck_assert_uint_eq(st.errors, 1);
	pcc_meta_free(m);
	dk_close(&d);
}
END_TEST

/* 100000 levels: refused without recursing; 60 levels and brackets in strings are fine. */
START_TEST(docker_deep)
{
	const size_t deep = 100000;
	size_t len = 0;
	char *text = malloc(2 * deep + 256);
	struct pcc_meta *m;
	struct dk d;

	ck_assert_ptr_nonnull(text);
	len += (size_t)sprintf(text, "{\"Name\":\"/deep\",\"x\":");
	memset(text + len, '[', deep);
	len += deep;
	memset(text + len, ']', deep);
	len += deep;
	text[len++] = '}';
	dk_open(&d, D_WEB1, text, len);
	m = resolve(&d.x, cid_id(PCC_ENGINE_DOCKER, D_WEB1, -1));
	ck_assert_int_eq(m->error, -EBADMSG);
	ck_assert_ptr_null(m->name);
	pcc_meta_free(m);

	len = (size_t)sprintf(text, "{\"Name\":\"/[[[{{{\",\"x\":");
	memset(text + len, '[', 60);
	len += 60;
	memset(text + len, ']', 60);
	len += 60;
	len += (size_t)sprintf(text + len, ",\"Config\":{\"Image\":\"a\\\"[[[\"}}");
	put(d.file, text, len);
	m = resolve(&d.x, cid_id(PCC_ENGINE_DOCKER, D_WEB1, -1));
	ck_assert_int_eq(m->error, 0);
	ck_str_or_null(m->name, "[[[{{{");
	ck_str_or_null(m->image, "a\"[[[");
	pcc_meta_free(m);
	free(text);
	dk_close(&d);
}
END_TEST

/* At most PCC_META_LABELS_MAX labels; strings cut on a character boundary. */
START_TEST(docker_bounds)
{
	size_t cap = 64 << 10, len = 0;
	char *text = malloc(cap);
	struct pcc_meta *m;
	struct dk d;
	int i;

	ck_assert_ptr_nonnull(text);
	len += (size_t)sprintf(text, "{\"Name\":\"/");
	for (i = 0; i < 3000; i++)		/* 6000 bytes of U+00E9 */
		len += (size_t)sprintf(text + len, "\xc3\xa9");
	len += (size_t)sprintf(text + len, "\",\"Config\":{\"Labels\":{");
	for (i = 0; i < 300; i++)
		len += (size_t)sprintf(text + len, "%s\"l%03d\":\"v\"", i ? "," : "", i);
	len += (size_t)sprintf(text + len, "}}}");
	dk_open(&d, D_WEB1, text, len);
	m = resolve(&d.x, cid_id(PCC_ENGINE_DOCKER, D_WEB1, -1));
	ck_assert_int_eq(m->error, 0);
	ck_assert_uint_eq(strlen(m->name), 4094);	/* 2047 whole characters */
	ck_assert(clean_utf8(m->name));
	ck_assert_uint_eq(m->nlabels, PCC_META_LABELS_MAX);
	ck_str_or_null(pcc_meta_label(m, "l255"), "v");
	ck_str_or_null(pcc_meta_label(m, "l256"), NULL);
	pcc_meta_free(m);
	free(text);
	dk_close(&d);
}
END_TEST

START_TEST(podman_missing_and_broken)
{
	struct pcc_meta *m;
	struct efx x;

	efx_open(&x, "podman");
	/* in containers.json, no OCI spec: the name still */
	m = resolve(&x, cid_id(PCC_ENGINE_PODMAN, P_NOCONF, -1));
	ck_assert_int_eq(m->error, -ENODATA);
	ck_str_or_null(m->name, "noconf");
	ck_str_or_null(m->image, "docker.io/library/alpine:latest");
	ck_assert_uint_eq(m->nlabels, 0);
	pcc_meta_free(m);
	/* podman's metadata string cut short: names[] and the image id instead */
	m = resolve(&x, cid_id(PCC_ENGINE_PODMAN, P_BADMETA, -1));
	ck_assert_int_eq(m->error, -EBADMSG);
	ck_str_or_null(m->name, "badmeta");
	ck_assert_ptr_nonnull(m->image);
	ck_assert_uint_eq(strlen(m->image), 64);
	ck_str_or_null(pcc_meta_label(m, "io.container.manager"), "libpod");
	pcc_meta_free(m);
	efx_close(&x);
}
END_TEST

START_TEST(names_not_files)
{
	const char *bad[] = { "..", ".", "a/b", "../../etc/passwd", "" };
	struct pcc_meta *m;
	struct efx x;

	efx_open(&x, "lxc");
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		m = resolve(&x, cid_name(PCC_ENGINE_LXC, bad[i]));
		ck_assert_int_eq(m->error, -EINVAL);
		pcc_meta_free(m);
		m = resolve(&x, cid_name(PCC_ENGINE_NSPAWN, bad[i]));
		ck_assert_int_eq(m->error, -EINVAL);
		pcc_meta_free(m);
	}
	/* a name from the cgroup that is no UTF-8 is sanitized like the rest */
	m = resolve(&x, cid_name(PCC_ENGINE_LXC, "bad\xff\x01name"));
	ck_assert_int_eq(m->error, -ENODATA);
	ck_str_or_null(m->name, "bad\xef\xbf\xbd\xef\xbf\xbdname");
	pcc_meta_free(m);
	efx_close(&x);
}
END_TEST

/*
 * A user can make a cgroup named like a system container's (nerdctl-<id>.scope
 * in a slice of its own): the system's files are not about it.
 */
START_TEST(user_cgroup_not_system)
{
	struct pcc_cid c;
	struct pcc_meta *m;
	struct efx x;

	efx_open(&x, "containerd");
	c = cid_id(PCC_ENGINE_CONTAINERD, C_APP, 1000);
	m = resolve(&x, c);
	ck_assert_int_eq(m->error, -ENODATA);
	ck_assert_ptr_null(m->name);
	ck_assert_ptr_null(m->pod);
	pcc_meta_free(m);
	c.engine = PCC_ENGINE_KUBERNETES;
	m = resolve(&x, c);
	ck_assert_int_eq(m->error, -ENODATA);
	ck_assert_int_eq(m->runtime, PCC_ENGINE_KUBERNETES);
	pcc_meta_free(m);
	efx_close(&x);

	efx_open(&x, "lxc");
	c = cid_name(PCC_ENGINE_LXC, "web3");
	c.uid = 1000;
	m = resolve(&x, c);
	ck_assert_int_eq(m->error, -ENODATA);
	ck_str_or_null(m->name, "web3");
	ck_assert_uint_eq(m->nlabels, 0);
	pcc_meta_free(m);
	efx_close(&x);
}
END_TEST

/* ------------------------------------------------------------ rootless */

struct home {
	char tmp[64], home[PATH_MAX], store[PATH_MAX + 64];
	long uid;
};

/* A copy of alice's podman home as tmp/<euid>, the homes dir PCC_HOME_DIR. */
static void home_make(struct home *h)
{
	tmp_make(h->tmp, sizeof(h->tmp));
	h->uid = (long)geteuid();
	snprintf(h->home, sizeof(h->home), "%s/%ld", h->tmp, h->uid);
	tmp_copy_owned("podman/home/alice", h->home);
	snprintf(h->store, sizeof(h->store), "%s/.local/share/containers/storage", h->home);
}

/* Resolve the rootless container as uid; its error. */
static int home_resolve(struct home *h, long uid, char **ret_name)
{
	struct pcc_meta *m;
	struct efx x;
	int err;

	setenv("PCC_HOME_DIR", h->tmp, 1);
	efx_open_dir(&x, "/");
	unsetenv("PCC_HOME_DIR");
	m = resolve(&x, cid_id(PCC_ENGINE_PODMAN, P_ROOTLESS, uid));
	err = m->error;
	if (ret_name)
		*ret_name = m->name ? strdup(m->name) : NULL;
	pcc_meta_free(m);
	efx_close(&x);
	return err;
}

/* Move path to path.real and back. */
static void aside(const char *path, bool back)
{
	char real[PATH_MAX + 8];

	snprintf(real, sizeof(real), "%s.real", path);
	ck_assert_int_eq(back ? rename(real, path) : rename(path, real), 0);
}

/* Loop 0: openat2; loop 1: the component walk (PCC_NO_OPENAT2). */
START_TEST(rootless_refused)
{
	char path[2 * PATH_MAX], other[PATH_MAX], *name = NULL;
	struct home h;

	if (_i == 1)
		setenv("PCC_NO_OPENAT2", "1", 1);
	home_make(&h);
	ck_assert_int_eq(home_resolve(&h, h.uid, &name), 0);
	ck_str_or_null(name, "toolbox");
	free(name);
	efx_path("podman/var/lib/containers/storage", other, sizeof(other));

	/* containers.json pointing at the system's storage */
	snprintf(path, sizeof(path), "%s/overlay-containers/containers.json", h.store);
	aside(path, false);
	ck_assert_int_eq(symlink("containers.json.real", path), 0);
	ck_assert_int_eq(home_resolve(&h, h.uid, &name), -ELOOP);
	ck_str_or_null(name, NULL);
	/* a FIFO in its place must not hang the reader */
	ck_assert_int_eq(unlink(path), 0);
	ck_assert_int_eq(mkfifo(path, 0644), 0);
	ck_assert_int_eq(home_resolve(&h, h.uid, NULL), -EPERM);
	ck_assert_int_eq(unlink(path), 0);
	aside(path, true);

	/* the OCI spec as a symlink: containers.json still names it */
	snprintf(path, sizeof(path), "%s/overlay-containers/%s/userdata/config.json", h.store,
		 P_ROOTLESS);
	aside(path, false);
	ck_assert_int_eq(symlink("config.json.real", path), 0);
	ck_assert_int_eq(home_resolve(&h, h.uid, &name), -ELOOP);
	ck_str_or_null(name, "toolbox");
	free(name);
	ck_assert_int_eq(unlink(path), 0);
	aside(path, true);

	/* a directory on the way as a symlink */
	snprintf(path, sizeof(path), "%s/.local/share", h.home);
	aside(path, false);
	ck_assert_int_eq(symlink("share.real", path), 0);
	ck_assert_int_eq(home_resolve(&h, h.uid, NULL), -ELOOP);
	ck_assert_int_eq(unlink(path), 0);
	aside(path, true);

	/* the whole storage elsewhere: the system's */
	aside(h.store, false);
	ck_assert_int_eq(symlink(other, h.store), 0);
	ck_assert_int_eq(home_resolve(&h, h.uid, NULL), -ELOOP);
	ck_assert_int_eq(unlink(h.store), 0);
	aside(h.store, true);

	ck_assert_int_eq(home_resolve(&h, h.uid, NULL), 0);
	unsetenv("PCC_NO_OPENAT2");
	tmp_remove(h.tmp);
}
END_TEST

/* Files in a user's storage must be that user's. */
START_TEST(rootless_owner)
{
	char link[PATH_MAX + 32], *name = NULL;
	struct home h;

	home_make(&h);
	snprintf(link, sizeof(link), "%s/%ld", h.tmp, h.uid + 1);
	ck_assert_int_eq(symlink(h.home, link), 0);	/* the same files, another uid */
	ck_assert_int_eq(home_resolve(&h, h.uid + 1, &name), -EPERM);
	ck_str_or_null(name, NULL);
	ck_assert_int_eq(home_resolve(&h, h.uid, NULL), 0);
	tmp_remove(h.tmp);
}
END_TEST

static Suite *make_suite(void)
{
	Suite *s = suite_create("engine_hostile");
	TCase *tc = tcase_create("files");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, docker_broken);
	tcase_add_test(tc, docker_sanitized);
	tcase_add_test(tc, docker_huge);
	tcase_add_test(tc, docker_deep);
	tcase_add_test(tc, docker_bounds);
	tcase_add_test(tc, podman_missing_and_broken);
	tcase_add_test(tc, names_not_files);
	tcase_add_test(tc, user_cgroup_not_system);
	tcase_add_loop_test(tc, rootless_refused, 0, 2);
	tcase_add_test(tc, rootless_owner);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN()
