/*
 * hex.h - one hex digit's value, for the two unescapers of systemd's
 * "\xHH" (cid.c for unit names, engine_nspawn.c for machined's files).
 */
#ifndef PCC_HEX_H
#define PCC_HEX_H

/* 0-15, or -1 for a byte that is no hex digit. */
static inline int pcc_hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

#endif /* PCC_HEX_H */
