/*
 * Differential oracle, GMime side: for each .eml given (files, or
 * directories whose *.eml files are read in name order) prints one JSON line with
 * the sha256 set of the attachments GMime finds and the decoded lengths of
 * its text parts, in the format of tests/oracle/mail_parts.c.
 *
 * GMime parses with loose RFC 2047 and parameter compliance. Attached
 * messages are followed: GMime's own message parts, and message/rfc822
 * leaves (an encoded attached message) decoded and parsed again here.
 * Attachments follow ward's rule (ward_mail_part_is_attachment): leaf
 * parts with a file name, Content-Disposition: attachment, or a type other
 * than text/plain, text/html and message/...; hashed after transfer
 * decoding.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <gmime/gmime.h>

#define MAX_DEPTH 32

static GMimeParserOptions *opts;

struct out {
	GString *att, *text;
	int n_att, n_text;
};

static void json_str(GString *s, const char *v);

static void walk(GMimeObject *obj, struct out *o, int depth);

static void
walk_message(GMimeMessage *msg, struct out *o, int depth)
{
	GMimeObject *body;

	if (!msg || depth > MAX_DEPTH)
		return;
	body = g_mime_message_get_mime_part(msg);
	if (body)
		walk(body, o, depth + 1);
}

/* Parses bytes as a message and walks it. */
static void
walk_bytes(const guint8 *p, gsize n, struct out *o, int depth)
{
	GMimeStream *st = g_mime_stream_mem_new_with_buffer((const char *)p, n);
	GMimeParser *ps = g_mime_parser_new_with_stream(st);
	GMimeMessage *msg;

	g_mime_parser_set_format(ps, GMIME_FORMAT_MESSAGE);
	msg = g_mime_parser_construct_message(ps, opts);
	if (msg) {
		walk_message(msg, o, depth);
		g_object_unref(msg);
	}
	g_object_unref(ps);
	g_object_unref(st);
}

static GByteArray *
decoded(GMimePart *part)
{
	GMimeDataWrapper *w = g_mime_part_get_content(part);
	GMimeStream *mem;
	GByteArray *ba;

	ba = g_byte_array_new();
	if (!w)
		return ba;
	mem = g_mime_stream_mem_new_with_byte_array(ba);
	g_mime_stream_mem_set_owner(GMIME_STREAM_MEM(mem), FALSE);
	g_mime_data_wrapper_write_to_stream(w, mem);
	g_object_unref(mem);
	return ba;
}

static void
walk(GMimeObject *obj, struct out *o, int depth)
{
	GMimeContentType *ct;
	GMimeContentDisposition *cd;
	const char *filename;
	char *type;
	GByteArray *ba;
	int i, att;

	if (!obj || depth > MAX_DEPTH)
		return;
	if (GMIME_IS_MULTIPART(obj)) {
		GMimeMultipart *mp = GMIME_MULTIPART(obj);

		for (i = 0; i < g_mime_multipart_get_count(mp); i++)
			walk(g_mime_multipart_get_part(mp, i), o, depth + 1);
		return;
	}
	if (GMIME_IS_MESSAGE_PART(obj)) {
		walk_message(g_mime_message_part_get_message(GMIME_MESSAGE_PART(obj)), o, depth);
		return;
	}
	if (!GMIME_IS_PART(obj))
		return;
	ct = g_mime_object_get_content_type(obj);
	type = ct ? g_mime_content_type_get_mime_type(ct) : g_strdup("text/plain");
	for (i = 0; type[i]; i++)
		type[i] = g_ascii_tolower(type[i]);
	ba = decoded(GMIME_PART(obj));
	if (strcmp(type, "message/rfc822") == 0 || strcmp(type, "message/global") == 0) {
		walk_bytes(ba->data, ba->len, o, depth);
		g_byte_array_unref(ba);
		g_free(type);
		return;
	}
	filename = g_mime_part_get_filename(GMIME_PART(obj));
	cd = g_mime_object_get_content_disposition(obj);
	att = (filename && *filename) || (cd && g_mime_content_disposition_is_attachment(cd)) ||
	      (strcmp(type, "text/plain") != 0 && strcmp(type, "text/html") != 0 &&
	       strncmp(type, "message/", 8) != 0);
	if (att) {
		char *sum = g_compute_checksum_for_data(G_CHECKSUM_SHA256, ba->data, ba->len);

		g_string_append_printf(o->att, "%s{\"sha256\":\"%s\",\"size\":%u,\"type\":",
				       o->n_att++ ? "," : "", sum, ba->len);
		json_str(o->att, type);
		g_string_append(o->att, ",\"filename\":");
		json_str(o->att, filename ? filename : "");
		g_string_append_c(o->att, '}');
		g_free(sum);
	} else if (strncmp(type, "text/", 5) == 0) {
		g_string_append_printf(o->text, "%s%u", o->n_text++ ? "," : "", ba->len);
	}
	g_byte_array_unref(ba);
	g_free(type);
}

