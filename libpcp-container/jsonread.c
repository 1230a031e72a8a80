/*
 * jsonread.c - JSON from engine state files, parsed with jansson under
 * bounds, and typed access to members that records wrong types instead of
 * trusting them.
 *
 * The files are written by engines, or in a rootless user's home by
 * anybody: a file is read only up to a size bound (checked with fstat
 * before reading), scanned once for its nesting depth (jansson's own limit
 * is a build option, 2048 by default, and deep documents cost stack in
 * its recursive parser and destructor), and parsed with duplicate keys
 * rejected.  jansson itself rejects invalid UTF-8, NUL bytes (without
 * JSON_ALLOW_NUL) and raw control characters in strings, and numbers that
 * do not fit.  A member of the wrong type (a number where a name belongs)
 * is left out and recorded as -EBADMSG in the meta being built; the rest
 * of the file still counts.
 */
#include <errno.h>

#include "engine.h"

/* True if no array or object in text nests deeper than META_JSON_DEPTH. */
static bool depth_ok(const char *text, size_t len)
{
	unsigned depth = 0;
	bool in_str = false;
	size_t i;

	for (i = 0; i < len; i++) {
		char c = text[i];

		if (in_str) {
			if (c == '\\')
				i++;
			else if (c == '"')
				in_str = false;
			continue;
		}
		switch (c) {
		case '"':
			in_str = true;
			break;
		case '{':
		case '[':
			if (++depth > META_JSON_DEPTH)
				return false;
			break;
		case '}':
		case ']':
			if (depth > 0)
				depth--;
			break;
		}
	}
	return true;
}

int jr_parse(const char *text, size_t len, json_t **ret)
{
	json_error_t err;
	json_t *root;

	if (!depth_ok(text, len))
		return -EBADMSG;
	root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &err);
	if (root == NULL)
		return json_error_code(&err) == json_error_out_of_memory ? -ENOMEM : -EBADMSG;
	*ret = root;
	return 0;
}

int jr_parse_object(struct meta_priv *b, const char *text, size_t len, json_t **ret)
{
	json_t *root = NULL;
	int rc;

	*ret = NULL;
	rc = jr_parse(text, len, &root);
	if (rc < 0) {
		mb_error(b, rc);
		return rc == -ENOMEM ? rc : 0;
	}
	if (!json_is_object(root)) {
		mb_error(b, -EBADMSG);
		json_decref(root);
		return 0;
	}
	*ret = root;
	return 0;
}

/* obj[key] unless obj is no object or the member is missing or null. */
static json_t *member(json_t *obj, const char *key)
{
	json_t *v;

	if (!json_is_object(obj))
		return NULL;
	v = json_object_get(obj, key);
	return json_is_null(v) ? NULL : v;
}

const char *jr_str(struct meta_priv *b, json_t *obj, const char *key)
{
	json_t *v = member(obj, key);

	if (v == NULL)
		return NULL;
	if (!json_is_string(v)) {
		mb_error(b, -EBADMSG);
		return NULL;
	}
	return json_string_value(v);
}

json_t *jr_obj(struct meta_priv *b, json_t *obj, const char *key)
{
	json_t *v = member(obj, key);

	if (v != NULL && !json_is_object(v)) {
		mb_error(b, -EBADMSG);
		return NULL;
	}
	return v;
}

json_t *jr_arr(struct meta_priv *b, json_t *obj, const char *key)
{
	json_t *v = member(obj, key);

	if (v != NULL && !json_is_array(v)) {
		mb_error(b, -EBADMSG);
		return NULL;
	}
	return v;
}

int jr_bool(struct meta_priv *b, json_t *obj, const char *key)
{
	json_t *v = member(obj, key);

	if (v == NULL)
		return 0;
	if (!json_is_boolean(v)) {
		mb_error(b, -EBADMSG);
		return 0;
	}
	return json_is_true(v);
}

int64_t jr_int(struct meta_priv *b, json_t *obj, const char *key)
{
	json_t *v = member(obj, key);

	if (v == NULL)
		return 0;
	if (!json_is_integer(v)) {
		mb_error(b, -EBADMSG);
		return 0;
	}
	return (int64_t)json_integer_value(v);
}

int jr_labels(struct meta_priv *b, json_t *obj)
{
	const char *key;
	json_t *v;
	int rc;

	if (obj == NULL)
		return 0;
	json_object_foreach(obj, key, v) {
		if (json_is_string(v)) {
			rc = mb_label(b, key, json_string_value(v));
			if (rc < 0)
				return rc;
		} else if (!json_is_null(v)) {
			mb_error(b, -EBADMSG);
		}
	}
	return 0;
}
