/*
 * Differential oracle, ward side: for each .eml given (files, or directories
 * whose *.eml files are read in name order) prints one JSON line with the sha256
 * set of the attachments ward's MIME parser finds (with the hashes of each
 * without its last one and two bytes) and the decoded lengths and sha256 of
 * its text parts. tests/oracle/gmime_parts.c prints the same with GMime and
 * tests/integration/test_gmime_diff.sh compares the two.
 *
 *   mail_parts FILE|DIR...      JSON lines on stdout
 *   mail_parts -b FILE|DIR...   parse-only throughput (mails/s of CPU time) on stderr
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <glib.h>

#include "ward/buf.h"
#include "ward/mail.h"

struct item {
	char *path;
	uint8_t *p;
	size_t n;
};

static struct item *items;
static size_t n_items, cap_items;

static int
by_path(const void *a, const void *b)
{
	return strcmp(((const struct item *)a)->path, ((const struct item *)b)->path);
}

static void
add_file(const char *path)
{
	FILE *fp = fopen(path, "rb");
	struct stat st;
	uint8_t *p;

	if (!fp || fstat(fileno(fp), &st) < 0 || !S_ISREG(st.st_mode)) {
		if (fp)
			fclose(fp);
		return;
	}
	p = malloc((size_t)st.st_size + 1);
	if (!p || fread(p, 1, (size_t)st.st_size, fp) != (size_t)st.st_size) {
		free(p);
		fclose(fp);
		fprintf(stderr, "mail_parts: %s: read error\n", path);
		return;
	}
	fclose(fp);
	if (n_items == cap_items) {
		cap_items = cap_items ? cap_items * 2 : 256;
		items = realloc(items, cap_items * sizeof(*items));
		if (!items)
			abort();
	}
	items[n_items].path = strdup(path);
	items[n_items].p = p;
	items[n_items].n = (size_t)st.st_size;
	n_items++;
}

static void
add_arg(const char *arg)
{
	struct stat st;
	struct dirent *e;
	size_t first = n_items;
	DIR *d;
	char path[4096];

	if (stat(arg, &st) < 0)
		return;
	if (!S_ISDIR(st.st_mode)) {
		add_file(arg);
		return;
	}
	d = opendir(arg);
	if (!d)
		return;
	while ((e = readdir(d)) != NULL) {
		size_t l = strlen(e->d_name);

		if (e->d_name[0] == '.' || l < 5 || strcmp(e->d_name + l - 4, ".eml") != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", arg, e->d_name);
		add_file(path);
	}
	closedir(d);
	qsort(items + first, n_items - first, sizeof(*items), by_path);
}

/* A text part the reader sees (not raw bytes, not an attachment). */
static int
is_text(const struct ward_mail_part *pt)
{
	return !pt->is_raw && !pt->is_multipart && strncmp(pt->content_type, "text/", 5) == 0 &&
	       !ward_mail_part_is_attachment(pt);
}

