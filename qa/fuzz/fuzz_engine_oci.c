/*
 * fuzz_engine_oci.c - an OCI runtime spec (config.json) through the three
 * parsers that read one: podman_parse_config (annotations as labels),
 * containerd_parse (CRI and nerdctl annotations) and crio_parse (CRI-O's).
 * Checked (fuzz.h): each returns 0 (or -ENOMEM) and its finished meta
 * holds only clean strings, sorted unique labels, times in range and an
 * error of 0 or -EBADMSG; the three agree on the labels.
 */
#include <errno.h>

#include "engine.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int errors[] = { -EBADMSG };
	static int (*const parse[])(struct meta_priv *, const char *, size_t) = {
		podman_parse_config, containerd_parse, crio_parse
	};
	static const enum pcc_engine engine[] = {
		PCC_ENGINE_PODMAN, PCC_ENGINE_CONTAINERD, PCC_ENGINE_CRIO
	};
	struct meta_priv *b;
	size_t nlabels = 0;
	int rc;

	for (size_t i = 0; i < sizeof(parse) / sizeof(parse[0]); i++) {
		b = fuzz_meta_new(engine[i]);
		rc = parse[i](b, (const char *)data, size);
		if (rc == 0 && i == 0)
			nlabels = b->pub.nlabels;
		else if (rc == 0)
			FUZZ_CHECK(b->pub.nlabels == nlabels);
		fuzz_meta_done(b, rc, errors, 1);
	}
	return 0;
}
