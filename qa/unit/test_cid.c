/*
 * test_cid.c - Check suite for cid.c: cgroup path -> engine, container id,
 * name, pod uid and rootless owner; engine names; name sanitizing.
 *
 * The tables hold one row per path form and per near miss (conmon, pod and
 * monitor cgroups, wrong lengths, wrong case, wrong parents).  Every accepted
 * row is also checked the way the walker meets it: all its ancestors must be
 * 0 (only the container's own level says 1), a few of its descendants must
 * be 0, and every mangled copy of its id must be 0.  Hostile names (quotes,
 * control bytes, invalid UTF-8, 255/256 bytes, paths past 4096 bytes) and a
 * seeded random walk over path pieces check that nothing overflows.
 * pcc_name_sanitize is checked by table and against a reference
 * implementation.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "pcp-container.h"
#include "unit.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* container ids: 64 lower-case hex digits */
#define ID	"4f1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9"
#define ID2	"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
/* near-miss ids */
#define ID63	"4f1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f"
#define ID65	ID "0"
#define IDUP	"4F1B2C3D4E5F60718293A4B5C6D7E8F90A1B2C3D4E5F60718293A4B5C6D7E8F9"
#define IDG	"4f1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8fg"

/* pod uids: API UUID, its systemd spelling, a static pod's hash */
#define PU	"2b3c4d5e-6f70-4182-93a4-b5c6d7e8f901"
#define PU_	"2b3c4d5e_6f70_4182_93a4_b5c6d7e8f901"
#define PUUP	"2B3C4D5E-6F70-4182-93A4-B5C6D7E8F901"
#define PH	"d0a6a9a9e6b5e1b0c8c7d6e5f4a3b2c1"

/* kubelet cgroupfs pods */
#define KC_BE	"/kubepods/besteffort/pod" PU
#define KC_BU	"/kubepods/burstable/pod" PU
#define KC_GU	"/kubepods/pod" PU
/* kubelet systemd pod slices */
#define KS_BE	"/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod" PU_ ".slice"
#define KS_BU	"/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" PU_ ".slice"
#define KS_GU	"/kubepods.slice/kubepods-pod" PU_ ".slice"
/* the 64-byte pod slice component that a length check takes for an id */
#define TRAP	"kubepods-burstable-pod" PU_ ".slice"

#define U1000	"/user.slice/user-1000.slice/user@1000.service"

#define DOCKER		PCC_ENGINE_DOCKER
#define PODMAN		PCC_ENGINE_PODMAN
#define CONTAINERD	PCC_ENGINE_CONTAINERD
#define CRIO		PCC_ENGINE_CRIO
#define KUBE		PCC_ENGINE_KUBERNETES
#define LXC		PCC_ENGINE_LXC
#define NSPAWN		PCC_ENGINE_NSPAWN

struct yes_case {
	const char *path;
	enum pcc_engine engine;
	const char *id;
	const char *name;
	const char *pod;
	long uid;
};

