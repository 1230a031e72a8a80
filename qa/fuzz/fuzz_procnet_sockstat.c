/*
 * fuzz_procnet_sockstat.c - /proc/PID/net/sockstat texts through pcc_procnet_parse;
 * the checks are in procnet_check.h.
 */
#include "procnet_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	procnet_check(PCC_PNF_SOCKSTAT, data, size);
	return 0;
}
