/*
 * wdtab.c - the watch descriptor table of wdtab.h.  Lookups come from
 * draining inotify events, so a chained table doubled when full keeps them
 * one or two compares; without memory to grow, the chains just get longer.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include "wdtab.h"

#define NB_MIN	64

static size_t slot(size_t nb, int wd)
{
	return (size_t)((uint32_t)wd * 2654435761u) & (nb - 1);
}

int pcc_wdtab_init(struct pcc_wdtab *t)
{
	t->n = 0;
	t->nb = NB_MIN;
	t->b = calloc(t->nb, sizeof(*t->b));
	if (t->b == NULL)
		t->nb = 0;
	return t->b != NULL ? 0 : -ENOMEM;
}

void pcc_wdtab_fini(struct pcc_wdtab *t)
{
	free(t->b);
	t->b = NULL;
	t->nb = t->n = 0;
}

struct pcc_wdlink *pcc_wdtab_find(const struct pcc_wdtab *t, int wd)
{
	struct pcc_wdlink *l;

	if (t->nb == 0)
		return NULL;
	for (l = t->b[slot(t->nb, wd)]; l != NULL; l = l->next)
		if (l->wd == wd)
			return l;
	return NULL;
}

static void grow(struct pcc_wdtab *t)
{
	size_t nb = t->nb * 2, i;
	struct pcc_wdlink **b, *l, *next;

	if ((b = calloc(nb, sizeof(*b))) == NULL)
		return;
	for (i = 0; i < t->nb; i++)
		for (l = t->b[i]; l != NULL; l = next) {
			next = l->next;
			l->next = b[slot(nb, l->wd)];
			b[slot(nb, l->wd)] = l;
		}
	free(t->b);
	t->b = b;
	t->nb = nb;
}

void pcc_wdtab_put(struct pcc_wdtab *t, struct pcc_wdlink *l, int wd)
{
	size_t i;

	if (t->n >= t->nb)
		grow(t);
	i = slot(t->nb, wd);
	l->wd = wd;
	l->next = t->b[i];
	t->b[i] = l;
	t->n++;
}

void pcc_wdtab_del(struct pcc_wdtab *t, struct pcc_wdlink *l)
{
	struct pcc_wdlink **pp;

	if (l->wd < 0 || t->nb == 0)
		return;
	for (pp = &t->b[slot(t->nb, l->wd)]; *pp != NULL; pp = &(*pp)->next)
		if (*pp == l) {
			*pp = l->next;
			t->n--;
			break;
		}
	l->wd = -1;
	l->next = NULL;
}
