/*
 * fetch.c - the pmResult of a fetch, built directly for the metrics that
 * are one number per container (cpu, memory, io, pids, pressure), and by
 * pmdaFetch for the rest.
 *
 * Why.  pmdaFetch costs, per value: a walk step of the instance cache
 * (twice: it counts first), a profile check, a callback, and a malloc of a
 * pmValueBlock for every 64-bit value, freed again after the send.  At
 * 1000 containers a full fetch is ~34000 values, and that was a fifth of
 * the agent's CPU, as much as the kernel's reads of 6000 files: malloc and
 * free alone ~4M cycles a fetch.  Here the containers in the client's
 * profile (and scope) are listed once per fetch, and each value is written
 * into an arena of pmValueBlocks that lives from fetch to fetch: a few
 * stores per value and no allocation once the arena has grown.
 *
 * What holds.  The result handed to libpcp_pmda is fastres.res; its vsets
 * are either ours (fastres.own[i], valfmt PM_VAL_SPTR into the arena) or
 * pmdaFetch's for the pmids it answered (those are freed after the send
 * by the result callback libpcp_pmda had, which we chain to).  Values and
 * the absence of values are exactly what metrics_fetch would give, in the
 * same semantics (PMDA_FETCH_NOVALUES: the instance has no value).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "pmda.h"

struct fastres {
	pmResult *res;			/* what we hand out, numpmid vsets */
	int maxpmid;			/* room in res */
	pmValueSet **own;		/* our vset per position, reused */
	int *owncap;			/* values each own[i] has room for */
	const void **defs;		/* per position: the metric, if a fast one */
	int *types;			/* per position: its PM_TYPE, -1 if not fast */
	pmID *slowids;			/* the pmids left to pmdaFetch */
	char *arena;			/* pmValueBlocks, BLOCK bytes each */
	size_t arenacap;		/* blocks */
	struct ctr **incl;		/* containers in profile and scope, this fetch */
	size_t nincl, inclcap;
	pmResult *slow;			/* pmdaFetch's result for the other pmids, or NULL */
	pmdaResultCallBack free_slow;	/* libpcp_pmda's own result callback */
};

/*
 * A pmValueBlock of an 8-byte value: the 4-byte vtype/vlen header and the
 * value, unaligned (it is copied out with memcpy, by us and by libpcp's
 * encoder); 12 bytes keep the header 4-byte aligned.
 */
#define BLOCK	(PM_VAL_HDR_SIZE + 8)

static struct fastres fr;

/* Does profile prof include instance inst of indom?  (as libpcp's __pmInProfile) */
static int in_profile(pmInDom indom, const pmProfile *prof, int inst)
{
	const pmInDomProfile *p = NULL;
	int i;

	if (prof == NULL)
		return 1;
	for (i = 0; i < prof->profile_len; i++)
		if (prof->profile[i].indom == indom) {
			p = &prof->profile[i];
			break;
		}
	if (p == NULL)
		return prof->state == PM_PROFILE_INCLUDE;
	for (i = 0; i < p->instances_len; i++)
		if (p->instances[i] == inst)
			return p->state != PM_PROFILE_INCLUDE;
	return p->state == PM_PROFILE_INCLUDE;
}

/* The containers this fetch answers for, into fr.incl. */
static int list_containers(const pmdaExt *ext)
{
	size_t i, n = pcc_set_count(pmda.set);
	pmInDom indom = pmda.indom[INDOM_CTR];
	struct pcc_container *c;
	struct ctr **v, *t;

	if (n > fr.inclcap) {
		if ((v = realloc(fr.incl, n * sizeof(*v))) == NULL)
			return -ENOMEM;
		fr.incl = v;
		fr.inclcap = n;
	}
	fr.nincl = 0;
	for (i = 0; i < n; i++) {
		c = pcc_set_at(pmda.set, i);
		if ((t = c->priv) == NULL)
			continue;
		if (pmda.scope != CTX_ALL && t->inst != pmda.scope)
			continue;
		if (in_profile(indom, ext->e_prof, t->inst))
			fr.incl[fr.nincl++] = t;
	}
	return 0;
}

/* realloc *p to n entries of size sz; 0 or -ENOMEM (then *p is unchanged) */
static int grow(void *p, size_t n, size_t sz)
{
	void *q = realloc(*(void **)p, n * sz);

	if (q == NULL)
		return -ENOMEM;
	*(void **)p = q;
	return 0;
}

