/*
 * procnet_check.h - the checks of fuzz_procnet_snmp.c, _netstat.c and
 * _sockstat.c, which differ only in the file kind they parse the input as.
 *
 * pcc_procnet_parse is run twice: wanting every counter of the kind, and
 * wanting only every other one.  Checked: have holds only wanted counters
 * of the kind's file; the count is at least the number of counters set (a
 * counter given twice counts twice); counters not set keep their old
 * value; and the second parse sets exactly the wanted part of what the
 * first set, to the same values (what is wanted does not change how the
 * text is read).
 */
#ifndef PCC_PROCNET_CHECK_H
#define PCC_PROCNET_CHECK_H

#include <errno.h>

#include "netns.h"
#include "fuzz.h"

#define SENTINEL	0x5a5a5a5a5a5a5a5aull

static void procnet_check(enum pcc_pnf f, const uint8_t *data, size_t size)
{
	char *buf = fuzz_dup(data, size, 0);
	uint64_t v[PCC_NET_NSTAT], v2[PCC_NET_NSTAT], have = 0, have2 = 0;
	uint64_t mask = pcc_procnet_mask(f), half = mask & 0x5555555555555555ull;
	unsigned i;
	int rc;

	for (i = 0; i < PCC_NET_NSTAT; i++)
		v[i] = v2[i] = SENTINEL;
	rc = pcc_procnet_parse(f, buf, size, PCC_NETWANT_ALL, v, &have);
	FUZZ_CHECK(rc >= 0);
	FUZZ_CHECK((have & ~mask) == 0);
	FUZZ_CHECK(rc >= __builtin_popcountll(have));
	for (i = 0; i < PCC_NET_NSTAT; i++)
		if (!((have >> i) & 1))
			FUZZ_CHECK(v[i] == SENTINEL);

	rc = pcc_procnet_parse(f, buf, size, half, v2, &have2);
	FUZZ_CHECK(rc >= 0);
	FUZZ_CHECK(have2 == (have & half));
	for (i = 0; i < PCC_NET_NSTAT; i++)
		FUZZ_CHECK(((have2 >> i) & 1) ? v2[i] == v[i] : v2[i] == SENTINEL);

	FUZZ_CHECK(pcc_procnet_parse(PCC_PNF_DEV, buf, size, mask, v, &have) == -EINVAL);
	free(buf);
}

#endif /* PCC_PROCNET_CHECK_H */
