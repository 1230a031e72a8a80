/*
 * fuzz.h - what the libFuzzer targets in qa/fuzz share: the entry point's
 * prototype, an invariant check that crashes (so libFuzzer keeps the input
 * and the replay driver fails), a private copy of the input, and the checks
 * every pcc_meta must pass.
 *
 * Each fuzz_<parser>.c defines LLVMFuzzerTestOneInput and nothing else
 * global.  It is linked either with libFuzzer (clang -fsanitize=fuzzer,
 * build-fuzz/) or with replay.c, a main() that feeds it the files named on
 * its command line (gcc ASan, make check-fuzz).
 */
#ifndef PCC_FUZZ_H
#define PCC_FUZZ_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* An invariant that does not hold: report it and crash. */
#define FUZZ_CHECK(cond)						\
	do {								\
		if (!(cond)) {						\
			fprintf(stderr, "%s:%d: invariant failed: %s\n",	\
				__FILE__, __LINE__, #cond);		\
			abort();					\
		}							\
	} while (0)

/*
 * A copy of the input in a buffer of exactly size bytes (1 if size is 0)
 * plus nul extra bytes of '\0': a read past the input shows under ASan,
 * and parsers that want a C string get one.  Exits on allocation failure.
 */
static inline char *fuzz_dup(const uint8_t *data, size_t size, size_t nul)
{
	char *p = malloc(size + nul ? size + nul : 1);

	if (p == NULL)
		abort();
	if (size)
		memcpy(p, data, size);
	memset(p + size, 0, nul);
	return p;
}

/* The length of the valid UTF-8 sequence at s (len bytes), 0 if none. */
static inline size_t fuzz_utf8(const unsigned char *s, size_t len, uint32_t *ret_cp)
{
	size_t n, i;
	uint32_t cp;

	if (s[0] < 0x80)
		n = 1, cp = s[0];
	else if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4, cp = s[0] & 0x07;
	else
		return 0;
	if (n > len)
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) || cp > 0x10ffff ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	*ret_cp = cp;
	return n;
}

/*
 * What pcp-container.h promises for every string of a meta: valid UTF-8,
 * no control character (C0, DEL, C1), at most PCC_META_STR_MAX bytes.
 */
static inline void fuzz_check_str(const char *s, int may_be_empty)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t len, i, n;
	uint32_t cp = 0;

	if (s == NULL)
		return;
	len = strlen(s);
	FUZZ_CHECK(len <= 4095);
	FUZZ_CHECK(may_be_empty || len > 0);
	for (i = 0; i < len; i += n) {
		n = fuzz_utf8(u + i, len - i, &cp);
		FUZZ_CHECK(n > 0);
		FUZZ_CHECK(cp >= 0x20 && cp != 0x7f && !(cp >= 0x80 && cp < 0xa0));
	}
}

#ifdef PCC_ENGINE_H
/*
 * A finished meta (mb_finish done): strings clean, labels sorted with
 * unique non-empty keys, each found by pcc_meta_label, the counts and
 * numbers in range, error 0 or one of errors.
 */
static inline void fuzz_check_meta(const struct pcc_meta *m, const int *errors, size_t nerr)
{
	size_t i;
	int ok = m->error == 0;

	for (i = 0; i < nerr; i++)
		ok |= m->error == errors[i];
	FUZZ_CHECK(ok);
	fuzz_check_str(m->name, 0);
	fuzz_check_str(m->image, 0);
	fuzz_check_str(m->pod, 0);
	fuzz_check_str(m->pod_namespace, 0);
	fuzz_check_str(m->container_type, 0);
	fuzz_check_str(m->started, 0);
	fuzz_check_str(m->created, 0);
	FUZZ_CHECK((unsigned)m->state < PCC_NCSTATE);
	FUZZ_CHECK(m->pid >= 0);
	FUZZ_CHECK(m->started_sec >= 0 && m->created_sec >= 0);
	FUZZ_CHECK(m->nlabels <= PCC_META_LABELS_MAX);
	FUZZ_CHECK(m->nlabels == 0 || m->labels != NULL);
	for (i = 0; i < m->nlabels; i++) {
		FUZZ_CHECK(m->labels[i].key != NULL && m->labels[i].value != NULL);
		fuzz_check_str(m->labels[i].key, 0);
		fuzz_check_str(m->labels[i].value, 1);
		FUZZ_CHECK(i == 0 || strcmp(m->labels[i - 1].key, m->labels[i].key) < 0);
		FUZZ_CHECK(pcc_meta_label(m, m->labels[i].key) == m->labels[i].value);
	}
}

/* A meta being built for a container of engine. */
static inline struct meta_priv *fuzz_meta_new(enum pcc_engine engine)
{
	struct pcc_cid cid;
	struct meta_priv *b;

	memset(&cid, 0, sizeof(cid));
	cid.engine = engine;
	cid.uid = -1;
	b = mb_new(NULL, &cid);
	if (b == NULL)
		abort();
	return b;
}

/*
 * Finish b as pcc_meta_resolve does after a parse that returned rc, check
 * it and free it.  -ENOMEM is the only error a parser may return.
 */
static inline void fuzz_meta_done(struct meta_priv *b, int rc, const int *errors, size_t nerr)
{
	FUZZ_CHECK(rc == 0 || rc == -ENOMEM);
	if (rc == 0)
		rc = mb_finish(b);
	FUZZ_CHECK(rc == 0 || rc == -ENOMEM);
	if (rc == 0)
		fuzz_check_meta(&b->pub, errors, nerr);
	pcc_meta_free(&b->pub);
}
#endif /* PCC_ENGINE_H */

#endif /* PCC_FUZZ_H */
