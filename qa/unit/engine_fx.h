/*
 * engine_fx.h - what the engine metadata suites share: the ids of the
 * fixture containers in qa/fixtures/engines (sha256 of a label, see
 * make-fixtures.py), cids filled by hand (independent of cid.c's path
 * parsing), a reader over one fixture sysroot, and temp directories.
 */
#ifndef PCC_ENGINE_FX_H
#define PCC_ENGINE_FX_H

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pcp-container.h"
#include "unit.h"

#define D_WEB1		"c7856df9170ac545e17f1ded78c62ddcc39a9ca306202e5ea9b742b941daa1c6"
#define D_CACHE		"768f95cebf3110e67397c563330c0e08ba0016203ba603af38d4d988364c5115"
#define D_JOB		"bb109f8c3258f159b29f1ab5618f540b0fc7f985abf6f00e49c4eaab18e82ad9"
#define D_FRESH		"8f0ed2bf0cb9e3e60931a77e635722ef9d3afd76dc050b89a20396f0e9b4a3dd"
#define D_K8SPOD	"8db35b34aa2c07f89e79e02a2aa14e1d7a50f86b031955e02cba612cd0f35b6d"
#define D_BADTYPE	"807a52f3ef769864f784e46439bf0dd51eeb7d5820cdfde1514614f91d309817"
#define D_TRUNC		"8fb1c2dcfeb8cbfcb24399ac18f59e2937cb7e1e63b294b05cbcf6da97471fca"
#define D_UTF8		"9261b13b24f00c5671395b6126219fb5b222830ff130ae5e54043c0ca52349a1"
#define D_DUP		"6c885ebef37eaef0a3bf4022a07a8cf9e00fcd39136e6c82775c1d0829f888db"
#define D_CTL		"1309cd1732efc0fc6e9348cc27ce82cf46a6f64a86e036f479229fcba732058f"
#define D_ROOTLESS	"1dfec15bdb69c62add2f184a1f8fc2ad2370307c927a0d3b4986856d8c988597"
#define P_WEB2		"8521bd41ad7457281f2ab1ffaa37fa3a59b14a9ea1016092648f2d9c08df2de1"
#define P_DB		"cc68e1d9877507693f2627038a9947317d784e78728a2cdc290274f23414b7e0"
#define P_NOCONF	"9fd8924eef7aefd1d145400b8d65946a935311a963324ac7942f1fe0daf75458"
#define P_BADMETA	"75ed1c2be17eb04bfa9990dccf9a74cf1fd7376d23afc1bf7ba4fa4d8db2bb6f"
#define P_ROOTLESS	"56dfa3bc944415a972b0fe05883435f6f061150cc65600d923a24fd565932362"
#define C_SANDBOX	"85b013213e803c7bc39ff8937f98c8b3b8ba3ee2cf22b5c7f08dfa7dd07f0fc4"
#define C_APP		"71c206f4b1ff6f81c8a8ec2c517dc9a23052ae34725e0c35c49a1b1f559a56d4"
#define C_NERDCTL	"a6fc3b52c992a38c0730798a564d146a5552995817a2aa5ece067836669049e6"
#define R_SANDBOX	"a18bfabd3cf1d74d0267b59ef276e9c1c94d4e31a9fb482340d884a4c4275b94"
#define R_APP		"610713dca419d7deb83a1246d0c1ee0ac2e23b81cbb29bba37147e88e1848cda"
#define NOBODY_ID	"0b60d4808029907c6bcc0b0f9f5727b5eb0a8f32df1a812b22e1fa35e88bdcc3"

#define POD_UID		"5b1e3c6a-8f21-4d0e-9a7b-2c4d6e8f0a1b"

static inline struct pcc_cid cid_id(enum pcc_engine engine, const char *id, long uid)
{
	struct pcc_cid c;

	memset(&c, 0, sizeof(c));
	c.engine = engine;
	snprintf(c.id, sizeof(c.id), "%s", id);
	c.uid = uid;
	return c;
}