static void
json_str(GString *s, const char *v)
{
	const unsigned char *p = (const unsigned char *)v;

	g_string_append_c(s, '"');
	for (; *p; p++) {
		if (*p == '"' || *p == '\\')
			g_string_append_printf(s, "\\%c", *p);
		else if (*p < 0x20)
			g_string_append_printf(s, "\\u%04x", *p);
		else
			g_string_append_c(s, (char)*p);
	}
	g_string_append_c(s, '"');
}

static void
report(const char *path)
{
	const char *base = strrchr(path, '/');
	struct out o = {g_string_new(""), g_string_new(""), 0, 0};
	gchar *data = NULL;
	gsize len = 0;
	GString *line = g_string_new("{\"file\":");

	json_str(line, base ? base + 1 : path);
	if (!g_file_get_contents(path, &data, &len, NULL)) {
		g_string_append(line, ",\"error\":-3}\n");
	} else {
		walk_bytes((const guint8 *)data, len, &o, 0);
		g_string_append_printf(line, ",\"attachments\":[%s],\"text_lens\":[%s]}\n",
				       o.att->str, o.text->str);
	}
	fputs(line->str, stdout);
	g_string_free(line, TRUE);
	g_string_free(o.att, TRUE);
	g_string_free(o.text, TRUE);
	g_free(data);
}

static int
by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
report_arg(const char *arg)
{
	GPtrArray *names;
	struct stat st;
	struct dirent *e;
	DIR *d;
	guint i;

	if (stat(arg, &st) < 0)
		return;
	if (!S_ISDIR(st.st_mode)) {
		report(arg);
		return;
	}
	d = opendir(arg);
	if (!d)
		return;
	names = g_ptr_array_new_with_free_func(g_free);
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.' && g_str_has_suffix(e->d_name, ".eml"))
			g_ptr_array_add(names, g_strdup_printf("%s/%s", arg, e->d_name));
	closedir(d);
	qsort(names->pdata, names->len, sizeof(gpointer), by_name);
	for (i = 0; i < names->len; i++) {
		const char *p = g_ptr_array_index(names, i);

		if (stat(p, &st) == 0 && S_ISREG(st.st_mode))
			report(p);
	}
	g_ptr_array_free(names, TRUE);
}

int
main(int argc, char **argv)
{
	int i;

	if (argc < 2) {
		fprintf(stderr, "usage: gmime_parts FILE|DIR...\n");
		return 2;
	}
	g_mime_init();
	opts = g_mime_parser_options_new();
	g_mime_parser_options_set_rfc2047_compliance_mode(opts, GMIME_RFC_COMPLIANCE_LOOSE);
	g_mime_parser_options_set_parameter_compliance_mode(opts, GMIME_RFC_COMPLIANCE_LOOSE);
	g_mime_parser_options_set_address_compliance_mode(opts, GMIME_RFC_COMPLIANCE_LOOSE);
	for (i = 1; i < argc; i++)
		report_arg(argv[i]);
	g_mime_parser_options_free(opts);
	g_mime_shutdown();
	return 0;
}