static const struct yes_case yes[] = {
	/* docker */
	{ "/docker/" ID, DOCKER, ID, "", "", -1 },
	{ "/docker/" ID2, DOCKER, ID2, "", "", -1 },
	{ "/system.slice/docker-" ID ".scope", DOCKER, ID, "", "", -1 },
	{ "/my-app.slice/docker-" ID ".scope", DOCKER, ID, "", "", -1 },
	{ "/a.slice/a-b.slice/docker-" ID ".scope", DOCKER, ID, "", "", -1 },
	{ "/machine.slice/docker-" ID ".scope", DOCKER, ID, "", "", -1 },
	{ U1000 "/user.slice/docker-" ID ".scope", DOCKER, ID, "", "", 1000 },
	{ KS_BU "/docker-" ID ".scope", DOCKER, ID, "", PU, -1 },
	{ KS_GU "/docker-" ID ".scope", DOCKER, ID, "", PU, -1 },
	/* podman */
	{ "/libpod_parent/libpod-" ID, PODMAN, ID, "", "", -1 },
	{ "/machine.slice/libpod-" ID ".scope", PODMAN, ID, "", "", -1 },
	{ "/machine.slice/machine-libpod_pod_" ID2 ".slice/libpod-" ID ".scope",
	  PODMAN, ID, "", "", -1 },
	{ U1000 "/user.slice/libpod-" ID ".scope", PODMAN, ID, "", "", 1000 },
	{ U1000 "/libpod-" ID ".scope", PODMAN, ID, "", "", 1000 },
	{ U1000 "/app.slice/podman-4242.scope/libpod-" ID ".scope", PODMAN, ID, "", "", 1000 },
	{ "/user.slice/user-1001.slice/user@1001.service/user.slice/user-libpod_pod_"
	  ID2 ".slice/libpod-" ID ".scope", PODMAN, ID, "", "", 1001 },
	{ "/user.slice/user-0.slice/user@0.service/user.slice/libpod-" ID ".scope",
	  PODMAN, ID, "", "", 0 },
	{ "/user.slice/user-4294967294.slice/user@4294967294.service/libpod-" ID ".scope",
	  PODMAN, ID, "", "", 4294967294L },
	/* a slice below user@ but owners that differ: still a slice parent */
	{ "/user.slice/user-1000.slice/user@1001.service/user.slice/libpod-" ID ".scope",
	  PODMAN, ID, "", "", -1 },
	/* kubernetes, cgroupfs driver */
	{ KC_BE "/" ID, KUBE, ID, "", PU, -1 },
	{ KC_BU "/" ID, KUBE, ID, "", PU, -1 },
	{ KC_GU "/" ID, KUBE, ID, "", PU, -1 },
	{ "/kubepods/burstable/pod" PH "/" ID, KUBE, ID, "", PH, -1 },
	{ "/kubepods/pod" PH "/" ID2, KUBE, ID2, "", PH, -1 },
	{ KC_BU "/crio-" ID, CRIO, ID, "", PU, -1 },
	{ KC_GU "/crio-" ID, CRIO, ID, "", PU, -1 },
	/* kubernetes, systemd driver */
	{ KS_BE "/cri-containerd-" ID ".scope", CONTAINERD, ID, "", PU, -1 },
	{ KS_BU "/cri-containerd-" ID ".scope", CONTAINERD, ID, "", PU, -1 },
	{ KS_GU "/cri-containerd-" ID ".scope", CONTAINERD, ID, "", PU, -1 },
	{ KS_BE "/crio-" ID ".scope", CRIO, ID, "", PU, -1 },
	{ KS_BU "/crio-" ID ".scope", CRIO, ID, "", PU, -1 },
	{ KS_GU "/crio-" ID ".scope", CRIO, ID, "", PU, -1 },
	{ "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" PH
	  ".slice/cri-containerd-" ID ".scope", CONTAINERD, ID, "", PH, -1 },
	/* a pod slice with a uid of no known shape: container, pod unknown */
	{ "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-podxyz.slice/crio-"
	  ID ".scope", CRIO, ID, "", "", -1 },
	/* nerdctl */
	{ "/system.slice/nerdctl-" ID ".scope", CONTAINERD, ID, "", "", -1 },
	{ U1000 "/user.slice/nerdctl-" ID ".scope", CONTAINERD, ID, "", "", 1000 },
	/* LXC */
	{ "/lxc/web", LXC, "", "web", "", -1 },
	{ "/lxc.payload.web", LXC, "", "web", "", -1 },
	{ "/lxc.payload/web", LXC, "", "web", "", -1 },
	{ "/lxc.payload.lxd_proj_c1", LXC, "", "lxd_proj_c1", "", -1 },
	{ "/lxc.payload.a.b", LXC, "", "a.b", "", -1 },
	{ "/lxc/lxc.monitor.x", LXC, "", "lxc.monitor.x", "", -1 },
	{ "/lxc/" ID, LXC, "", ID, "", -1 },
	{ "/lxc/...", LXC, "", "...", "", -1 },
	{ "/lxc/we\"b", LXC, "", "we\"b", "", -1 },
	{ "/lxc/it's", LXC, "", "it's", "", -1 },
	{ "/lxc/a\\b", LXC, "", "a\\b", "", -1 },
	{ "/lxc/a b", LXC, "", "a b", "", -1 },
	{ "/lxc/\x01\x02\x1f\x7f", LXC, "", "\x01\x02\x1f\x7f", "", -1 },
	{ "/lxc/\xff\xfe\x80", LXC, "", "\xff\xfe\x80", "", -1 },
	{ "/lxc.payload.\xc3\xa9t\xc3\xa9", LXC, "", "\xc3\xa9t\xc3\xa9", "", -1 },
	{ "/lxc.payload.\\x2d", LXC, "", "\\x2d", "", -1 },
	{ "/lxc.payload/\n", LXC, "", "\n", "", -1 },
	/* machined */
	{ "/machine.slice/machine-foo.scope", NSPAWN, "", "foo", "", -1 },
	{ "/machine.slice/machine-qemu\\x2d1\\x2dvm.scope", NSPAWN, "", "qemu-1-vm", "", -1 },
	{ "/machine.slice/machine-a\\x2Db.scope", NSPAWN, "", "a-b", "", -1 },
	{ "/machine.slice/machine-a\\x5cb.scope", NSPAWN, "", "a\\b", "", -1 },
	{ "/machine.slice/machine-\\x22.scope", NSPAWN, "", "\"", "", -1 },
	{ "/machine.slice/machine-\\x20x.scope", NSPAWN, "", " x", "", -1 },
	{ "/machine.slice/machine-\\xc3\\xa9t\\xc3\\xa9.scope", NSPAWN, "", "\xc3\xa9t\xc3\xa9", "", -1 },
	{ "/machine.slice/machine-\\x2efoo.scope", NSPAWN, "", ".foo", "", -1 },
	{ "/machine.slice/machine-a:b_c.d.scope", NSPAWN, "", "a:b_c.d", "", -1 },
	{ "/machine.slice/machine-f.scope", NSPAWN, "", "f", "", -1 },
	{ "/machine.slice/systemd-nspawn@foo.service", NSPAWN, "", "foo", "", -1 },
	{ "/machine.slice/systemd-nspawn@foo-bar.service", NSPAWN, "", "foo-bar", "", -1 },
	{ "/machine.slice/systemd-nspawn@foo\\x2dbar.service", NSPAWN, "", "foo-bar", "", -1 },
	{ "/machine.slice/systemd-nspawn@Fedora39.service", NSPAWN, "", "Fedora39", "", -1 },
};

