/* Helpers shared by the verbs: messages, common flags, file reading, output. */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ward/error.h"
#include "cli.h"

void
cli_error(struct cli *c, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", c->prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	c->failed = 1;
}

void
cli_warn(struct cli *c, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: warning: ", c->prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int
cli_common_option(struct cli *c, int opt, const char *arg)
{
	char err[512], sect[64], key[64];
	const char *eq, *dot;
	int rc;

	switch (opt) {
	case 'c':
		c->config_path = arg;
		rc = ward_config_load(c->cfg, arg, err, sizeof(err));
		if (rc < 0) {
			cli_error(c, "%s", err);
			return -1;
		}
		return 1;
	case 'f':
		rc = ward_config_set(c->cfg, "output", "format", arg, err, sizeof(err));
		break;
	case 'L':
		rc = ward_config_set(c->cfg, "output", "lang", arg, err, sizeof(err));
		break;
	case 'C':
		rc = ward_config_set(c->cfg, "output", "color", arg, err, sizeof(err));
		break;
	case 'S':
		/* --set section.key=value */
		eq = strchr(arg, '=');
		dot = strchr(arg, '.');
		if (!eq || !dot || dot > eq || (size_t)(dot - arg) >= sizeof(sect) ||
		    (size_t)(eq - dot - 1) >= sizeof(key)) {
			cli_error(c, "--set expects SECTION.KEY=VALUE, got \"%s\"", arg);
			return -1;
		}
		memcpy(sect, arg, (size_t)(dot - arg));
		sect[dot - arg] = '\0';
		memcpy(key, dot + 1, (size_t)(eq - dot - 1));
		key[eq - dot - 1] = '\0';
		rc = ward_config_set(c->cfg, sect, key, eq + 1, err, sizeof(err));
		break;
	default:
		return 0;
	}
	if (rc < 0) {
		cli_error(c, "%s", err);
		return -1;
	}
	return 1;
}

int
cli_read_file(const char *path, size_t max, unsigned char **out, size_t *n)
{
	FILE *fp = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	unsigned char *buf = NULL, *nb;
	size_t len = 0, cap = 0, got;

	*out = NULL;
	*n = 0;
	if (!fp)
		return errno == ENOENT ? WARD_ENOTFOUND : WARD_EIO;
	for (;;) {
		if (cap - len < 65536) {
			cap = cap ? cap * 2 : 262144;
			if (cap > max + 65536)
				cap = max + 65536;
			nb = realloc(buf, cap);
			if (!nb) {
				free(buf);
				if (fp != stdin)
					fclose(fp);
				return WARD_ENOMEM;
			}
			buf = nb;
		}
		got = fread(buf + len, 1, cap - len, fp);
		len += got;
		if (len > max) {
			free(buf);
			if (fp != stdin)
				fclose(fp);
			return WARD_ELIMIT;
		}
		if (got == 0)
			break;
	}
	if (ferror(fp)) {
		free(buf);
		if (fp != stdin)
			fclose(fp);
		return WARD_EIO;
	}
	if (fp != stdin)
		fclose(fp);
	*out = buf;
	*n = len;
	return 0;
}

struct ward_out *
cli_output(struct cli *c, FILE *fp)
{
	enum ward_format fmt = WARD_FORMAT_TEXT;
	const char *color = ward_config_str(c->cfg, "output", "color");
	const char *lang = ward_config_str(c->cfg, "output", "lang");
	int use_color;

	ward_format_parse(ward_config_str(c->cfg, "output", "format"), &fmt);
	ward_i18n_init(lang);
	use_color = strcmp(color, "always") == 0 ||
		    (strcmp(color, "auto") == 0 && isatty(fileno(fp)) && !getenv("NO_COLOR"));
	return ward_out_new(fp, fmt, ward_i18n_lang(), use_color);
}

long
cli_read_line(FILE *fp, char *buf, size_t size, int *too_long)
{
	size_t n;
	char skip[4096];

	*too_long = 0;
	if (!fgets(buf, (int)size, fp))
		return -1;
	n = strlen(buf); /* a NUL inside the line shortens it: the parser sees less, never more */
	if (n && buf[n - 1] == '\n') {
		buf[--n] = '\0';
		return (long)n;
	}
	if (feof(fp))
		return (long)n;
	/* Longer than the buffer: drop the rest of the line without keeping it. */
	*too_long = 1;
	while (fgets(skip, sizeof(skip), fp)) {
		size_t k = strlen(skip);
		if (k && skip[k - 1] == '\n')
			break;
	}
	return (long)n;
}
