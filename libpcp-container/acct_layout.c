/*
 * acct_layout.c - what the accounting table (acct_table.c) means on one
 * host: the distinct cgroup files its statistics come from, given which
 * hierarchy serves each controller and whether it is v1 or v2, each with
 * the statistics (slots) it yields and the keys to look for.
 *
 * It depends on the mounts only, not on the cgroup, so the readers that
 * share a budget share one layout (kept in the budget's plan): at 5000
 * containers that is ~2.5 kB a container not spent on identical copies of
 * 20 files, 52 slots and their keys.  A reader keeps only what is its own:
 * per file an fd, whether it is absent, and its cgroup directory.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "acct.h"

/* The source of row r on this host, and the hierarchy it is read from. */
static const struct acct_src *resolve(const struct pcc_mounts *m,
				      const struct acct_row *r, int *ret_hier)
{
	const struct acct_src *src;
	int h = m->by_ctrl[r->ctrl];

	if (h < 0 || (size_t)h >= m->nhier || m->hier[h].dirfd < 0)
		return NULL;
	src = m->hier[h].version == 1 ? &r->v1 : &r->v2;
	if (src->file == NULL)
		return NULL;
	*ret_hier = h;
	return src;
}

/* Every distinct (file, hierarchy) the rows resolve to here. */
static void find_files(struct acct_layout *l)
{
	const struct acct_src *src;
	unsigned i, r;
	int h;

	for (r = 0; r < pcc_acct_nrows; r++) {
		src = resolve(l->m, &pcc_acct_rows[r], &h);
		if (src == NULL)
			continue;
		for (i = 0; i < l->nfile; i++)
			if (l->file[i].def == src->file && l->file[i].hier == h)
				break;
		if (i == l->nfile) {
			l->file[l->nfile].def = src->file;
			l->file[l->nfile].hier = h;
			l->nfile++;
		}
	}
}

/* Each file's slots, grouped by file so that a file's keys are one array. */
static void find_slots(struct acct_layout *l)
{
	const struct acct_src *src;
	struct acct_lfile *f;
	struct acct_slot *s;
	unsigned i, r;
	int h;

	for (i = 0; i < l->nfile; i++) {
		f = &l->file[i];
		f->first = l->nslot;
		f->cfirst = l->ncache;
		for (r = 0; r < pcc_acct_nrows; r++) {
			src = resolve(l->m, &pcc_acct_rows[r], &h);
			if (src == NULL || src->file != f->def || h != f->hier)
				continue;
			s = &l->slot[l->nslot];
			s->src = src;
			s->stat = pcc_acct_rows[r].stat;
			s->op = src->key == NULL ? PCC_BLKIO_OTHER :
				pcc_keyed_blkio_op(src->key, strlen(src->key));
			l->key[l->nslot] = src->key ? src->key : "";
			l->nslot++;
			f->n++;
			f->flags |= pcc_acct_parse_flags(src->conv);
			pcc_statset_add(&f->stats, pcc_acct_rows[r].stat);
			if (src->conv == CONV_SWAP_V1)
				l->swap_v1 = true;
		}
		if (acct_is_setting(f->def))
			l->ncache += f->n;
	}
}

int acct_layout_new(const struct pcc_mounts *m, struct acct_layout **ret_layout)
{
	struct acct_layout *l = calloc(1, sizeof(*l));

	if (l == NULL)
		return -ENOMEM;
	l->m = m;
	l->file = calloc(pcc_acct_nrows, sizeof(*l->file));
	l->slot = calloc(pcc_acct_nrows, sizeof(*l->slot));
	l->key = calloc(pcc_acct_nrows, sizeof(*l->key));
	if (l->file == NULL || l->slot == NULL || l->key == NULL) {
		acct_layout_free(l);
		return -ENOMEM;
	}
	find_files(l);
	find_slots(l);
	*ret_layout = l;
	return 0;
}

void acct_layout_free(struct acct_layout *l)
{
	if (l == NULL)
		return;
	free(l->file);
	free(l->slot);
	free(l->key);
	free(l);
}