static const char *const no[] = {
	/* not canonical, the root, the top level */
	"/", "//", "/docker/", "//docker/" ID, "/docker//" ID, "/docker/./" ID,
	"/docker/../docker/" ID, "/./docker/" ID, "/.", "/..",
	"/" ID, "/docker", "/system.slice", "/machine.slice",
	"//system.slice/docker-" ID ".scope", "/./system.slice/docker-" ID ".scope",
	"/x/../system.slice/docker-" ID ".scope", "/system.slice/docker-" ID ".scope/",
	U1000 "//libpod-" ID ".scope", U1000 "/./libpod-" ID ".scope",
	U1000 "/../libpod-" ID ".scope", "/kubepods/burstable/pod" PU "/./" ID,
	/* docker near misses */
	"/docker/" ID63, "/docker/" ID65, "/docker/" IDUP, "/docker/" IDG,
	"/docker/docker-" ID, "/docker/" ID ".scope", "/docker/ " ID,
	"/docker/" ID "/docker/" ID2, "/docker/" ID "/sub",
	"/foo/docker/" ID, "/dockerx/" ID, "/system.slice/docker/" ID,
	"/docker-" ID ".scope", "/system.slice/docker-" ID, "/system.slice/docker-" ID ".service",
	"/system.slice/docker-" ID ".scopex", "/system.slice/docker-" ID63 ".scope",
	"/system.slice/docker-" ID65 ".scope", "/system.slice/docker-" IDUP ".scope",
	"/system.slice/docker-" IDG ".scope", "/system.slice/DOCKER-" ID ".scope",
	"/system.slice/docker_" ID ".scope", "/system.slice/docker--" ID ".scope",
	"/system.slice/docker.service", "/system.slice/docker.socket",
	"/system.slice/containerd.service", "/.slice/docker-" ID ".scope",
	"/system.slicex/docker-" ID ".scope", "/system.service/docker-" ID ".scope",
	"/system.scope/docker-" ID ".scope", "/system.slice/" ID,
	/* containerd cgroupfs namespaces and plain containerd scopes: left out */
	"/default/" ID, "/k8s.io/" ID, "/moby/" ID,
	"/system.slice/containerd-" ID ".scope",
	/* podman near misses: conmon, pod slices, wrong suffix or parent */
	"/libpod_parent", "/libpod_parent/conmon", "/libpod_parent/libpod-conmon-" ID,
	"/libpod_parent/libpod-" ID ".scope", "/libpod_parent/libpod-" ID63,
	"/libpod_parent/" ID, "/libpod_parent/libpod-" IDUP, "/libpod-" ID,
	"/machine.slice/libpod-conmon-" ID ".scope", "/machine.slice/libpod-" ID,
	"/machine.slice/libpod-" ID ".scope/container",
	"/machine.slice/machine-libpod_pod_" ID2 ".slice",
	"/machine.slice/machine-libpod_pod_" ID2 ".slice/libpod-conmon-" ID ".scope",
	U1000, U1000 "/user.slice", U1000 "/user.slice/libpod-conmon-" ID ".scope",
	U1000 "/user.slice/podman-pause-1234.scope", U1000 "/libpod-" ID63 ".scope",
	"/user.slice/user-1000.slice/session-2.scope/libpod-" ID ".scope",
	"/user.slice/user-1000.slice/user@1001.service/libpod-" ID ".scope",
	"/user.slice/user-01000.slice/user@01000.service/libpod-" ID ".scope",
	"/user.slice/user-.slice/user@.service/libpod-" ID ".scope",
	"/user.slice/user-x.slice/user@x.service/libpod-" ID ".scope",
	"/user.slice/user-4294967295.slice/user@4294967295.service/libpod-" ID ".scope",
	"/user.slice/user-99999999999.slice/user@99999999999.service/libpod-" ID ".scope",
	"/user.slice/user-1000.slice/user@1000.servicex/libpod-" ID ".scope",
	/* kubernetes: the levels above a container, pods, conmon, bad uids */
	"/kubepods", "/kubepods/besteffort", "/kubepods/burstable", KC_BE, KC_BU, KC_GU,
	"/kubepods.slice", "/kubepods.slice/kubepods-besteffort.slice",
	"/kubepods.slice/kubepods-burstable.slice", KS_BE, KS_BU, KS_GU,
	"/kubepods.slice/kubepods-burstable.slice/" TRAP,
	"/kubepods/burstable/" ID, "/kubepods/" ID, "/kubepods/guaranteed/pod" PU "/" ID,
	"/kubepods/burstable/pod" PU_ "/" ID, "/kubepods/burstable/pod" PUUP "/" ID,
	"/kubepods/burstable/podxyz/" ID, "/kubepods/burstable/pod/" ID,
	"/kubepods/burstable/pod" PU "x/" ID, "/kubepods/burstable/pod" PH "0/" ID,
	"/kubepods/burstable/" PU "/" ID, "/kubepods/besteffort/burstable/pod" PU "/" ID,
	"/foo/kubepods/burstable/pod" PU "/" ID, "/kubepods/burstable/pod" PU "/" ID63,
	KC_BU "/crio-conmon-" ID, KC_BU "/cri-containerd-" ID, KC_BU "/crio-" ID ".scope",
	KC_BU "/docker-" ID ".scope", KC_BU "/" ID "/sub",
	KS_BU "/crio-conmon-" ID ".scope", KS_BU "/cri-containerd-" ID,
	KS_BU "/crio-" ID, KS_BU "/" ID, KS_BU "/cri-containerd-" ID63 ".scope",
	KS_BU "/cri-containerd-" IDUP ".scope", KS_BU "/cri-containerd-" ID ".scope/sub",
	/* nerdctl near misses */
	"/system.slice/nerdctl-" ID63 ".scope", "/system.slice/nerdctl-" ID,
	"/nerdctl-" ID ".scope",
	/* LXC monitors, pivot, empty and misplaced names */
	"/lxc", "/lxc.monitor.web", "/lxc.monitor/web", "/lxc.monitor", "/lxc.pivot",
	"/lxc.payload", "/lxc.payload.", "/lxc.payloadweb", "/lxc.payload.web/sub",
	"/lxc/web/ns", "/lxc.payload/web/x", "/foo/lxc.payload.web",
	"/lxc.payload.web/lxc.payload.inner", "/lxc/web/lxc/inner", "/foo/lxc/web",
	/* machined near misses and bad escapes */
	"/machine.slice/machine-.scope", "/machine.slice/machine-foo.service",
	"/machine.slice/machine-foo", "/machine.slice/machine-foo.slice",
	"/machine.slice/machine.scope", "/system.slice/machine-foo.scope",
	"/machine-foo.scope", "/machine.slice/machine-foo.scope/payload",
	"/machine.slice/machine-foo.scope/payload/system.slice",
	"/machine.slice/systemd-nspawn@.service", "/machine.slice/systemd-nspawn.service",
	"/machine.slice/systemd-nspawn@foo.scope", "/machine.slice/systemd-nspawn@foo.service/payload",
	"/machine.slice/machine-a\\x2.scope", "/machine.slice/machine-a\\x.scope",
	"/machine.slice/machine-a\\y41.scope", "/machine.slice/machine-a\\.scope",
	"/machine.slice/machine-a\\\\x41.scope", "/machine.slice/machine-\\xg1.scope",
	"/machine.slice/machine-\\x1g.scope", "/machine.slice/machine-a\\X41.scope",
	"/machine.slice/machine-\\x00.scope", "/machine.slice/machine-a\\x2fb.scope",
	"/machine.slice/machine-a\\x2Fb.scope", "/machine.slice/machine-a b.scope",
	"/machine.slice/machine-a\"b.scope", "/machine.slice/machine-a'b.scope",
	"/machine.slice/machine-a@b.scope", "/machine.slice/machine-\xff.scope",
	"/machine.slice/machine-a\tb.scope", "/machine.slice/systemd-nspawn@a b.service",
};