/* Room for numpmid positions in every per-position array. */
static int grow_res(int numpmid)
{
	size_t n = numpmid > 0 ? (size_t)numpmid : 1, old = (size_t)fr.maxpmid;

	if ((int)n <= fr.maxpmid)
		return 0;
	if (grow(&fr.res, 1, sizeof(pmResult) + (n - 1) * sizeof(pmValueSet *)) < 0 ||
	    grow(&fr.own, n, sizeof(*fr.own)) < 0 ||
	    grow(&fr.owncap, n, sizeof(*fr.owncap)) < 0 ||
	    grow(&fr.defs, n, sizeof(*fr.defs)) < 0 ||
	    grow(&fr.types, n, sizeof(*fr.types)) < 0 ||
	    grow(&fr.slowids, n, sizeof(*fr.slowids)) < 0)
		return -ENOMEM;	/* the arrays that grew are fine; maxpmid stays */
	memset(fr.own + old, 0, (n - old) * sizeof(*fr.own));
	memset(fr.owncap + old, 0, (n - old) * sizeof(*fr.owncap));
	fr.maxpmid = (int)n;
	return 0;
}

/* Our vset at position i, with room for n values. */
static pmValueSet *own_vset(int i, size_t n)
{
	pmValueSet *vs;

	if ((size_t)fr.owncap[i] >= n && fr.own[i] != NULL)
		return fr.own[i];
	vs = realloc(fr.own[i], sizeof(pmValueSet) + (n ? n - 1 : 0) * sizeof(pmValue));
	if (vs == NULL)
		return NULL;
	fr.own[i] = vs;
	fr.owncap[i] = (int)n;
	return vs;
}

/* The values of one fast pmid over fr.incl, into our vset i; blocks from *next. */
static int fast_vset(int i, pmID pmid, const void *def, int type, size_t *next)
{
	pmValueSet *vs = own_vset(i, fr.nincl);
	pmValueBlock *vb;
	pmAtomValue atom;
	size_t k;
	int j = 0;

	if (vs == NULL)
		return -ENOMEM;
	vs->pmid = pmid;
	vs->valfmt = PM_VAL_SPTR;
	for (k = 0; k < fr.nincl; k++) {
		if (metrics_fast_value(def, fr.incl[k], &atom) != PMDA_FETCH_STATIC)
			continue;
		vb = (pmValueBlock *)(fr.arena + (*next)++ * BLOCK);
		vb->vtype = type;
		vb->vlen = PM_VAL_HDR_SIZE + 8;
		memcpy(vb->vbuf, type == PM_TYPE_DOUBLE ? (void *)&atom.d : (void *)&atom.ull, 8);
		vs->vlist[j].inst = fr.incl[k]->inst;
		vs->vlist[j].value.pval = vb;
		j++;
	}
	vs->numval = j;
	fr.res->vset[i] = vs;
	return 0;
}

int fetch_values(int numpmid, pmID *pmids, pmResult **resp, pmdaExt *ext)
{
	int i, nfast = 0, nslow = 0, rc;
	size_t need, next = 0;
	char *a;

	if (grow_res(numpmid) < 0)
		return pmdaFetch(numpmid, pmids, resp, ext);
	for (i = 0; i < numpmid; i++) {
		fr.types[i] = metrics_fast(pmids[i], &fr.defs[i]);
		if (fr.types[i] < 0)
			fr.slowids[nslow++] = pmids[i];
		else
			nfast++;
	}
	if (nfast == 0)
		return pmdaFetch(numpmid, pmids, resp, ext);
	if ((rc = list_containers(ext)) < 0)
		return rc;
	need = (size_t)nfast * fr.nincl;
	if (need > fr.arenacap) {
		if ((a = realloc(fr.arena, need * BLOCK)) == NULL)
			return -ENOMEM;
		fr.arena = a;
		fr.arenacap = need;
	}
	fr.slow = NULL;
	if (nslow > 0) {
		if ((rc = pmdaFetch(nslow, fr.slowids, &fr.slow, ext)) < 0) {
			fr.slow = NULL;
			return rc;
		}
	}
	fr.res->timestamp.tv_sec = fr.res->timestamp.tv_usec = 0;
	fr.res->numpmid = numpmid;
	for (i = 0, nslow = 0; i < numpmid; i++) {
		if (fr.types[i] < 0) {
			fr.res->vset[i] = fr.slow->vset[nslow++];
			continue;
		}
		if ((rc = fast_vset(i, pmids[i], fr.defs[i], fr.types[i], &next)) < 0) {
			fetch_done(fr.res);
			return rc;
		}
	}
	*resp = fr.res;
	return 0;
}

void fetch_done(pmResult *res)
{
	if (res != fr.res) {		/* pmdaFetch's, all of it */
		if (fr.free_slow != NULL)
			fr.free_slow(res);
		return;
	}
	if (fr.slow != NULL && fr.free_slow != NULL)
		fr.free_slow(fr.slow);	/* its vsets, each in one place of res too */
	fr.slow = NULL;
}

void fetch_init(pmdaInterface *dp)
{
	fr.free_slow = dp->version.any.ext->e_resultCallBack;
	pmdaSetResultCallBack(dp, fetch_done);
}