static inline struct pcc_cid cid_name(enum pcc_engine engine, const char *name)
{
	struct pcc_cid c;

	memset(&c, 0, sizeof(c));
	c.engine = engine;
	snprintf(c.name, sizeof(c.name), "%s", name);
	c.uid = -1;
	return c;
}

/* Absolute path of the fixture tree qa/fixtures/engines/<tree>. */
static inline void efx_path(const char *tree, char *dst, size_t len)
{
	char rel[PATH_MAX];

	snprintf(rel, sizeof(rel), "%s/engines/%s", unit_fixtures(), tree);
	ck_assert_ptr_nonnull(realpath(rel, dst));
	ck_assert_uint_lt(strlen(dst), len);
}

struct efx {
	int root;
	struct pcc_engines *e;
};

/* A reader over the sysroot dir (PCC_* variables as the caller set them). */
static inline void efx_open_dir(struct efx *x, const char *dir)
{
	x->root = pcc_sysroot_open(dir);
	ck_assert_int_ge(x->root, 0);
	x->e = NULL;
	ck_assert_int_eq(pcc_engines_new(x->root, &x->e), 0);
	ck_assert_ptr_nonnull(x->e);
}

static inline void efx_open(struct efx *x, const char *tree)
{
	char dir[PATH_MAX];

	efx_path(tree, dir, sizeof(dir));
	efx_open_dir(x, dir);
}

static inline void efx_close(struct efx *x)
{
	pcc_engines_free(x->e);
	close(x->root);
}

/* Resolve without prev: always a new meta. */
static inline struct pcc_meta *resolve(struct efx *x, struct pcc_cid c)
{
	struct pcc_meta *m = NULL;

	ck_assert_int_eq(pcc_meta_resolve(x->e, &c, NULL, &m), 1);
	ck_assert_ptr_nonnull(m);
	return m;
}

static inline uint64_t files_read(struct efx *x)
{
	struct pcc_engines_stats st;

	pcc_engines_get_stats(x->e, &st);
	return st.files_read;
}

#define ck_str_or_null(got, want) do {					\
	const char *g_ = (got), *w_ = (want);				\
	if (w_ == NULL)							\
		ck_assert_msg(g_ == NULL, "%s: want NULL, got \"%s\"", #got, g_); \
	else								\
		ck_assert_msg(g_ && strcmp(g_, w_) == 0, "%s: want \"%s\", got \"%s\"", \
			      #got, w_, g_ ? g_ : "(null)");		\
} while (0)

/* A temp directory (mkdtemp) and its removal. */
static inline void tmp_make(char *dir, size_t len)
{
	snprintf(dir, len, "/tmp/pcc-engine-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

static inline void tmp_remove(const char *dir)
{
	char cmd[PATH_MAX + 16];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

/* cp -a the fixture tree into dir/<tree>. */
static inline void tmp_copy(const char *tree, const char *dir)
{
	char src[PATH_MAX], cmd[2 * PATH_MAX + 32];

	efx_path(tree, src, sizeof(src));
	snprintf(cmd, sizeof(cmd), "cp -a '%s' '%s/'", src, dir);
	ck_assert_int_eq(system(cmd), 0);
}

/*
 * Copy the fixture directory tree (e.g. "podman/home/alice") to dst with
 * cp -R, so that the copy belongs to whoever runs the test: a rootless
 * owner's files must be that owner's.
 */
static inline void tmp_copy_owned(const char *tree, const char *dst)
{
	char src[PATH_MAX], cmd[2 * PATH_MAX + 32];

	efx_path(tree, src, sizeof(src));
	snprintf(cmd, sizeof(cmd), "cp -R '%s' '%s'", src, dst);
	ck_assert_int_eq(system(cmd), 0);
}

#endif /* PCC_ENGINE_FX_H */