/* ------------------------------------------------------------ helpers */

/* ck_assert records a mark point (file I/O) even when it holds: far too slow
 * for the seeded loops, which check with this instead. */
#define REQUIRE(cond)							\
	do {								\
		if (!(cond))						\
			ck_abort_msg("%s:%d: %s", __FILE__, __LINE__, #cond); \
	} while (0)

/* path bytes made printable for failure messages */
static const char *show(const char *s, char *buf, size_t len)
{
	pcc_name_sanitize(s, strlen(s), buf, len);
	return buf;
}

static void check_cid(const char *path, const struct pcc_cid *c,
		      enum pcc_engine engine, const char *id, const char *name,
		      const char *pod, long uid)
{
	char b[512];

	ck_assert_msg(c->engine == engine, "%s: engine %d, want %d",
		      show(path, b, sizeof(b)), c->engine, engine);
	ck_assert_msg(strcmp(c->id, id) == 0, "%s: id \"%s\", want \"%s\"",
		      show(path, b, sizeof(b)), c->id, id);
	ck_assert_msg(strcmp(c->name, name) == 0, "%s: wrong name",
		      show(path, b, sizeof(b)));
	ck_assert_msg(strcmp(c->pod_uid, pod) == 0, "%s: pod \"%s\", want \"%s\"",
		      show(path, b, sizeof(b)), c->pod_uid, pod);
	ck_assert_msg(c->uid == uid, "%s: uid %ld, want %ld",
		      show(path, b, sizeof(b)), c->uid, uid);
}

/* classify a path expected not to be a container; *ret_cid stays untouched */
static void expect_no(const char *path)
{
	struct pcc_cid c, sentinel;
	char b[512];
	int rc;

	memset(&c, 0x5a, sizeof(c));
	memset(&sentinel, 0x5a, sizeof(sentinel));
	rc = pcc_cid_classify(path, &c);
	ck_assert_msg(rc == 0, "%s: rc %d, want 0", show(path, b, sizeof(b)), rc);
	ck_assert_msg(memcmp(&c, &sentinel, sizeof(c)) == 0,
		      "%s: ret_cid touched", show(path, b, sizeof(b)));
}

static void expect_yes(const struct yes_case *y, const char *path)
{
	struct pcc_cid c;
	char b[512];
	int rc;

	memset(&c, 0x5a, sizeof(c));
	rc = pcc_cid_classify(path, &c);
	ck_assert_msg(rc == 1, "%s: rc %d, want 1", show(path, b, sizeof(b)), rc);
	check_cid(path, &c, y->engine, y->id, y->name, y->pod, y->uid);
}

/* a malloc'ed copy of path with its last occurrence of what replaced by with */
static char *replace_last(const char *path, const char *what, const char *with)
{
	const char *at = NULL, *p = path;
	size_t n = strlen(what);
	char *out;

	while ((p = strstr(p, what)) != NULL)
		at = p++;
	ck_assert_ptr_nonnull(at);
	out = malloc(strlen(path) - n + strlen(with) + 1);
	ck_assert_ptr_nonnull(out);
	sprintf(out, "%.*s%s%s", (int)(at - path), path, with, at + n);
	return out;
}

/* ------------------------------------------------------------ classify */

START_TEST(test_yes_table)
{
	/* an exactly sized heap copy, so ASan sees any read past the end */
	char *p = strdup(yes[_i].path);

	ck_assert_ptr_nonnull(p);
	expect_yes(&yes[_i], p);
	free(p);
}
END_TEST

START_TEST(test_no_table)
{
	char *p = strdup(no[_i]);

	ck_assert_ptr_nonnull(p);
	expect_no(p);
	free(p);
}
END_TEST

/* The walker sees every ancestor first: none of them may be a container. */
START_TEST(test_yes_ancestors)
{
	const char *path = yes[_i].path;
	size_t i, len = strlen(path);

	for (i = 1; i < len; i++) {
		if (path[i] == '/') {
			char *anc = strndup(path, i);

			ck_assert_ptr_nonnull(anc);
			expect_no(anc);
			free(anc);
		}
	}
}
END_TEST

/* Cgroups a container makes inside itself are not containers. */
START_TEST(test_yes_descendants)
{
	static const char *const below[] = {
		"x", "container", "payload", "supervisor", "init.scope",
		"system.slice", "ns", "docker", ID2, "lxc.payload.x",
		"machine-x.scope",
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(below); i++) {
		char *p;

		ck_assert_int_ne(asprintf(&p, "%s/%s", yes[_i].path, below[i]), -1);
		expect_no(p);
		free(p);
	}
}
END_TEST

/* Any damage to the id turns a container path into a non-container. */
START_TEST(test_yes_id_mutations)
{
	static const char *const bad[] = { ID63, ID65, IDUP, IDG, "", "-" ID63,
					   ID63 "-", ID63 "F", ID63 " " };
	const struct yes_case *y = &yes[_i];
	size_t i;

	if (!*y->id)
		return;
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		char *p = replace_last(y->path, y->id, bad[i]);

		expect_no(p);
		free(p);
	}
}
END_TEST

