/*
 * wdtab.h - inotify watch descriptors back to what they watch: an intrusive
 * hash table, chained, whose nodes live in their owners (a walked directory,
 * an accounting reader's directory).  A wd is in a table at most once; a
 * node's wd is -1 while it is in none.
 */
#ifndef PCC_WDTAB_H
#define PCC_WDTAB_H

#include <stddef.h>

struct pcc_wdlink {
	int wd;				/* -1: not in the table */
	struct pcc_wdlink *next;	/* hash chain */
};

struct pcc_wdtab {
	struct pcc_wdlink **b;		/* nb buckets, a power of 2 */
	size_t nb, n;			/* buckets, links in the table */
};

int pcc_wdtab_init(struct pcc_wdtab *t);	/* 0 or -ENOMEM */
void pcc_wdtab_fini(struct pcc_wdtab *t);	/* the nodes are their owners' */
struct pcc_wdlink *pcc_wdtab_find(const struct pcc_wdtab *t, int wd);
/* t initialized, wd not in it */
void pcc_wdtab_put(struct pcc_wdtab *t, struct pcc_wdlink *l, int wd);
void pcc_wdtab_del(struct pcc_wdtab *t, struct pcc_wdlink *l);	/* l->wd -1 after */

#endif
