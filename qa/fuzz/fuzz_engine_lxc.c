/*
 * fuzz_engine_lxc.c - an LXC container's config file ("key = value"
 * lines) through lxc_parse.  Checked (fuzz.h): 0 (or -ENOMEM), no error,
 * only the three labels LXC's keys map to, clean strings.
 */
#include <errno.h>

#include "engine.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct meta_priv *b = fuzz_meta_new(PCC_ENGINE_LXC);
	int rc = lxc_parse(b, (const char *)data, size);

	FUZZ_CHECK(b->pub.nlabels <= 3);
	for (size_t i = 0; i < b->pub.nlabels; i++)
		FUZZ_CHECK(strcmp(b->pub.labels[i].key, "lxc.uts.name") == 0 ||
			   strcmp(b->pub.labels[i].key, "lxc.rootfs.path") == 0 ||
			   strcmp(b->pub.labels[i].key, "lxc.arch") == 0);
	fuzz_meta_done(b, rc, NULL, 0);
	return 0;
}