START_TEST(test_einval)
{
	struct pcc_cid c, sentinel;

	memset(&c, 0x5a, sizeof(c));
	memset(&sentinel, 0x5a, sizeof(sentinel));
	ck_assert_int_eq(pcc_cid_classify(NULL, &c), -EINVAL);
	ck_assert_int_eq(pcc_cid_classify("", &c), -EINVAL);
	ck_assert_int_eq(pcc_cid_classify("docker/" ID, &c), -EINVAL);
	ck_assert_int_eq(pcc_cid_classify(" /docker/" ID, &c), -EINVAL);
	ck_assert_int_eq(pcc_cid_classify(".", &c), -EINVAL);
	ck_assert_int_eq(pcc_cid_classify("/docker/" ID, NULL), -EINVAL);
	ck_assert_int_eq(memcmp(&c, &sentinel, sizeof(c)), 0);
}
END_TEST

/* The pod slice component is 64 bytes long: a length test calls it an id. */
START_TEST(test_pod_slice_trap)
{
	ck_assert_uint_eq(strlen(TRAP), 64);
	expect_no("/kubepods.slice/kubepods-burstable.slice/" TRAP);
	expect_no("/kubepods/burstable/" TRAP);
	expect_no("/docker/" TRAP);
	expect_no("/system.slice/docker-" TRAP ".scope");
}
END_TEST

/* Documented: a container form nested in a container is judged on its own. */
START_TEST(test_nested_own_form)
{
	struct pcc_cid c;

	ck_assert_int_eq(pcc_cid_classify("/system.slice/docker-" ID
					  ".scope/x.slice/docker-" ID2 ".scope", &c), 1);
	check_cid("nested", &c, DOCKER, ID2, "", "", -1);
	/* a cgroupfs container below a container has the wrong parent */
	expect_no("/docker/" ID "/docker/" ID2);
	/* and plain sub-cgroups are never containers */
	expect_no("/machine.slice/machine-x.scope/payload/system.slice");
}
END_TEST

/* Every field is written on success: nothing stale from a previous call. */
START_TEST(test_fields_reset)
{
	struct pcc_cid c;

	ck_assert_int_eq(pcc_cid_classify(U1000 "/user.slice/libpod-" ID ".scope", &c), 1);
	check_cid("rootless", &c, PODMAN, ID, "", "", 1000);
	ck_assert_int_eq(pcc_cid_classify("/lxc/web", &c), 1);
	check_cid("lxc after podman", &c, LXC, "", "web", "", -1);
	ck_assert_int_eq(pcc_cid_classify(KS_BU "/crio-" ID2 ".scope", &c), 1);
	check_cid("crio after lxc", &c, CRIO, ID2, "", PU, -1);
	ck_assert_int_eq(pcc_cid_classify("/system.slice/docker-" ID ".scope", &c), 1);
	check_cid("docker after crio", &c, DOCKER, ID, "", "", -1);
}
END_TEST

/* Raw names: every byte but '/' and NUL, 255 bytes fit, 256 do not. */
START_TEST(test_name_lengths)
{
	char name[PCC_NAME_MAX + 2], *p;
	struct pcc_cid c;
	int i;

	for (i = 0; i < PCC_NAME_MAX; i++)
		name[i] = (char)(i % 254 + 1 < '/' ? i % 254 + 1 : i % 254 + 2);
	name[PCC_NAME_MAX] = '\0';
	ck_assert_ptr_null(memchr(name, '/', PCC_NAME_MAX));

	ck_assert_int_ne(asprintf(&p, "/lxc/%s", name), -1);
	ck_assert_int_eq(pcc_cid_classify(p, &c), 1);
	ck_assert_int_eq(memcmp(c.name, name, PCC_NAME_MAX + 1), 0);
	free(p);
	ck_assert_int_ne(asprintf(&p, "/lxc.payload.%s", name), -1);
	ck_assert_int_eq(pcc_cid_classify(p, &c), 1);
	ck_assert_str_eq(c.name, name);
	free(p);
	ck_assert_int_ne(asprintf(&p, "/lxc.payload/%s", name), -1);
	ck_assert_int_eq(pcc_cid_classify(p, &c), 1);
	ck_assert_str_eq(c.name, name);
	free(p);

	name[PCC_NAME_MAX] = 'z';
	name[PCC_NAME_MAX + 1] = '\0';
	ck_assert_int_ne(asprintf(&p, "/lxc/%s", name), -1);
	expect_no(p);
	free(p);
	ck_assert_int_ne(asprintf(&p, "/lxc.payload.%s", name), -1);
	expect_no(p);
	free(p);
	ck_assert_int_ne(asprintf(&p, "/lxc.payload/%s", name), -1);
	expect_no(p);
	free(p);
}
END_TEST