static void
report(const struct item *it)
{
	struct ward_mail *m;
	struct ward_buf out;
	const char *base = strrchr(it->path, '/');
	size_t i;
	int rc, first = 1;

	rc = ward_mail_parse(it->p, it->n, NULL, &m);
	ward_buf_init(&out);
	ward_buf_adds(&out, "{\"file\":");
	ward_buf_json_cstr(&out, base ? base + 1 : it->path);
	if (rc) {
		ward_buf_printf(&out, ",\"error\":%d}\n", rc);
		fputs(ward_buf_cstr(&out), stdout);
		ward_buf_free(&out);
		return;
	}
	ward_buf_adds(&out, ",\"attachments\":[");
	for (i = 0; i < m->n_parts; i++) {
		const struct ward_mail_part *pt = &m->parts[i];
		char *sum;

		if (!ward_mail_part_is_attachment(pt))
			continue;
		sum = g_compute_checksum_for_data(
		    G_CHECKSUM_SHA256, pt->body ? pt->body : (const uint8_t *)"", pt->body_len);
		ward_buf_printf(&out,
				"%s{\"sha256\":\"%s\",\"size\":%zu,\"type\":", first ? "" : ",",
				sum, pt->body_len);
		ward_buf_json_cstr(&out, pt->content_type);
		ward_buf_adds(&out, ",\"filename\":");
		ward_buf_json_cstr(&out, pt->filename ? pt->filename : "");
		g_free(sum);
		/* Hashes without the last one and two bytes: GMime drops the bytes
		 * of a final base64 group that lacks its padding. */
		if (pt->body_len >= 2) {
			char *t1 = g_compute_checksum_for_data(G_CHECKSUM_SHA256, pt->body,
							       pt->body_len - 1);
			char *t2 = g_compute_checksum_for_data(G_CHECKSUM_SHA256, pt->body,
							       pt->body_len - 2);

			ward_buf_printf(&out, ",\"tail\":[\"%s\",\"%s\"]", t1, t2);
			g_free(t1);
			g_free(t2);
		}
		ward_buf_adds(&out, "}");
		first = 0;
	}
	ward_buf_adds(&out, "],\"text_lens\":[");
	first = 1;
	for (i = 0; i < m->n_parts; i++) {
		const struct ward_mail_part *pt = &m->parts[i];

		if (!is_text(pt))
			continue;
		ward_buf_printf(&out, "%s%zu", first ? "" : ",", pt->body_len);
		first = 0;
	}
	ward_buf_adds(&out, "],\"text_sha256\":[");
	first = 1;
	for (i = 0; i < m->n_parts; i++) {
		const struct ward_mail_part *pt = &m->parts[i];
		char *sum;

		if (!is_text(pt))
			continue;
		sum = g_compute_checksum_for_data(
		    G_CHECKSUM_SHA256, pt->body ? pt->body : (const uint8_t *)"", pt->body_len);
		ward_buf_printf(&out, "%s\"%s\"", first ? "" : ",", sum);
		g_free(sum);
		first = 0;
	}
	ward_buf_printf(&out, "],\"parts\":%zu,\"defects\":%u", m->n_parts, m->defects);
	if (m->has_from) {
		ward_buf_adds(&out, ",\"from\":{\"name\":");
		ward_buf_json_cstr(&out, m->from.name ? m->from.name : "");
		ward_buf_adds(&out, ",\"addr\":");
		ward_buf_json_cstr(&out, m->from.addr ? m->from.addr : "");
		ward_buf_adds(&out, "}");
	}
	ward_buf_adds(&out, ",\"reply_to\":[");
	for (i = 0; i < m->n_reply_to; i++) {
		ward_buf_adds(&out, i ? ",{\"name\":" : "{\"name\":");
		ward_buf_json_cstr(&out, m->reply_to[i].name);
		ward_buf_adds(&out, ",\"addr\":");
		ward_buf_json_cstr(&out, m->reply_to[i].addr);
		ward_buf_adds(&out, "}");
	}
	ward_buf_adds(&out, "],\"subject\":");
	ward_buf_json_cstr(&out, m->subject ? m->subject : "");
	ward_buf_adds(&out, "}\n");
	fputs(ward_buf_cstr(&out), stdout);
	ward_buf_free(&out);
	ward_mail_free(m);
}

int
main(int argc, char **argv)
{
	int i, bench = 0;
	size_t k;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-b") == 0)
			bench = 1;
		else
			add_arg(argv[i]);
	}
	if (!n_items) {
		fprintf(stderr, "usage: mail_parts [-b] FILE|DIR...\n");
		return 2;
	}
	if (bench) {
		struct timespec t0, t1;
		size_t bytes = 0, rounds = 0, done = 0;
		double s;

		/* CPU time of this process: the figure for one core. */
		clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t0);
		do {
			for (k = 0; k < n_items; k++) {
				struct ward_mail *m;

				if (ward_mail_parse(items[k].p, items[k].n, NULL, &m) == 0)
					ward_mail_free(m);
				bytes += items[k].n;
				done++;
			}
			rounds++;
			clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t1);
			s = (double)(t1.tv_sec - t0.tv_sec) +
			    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
		} while (s < 3.0);
		fprintf(stderr, "%zu mails x %zu rounds: %.0f mails/s, %.1f MB/s\n", n_items,
			rounds, (double)done / s, (double)bytes / s / 1e6);
		return 0;
	}
	for (k = 0; k < n_items; k++)
		report(&items[k]);
	return 0;
}
