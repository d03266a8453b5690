/*
 * ward.conf: one INI file (see man/ward.conf.5). Every key is declared in
 * one schema table with its default, so ward runs with no file at all and a
 * misspelt key is an error that names the file and line. Sections named
 * "brand:NAME" declare the company's own brands and may repeat.
 */
#ifndef WARD_CONFIG_H
#define WARD_CONFIG_H

#include <stddef.h>

struct ward_config;

struct ward_config_brand {
	const char *name;
	const char *domains; /* comma or space separated */
	const char *tokens;  /* comma or space separated; empty means the name */
};

/* A configuration holding only the defaults. */
struct ward_config *ward_config_new(void);
void ward_config_free(struct ward_config *c);

/*
 * Reads path into c. On failure returns WARD_ENOTFOUND, WARD_EIO, WARD_ELIMIT
 * or WARD_EINVAL and writes a message naming the file and line into err.
 */
int ward_config_load(struct ward_config *c, const char *path, char *err, size_t errsize);

/* Parses INI text already in memory (name is used in messages). */
int ward_config_load_mem(struct ward_config *c, const char *name, const char *text, size_t n,
			 char *err, size_t errsize);

/*
 * Sets one key as a command-line override would. Returns 0 or WARD_EINVAL
 * for an unknown key or a bad value (message in err).
 */
int ward_config_set(struct ward_config *c, const char *section, const char *key, const char *value,
		    char *err, size_t errsize);

/* Values of declared keys; the string is borrowed from c. Unknown keys abort nothing: they
 * return "" or 0. */
const char *ward_config_str(const struct ward_config *c, const char *section, const char *key);
long ward_config_int(const struct ward_config *c, const char *section, const char *key);
int ward_config_bool(const struct ward_config *c, const char *section, const char *key);

/*
 * The next item of a comma-separated value (a config value or a flag's
 * argument): *p moves past it and the item, blanks trimmed, goes to
 * out[size]. Returns 1 for an item, 0 at the end; empty items and items
 * that do not fit are passed over.
 */
int ward_config_item(const char **p, char *out, size_t size);

size_t ward_config_brand_count(const struct ward_config *c);
const struct ward_config_brand *ward_config_brand(const struct ward_config *c, size_t i);

/* Walks every declared key with its current value (for `ward config`). */
void ward_config_each(const struct ward_config *c,
		      void (*fn)(void *ctx, const char *section, const char *key,
				 const char *value),
		      void *ctx);

#endif