/* A unit name decoding to 255 bytes fits, to 256 does not. */
START_TEST(test_unit_name_lengths)
{
	char *esc = malloc(4 * (PCC_NAME_MAX + 1) + 1), *p;
	struct pcc_cid c;
	int i;

	ck_assert_ptr_nonnull(esc);
	for (i = 0; i < PCC_NAME_MAX; i++)
		memcpy(esc + 4 * i, "\\x2d", 4);
	esc[4 * PCC_NAME_MAX] = '\0';
	ck_assert_int_ne(asprintf(&p, "/machine.slice/machine-%s.scope", esc), -1);
	ck_assert_int_eq(pcc_cid_classify(p, &c), 1);
	ck_assert_uint_eq(strlen(c.name), PCC_NAME_MAX);
	ck_assert_int_eq(c.name[0], '-');
	ck_assert_int_eq(c.name[PCC_NAME_MAX - 1], '-');
	free(p);

	strcat(esc, "a");
	ck_assert_int_ne(asprintf(&p, "/machine.slice/machine-%s.scope", esc), -1);
	expect_no(p);
	free(p);
	ck_assert_int_ne(asprintf(&p, "/machine.slice/systemd-nspawn@%s.service", esc), -1);
	expect_no(p);
	free(p);
	free(esc);
}
END_TEST

static char *repeat(const char *piece, size_t times, const char *tail)
{
	size_t n = strlen(piece), t = strlen(tail), i;
	char *s = malloc(n * times + t + 1);

	ck_assert_ptr_nonnull(s);
	for (i = 0; i < times; i++)
		memcpy(s + i * n, piece, n);
	memcpy(s + n * times, tail, t + 1);
	return s;
}

/* Paths well past PATH_MAX, and components far past NAME_MAX. */
START_TEST(test_long_paths)
{
	struct pcc_cid c;
	char *p, *big;

	p = repeat("/a.slice", 1200, "/docker-" ID ".scope");
	ck_assert_uint_gt(strlen(p), 8192);
	ck_assert_int_eq(pcc_cid_classify(p, &c), 1);
	check_cid("long slice", &c, DOCKER, ID, "", "", -1);
	free(p);

	p = repeat("/x", 5000, "/libpod-" ID ".scope");
	expect_no(p);
	free(p);
	big = repeat("/x", 3000, "");
	ck_assert_int_ne(asprintf(&p, U1000 "%s/libpod-" ID ".scope", big), -1);
	ck_assert_int_eq(pcc_cid_classify(p, &c), 1);
	check_cid("long rootless", &c, PODMAN, ID, "", "", 1000);
	free(p);
	free(big);

	big = repeat("a", 10000, "");
	ck_assert_int_ne(asprintf(&p, "/%s", big), -1);
	expect_no(p);
	free(p);
	ck_assert_int_ne(asprintf(&p, "/lxc/%s", big), -1);
	expect_no(p);
	free(p);
	ck_assert_int_ne(asprintf(&p, "/docker/%s", big), -1);
	expect_no(p);
	free(p);
	ck_assert_int_ne(asprintf(&p, "/system.slice/docker-%s.scope", big), -1);
	expect_no(p);
	free(p);
	ck_assert_int_ne(asprintf(&p, "/%s.slice/docker-" ID ".scope", big), -1);
	ck_assert_int_eq(pcc_cid_classify(p, &c), 1);
	free(p);
	ck_assert_int_ne(asprintf(&p, "/user.slice/user-%s.slice/user@%s.service/libpod-"
				  ID ".scope", big, big), -1);
	expect_no(p);
	free(p);
	free(big);

	big = repeat("1", 5000, "");
	ck_assert_int_ne(asprintf(&p, "/user.slice/user-%s.slice/user@%s.service/u.slice/libpod-"
				  ID ".scope", big, big), -1);
	ck_assert_int_eq(pcc_cid_classify(p, &c), 1);
	ck_assert_int_eq(c.uid, -1);
	free(p);
	free(big);
}
END_TEST

/* xorshift64*: reproducible pseudo-random numbers */
static uint64_t rnd(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545F4914F6CDD1DULL;
}

static bool all_lower_hex(const char *s)
{
	for (; *s; s++)
		if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')))
			return false;
	return true;
}

/* The invariants any successful classification keeps. */
static void check_invariants(const char *path, const struct pcc_cid *c)
{
	size_t idlen = strnlen(c->id, sizeof(c->id));
	size_t namelen = strnlen(c->name, sizeof(c->name));
	size_t podlen = strnlen(c->pod_uid, sizeof(c->pod_uid));

	REQUIRE(c->engine > PCC_ENGINE_NONE && c->engine < PCC_NENGINE);
	REQUIRE(idlen == 0 || (idlen == PCC_ID_MAX && all_lower_hex(c->id)));
	REQUIRE(namelen <= PCC_NAME_MAX);
	REQUIRE((idlen == 0) != (namelen == 0));
	REQUIRE(podlen == 0 || podlen == 32 || podlen == 36);
	REQUIRE(c->uid >= -1 && c->uid < 4294967295L);
	if (idlen)
		REQUIRE(strstr(path, c->id) != NULL);
	if (c->engine == LXC)
		REQUIRE(strstr(path, c->name) != NULL);
}

/* Random paths built from the pieces the forms look for, plus junk bytes. */
START_TEST(test_random_paths)
{
	static const char *const pieces[] = {
		"docker", ID, ID63, ID65, "docker-" ID ".scope", "system.slice",
		"libpod_parent", "libpod-" ID, "libpod-" ID ".scope", "libpod-conmon-" ID ".scope",
		"user.slice", "user-1000.slice", "user@1000.service", "kubepods",
		"kubepods.slice", "burstable", "besteffort", "pod" PU, "pod" PH, TRAP,
		"kubepods-pod" PU_ ".slice", "crio-" ID ".scope", "crio-" ID, "crio-conmon-" ID,
		"cri-containerd-" ID ".scope", "nerdctl-" ID ".scope", "lxc", "lxc.payload",
		"lxc.payload.x", "lxc.monitor.x", "machine.slice", "machine-a\\x2db.scope",
		"systemd-nspawn@a.service", "machine-\\x", "machine-\\", ".", "..", "",
		"x.slice",
	};
	uint64_t seed = 0x9e3779b97f4a7c15ULL;
	char buf[2048];
	int iter;

	for (iter = 0; iter < 200000; iter++) {
		size_t len = 0, ncomp = rnd(&seed) % 8, k;
		struct pcc_cid c;
		char *p;
		int rc;

		for (k = 0; k < ncomp && len < sizeof(buf) - 300; k++) {
			uint64_t r = rnd(&seed);

			buf[len++] = '/';
			if (r % 4) {
				const char *pc = pieces[(r >> 8) % ARRAY_SIZE(pieces)];

				memcpy(buf + len, pc, strlen(pc));
				len += strlen(pc);
			} else {
				size_t j, n = (r >> 8) % 80;

				for (j = 0; j < n; j++) {
					char b = (char)(rnd(&seed) % 255 + 1);

					buf[len++] = b == '/' ? '\\' : b;
				}
			}
		}
		if (len == 0)
			buf[len++] = '/';
		buf[len] = '\0';
		p = strdup(buf);
		REQUIRE(p != NULL);
		rc = pcc_cid_classify(p, &c);
		REQUIRE(rc == 0 || rc == 1);
		if (rc == 1)
			check_invariants(p, &c);
		free(p);
	}
}
END_TEST

/* ------------------------------------------------------------ engine names */

START_TEST(test_engine_names)
{
	static const struct { enum pcc_engine e; const char *name; } t[] = {
		{ PCC_ENGINE_NONE, "" }, { DOCKER, "docker" }, { PODMAN, "podman" },
		{ CONTAINERD, "containerd" }, { CRIO, "crio" }, { KUBE, "kubernetes" },
		{ LXC, "lxc" }, { NSPAWN, "nspawn" }, { PCC_NENGINE, "" },
		{ (enum pcc_engine)(PCC_NENGINE + 1), "" }, { (enum pcc_engine)-1, "" },
		{ (enum pcc_engine)1000000, "" },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(t); i++) {
		const char *n = pcc_engine_name(t[i].e);

		ck_assert_ptr_nonnull(n);
		ck_assert_str_eq(n, t[i].name);
	}
	/* every engine is named */
	for (i = PCC_ENGINE_NONE + 1; i < PCC_NENGINE; i++)
		ck_assert_str_ne(pcc_engine_name((enum pcc_engine)i), "");
}
END_TEST

/* ------------------------------------------------------------ sanitize */

struct san_case {
	const char *src;
	size_t srclen;
	size_t dstlen;
	const char *want;
};

#define S(lit, dstlen, want)	{ lit, sizeof(lit) - 1, dstlen, want }

static const struct san_case san[] = {
	S("abc", 16, "abc"),
	S("web-01.example_2", 64, "web-01.example_2"),
	S("!#$%&()*+,-./:;<=>?@[]^_`{|}~", 64, "!#$%&()*+,-./:;<=>?@[]^_`{|}~"),
	S("a b", 16, "a\\x20b"),
	S("\"'\\", 16, "\\x22\\x27\\x5c"),
	S("\\x22", 16, "\\x5cx22"),
	S("\t\n\r\x01\x1f\x7f", 64, "\\x09\\x0a\\x0d\\x01\\x1f\\x7f"),
	S("\xc3\xa9t\xc3\xa9", 64, "\\xc3\\xa9t\\xc3\\xa9"),
	S("\x80\xff\xfe", 64, "\\x80\\xff\\xfe"),
	S("\0", 16, "\\x00"),
	S("a\0b", 16, "a\\x00b"),
	S("", 16, ""),
	/* truncation: at dstlen-1, never inside an escape, never skipping */
	S("abcdef", 4, "abc"),
	S("abcdef", 7, "abcdef"),
	S("abcdef", 6, "abcde"),
	S("ab\"", 7, "ab\\x22"),
	S("ab\"", 6, "ab"),
	S("ab\"", 5, "ab"),
	S("ab\"", 4, "ab"),
	S("ab\"", 3, "ab"),
	S("ab\"", 2, "a"),
	S("\"a", 4, ""),
	S("\"a", 5, "\\x22"),
	S("\"a", 6, "\\x22a"),
	S("\"\"", 8, "\\x22"),
	S("\"\"", 9, "\\x22\\x22"),
	S("x\"\"", 9, "x\\x22"),
	/* dstlen 1: always the empty string */
	S("abc", 1, ""),
	S("\"", 1, ""),
	S("", 1, ""),
	/* srclen shorter than the string */
	{ "abcdef", 3, 16, "abc" },
	{ "a\"b", 1, 16, "a" },
	{ NULL, 0, 16, "" },
};

START_TEST(test_sanitize_table)
{
	const struct san_case *t = &san[_i];
	char dst[128];
	size_t i;
	int rc;

	memset(dst, 0x5a, sizeof(dst));
	rc = pcc_name_sanitize(t->src, t->srclen, dst, t->dstlen);
	ck_assert_int_eq(rc, (int)strlen(t->want));
	ck_assert_str_eq(dst, t->want);
	ck_assert_uint_lt((size_t)rc, t->dstlen);
	for (i = t->dstlen; i < sizeof(dst); i++)
		ck_assert_int_eq(dst[i], 0x5a);
}
END_TEST

START_TEST(test_sanitize_einval)
{
	char dst[8];

	memset(dst, 0x5a, sizeof(dst));
	ck_assert_int_eq(pcc_name_sanitize("abc", 3, dst, 0), -EINVAL);
	ck_assert_int_eq(pcc_name_sanitize("abc", 3, NULL, 8), -EINVAL);
	ck_assert_int_eq(pcc_name_sanitize(NULL, 1, dst, 8), -EINVAL);
	ck_assert_int_eq(dst[0], 0x5a);
}
END_TEST

/* Reference: escape everything into a big buffer token by token, then keep
 * whole tokens while they fit in dstlen-1. */
static size_t ref_sanitize(const unsigned char *src, size_t n, char *dst,
			   size_t dstlen)
{
	size_t i, len = 0;

	for (i = 0; i < n; i++) {
		char tok[5];
		int k;

		if (src[i] > 0x20 && src[i] < 0x7f && !strchr("\"'\\", src[i]))
			k = snprintf(tok, sizeof(tok), "%c", src[i]);
		else
			k = snprintf(tok, sizeof(tok), "\\x%02x", src[i]);
		if (len + (size_t)k > dstlen - 1)
			break;
		memcpy(dst + len, tok, (size_t)k);
		len += (size_t)k;
	}
	dst[len] = '\0';
	return len;
}

/* Decode the output back: it must be a prefix of the input. */
static void check_decodes(const unsigned char *src, size_t n, const char *out)
{
	size_t i = 0;

	for (; *out; i++) {
		unsigned v;

		REQUIRE(i < n);
		if (*out == '\\') {
			REQUIRE(sscanf(out, "\\x%2x", &v) == 1);
			out += 4;
		} else {
			v = (unsigned char)*out++;
		}
		REQUIRE(v == src[i]);
	}
}

START_TEST(test_sanitize_reference)
{
	uint64_t seed = 0x1234567887654321ULL;
	unsigned char src[300];
	char got[1300], want[1300];
	int iter;

	for (iter = 0; iter < 50000; iter++) {
		size_t n = rnd(&seed) % sizeof(src), dstlen, i;
		int rc;

		for (i = 0; i < n; i++)
			src[i] = (unsigned char)(rnd(&seed) % 4 ? rnd(&seed) % 0x60 + 0x20
								: rnd(&seed) % 256);
		dstlen = rnd(&seed) % 2 ? 4 * n + 1 : rnd(&seed) % (4 * n + 2) + 1;
		memset(got, 0x5a, sizeof(got));
		rc = pcc_name_sanitize((const char *)src, n, got, dstlen);
		REQUIRE(rc == (int)ref_sanitize(src, n, want, dstlen));
		REQUIRE(strcmp(got, want) == 0);
		REQUIRE(got[dstlen] == 0x5a);
		check_decodes(src, n, got);
		if (dstlen == 4 * n + 1)
			REQUIRE(memchr(got, '\0', (size_t)rc) == NULL);
	}
}
END_TEST

/* An LXC name holding every byte a path can carry, end to end. */
START_TEST(test_sanitize_lxc_name)
{
	char name[256], path[300], out[4 * 255 + 1];
	size_t n = 0;
	struct pcc_cid c;
	int b, rc;

	for (b = 1; b < 256; b++)
		if (b != '/')
			name[n++] = (char)b;
	name[n] = '\0';
	snprintf(path, sizeof(path), "/lxc/%s", name);
	ck_assert_int_eq(pcc_cid_classify(path, &c), 1);
	ck_assert_str_eq(c.name, name);
	rc = pcc_name_sanitize(c.name, strlen(c.name), out, sizeof(out));
	ck_assert_int_gt(rc, 0);
	ck_assert_ptr_null(strpbrk(out, " \"'\x7f"));
	check_decodes((const unsigned char *)name, n, out);
	ck_assert_uint_eq(strlen(out), (size_t)rc);
}
END_TEST

static Suite *make_suite(void)
{
	Suite *s = suite_create("cid");
	TCase *tc;

	tc = tcase_create("classify");
	tcase_add_loop_test(tc, test_yes_table, 0, ARRAY_SIZE(yes));
	tcase_add_loop_test(tc, test_no_table, 0, ARRAY_SIZE(no));
	tcase_add_loop_test(tc, test_yes_ancestors, 0, ARRAY_SIZE(yes));
	tcase_add_loop_test(tc, test_yes_descendants, 0, ARRAY_SIZE(yes));
	tcase_add_loop_test(tc, test_yes_id_mutations, 0, ARRAY_SIZE(yes));
	tcase_add_test(tc, test_einval);
	tcase_add_test(tc, test_pod_slice_trap);
	tcase_add_test(tc, test_nested_own_form);
	tcase_add_test(tc, test_fields_reset);
	suite_add_tcase(s, tc);

	tc = tcase_create("hostile");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_name_lengths);
	tcase_add_test(tc, test_unit_name_lengths);
	tcase_add_test(tc, test_long_paths);
	tcase_add_test(tc, test_random_paths);
	suite_add_tcase(s, tc);

	tc = tcase_create("names");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_engine_names);
	tcase_add_loop_test(tc, test_sanitize_table, 0, ARRAY_SIZE(san));
	tcase_add_test(tc, test_sanitize_einval);
	tcase_add_test(tc, test_sanitize_reference);
	tcase_add_test(tc, test_sanitize_lxc_name);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN()
