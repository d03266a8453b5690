/*
 * The file analyser's entry point and dispatcher. ward_file_analyse() starts
 * one job; scan_object() types each object (the file, then every entry or
 * embedded object an analyser finds), reports what the type and the name
 * say, and hands containers and documents to the analyser for their kind.
 * Every embedded object comes back through scan_object(), which holds the
 * depth and size limits; scan_charge() and scan_budget() hold the entry
 * and byte totals of the whole job.
 *
 * The name is attacker-chosen and only ever adds findings: it never stops
 * the content from being analysed.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "limits.h"
#include "scan_file.h"
#include "ward/error.h"

void
ward_file_limits_default(struct ward_file_limits *l)
{
	l->max_size = WARD_LIMIT_FILE_SIZE;
	l->max_depth = WARD_LIMIT_ARCHIVE_DEPTH;
	l->max_entries = WARD_LIMIT_ARCHIVE_ENTRIES;
	l->max_total = WARD_LIMIT_ARCHIVE_TOTAL;
	l->max_ratio = WARD_LIMIT_ARCHIVE_RATIO;
}

struct ward_file_ctx *
ward_file_ctx_new(const struct ward_file_limits *lim)
{
	struct ward_file_ctx *ctx = calloc(1, sizeof(*ctx));

	if (!ctx)
		return NULL;
	if (lim)
		ctx->lim = *lim;
	else
		ward_file_limits_default(&ctx->lim);
	ctx->scratch = malloc(SCAN_TEXT_WINDOW);
	/* Decompression is left to ward; MIME types only, no descriptions. */
	ctx->magic = magic_open(MAGIC_MIME_TYPE | MAGIC_NO_CHECK_COMPRESS |
				MAGIC_NO_CHECK_ENCODING | MAGIC_NO_CHECK_ELF);
	if (!ctx->scratch || !ctx->magic || magic_load(ctx->magic, NULL) != 0) {
		ward_file_ctx_free(ctx);
		return NULL;
	}
	/* libarchive converts entry names through the thread's LC_CTYPE; a
	 * thread-local UTF-8 one keeps RAR names readable under "C". */
	ctx->utf8 = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
	return ctx;
}

void
ward_file_ctx_free(struct ward_file_ctx *ctx)
{
	if (!ctx)
		return;
	if (ctx->magic)
		magic_close(ctx->magic);
	if (ctx->utf8)
		freelocale(ctx->utf8);
	free(ctx->scratch);
	free(ctx);
}

/* ---- hits and limits ---- */

void
scan_hit(struct scan_job *j, const struct ward_check *c, const char *where, const char *fmt, ...)
{
	struct ward_file_result *r = j->r;
	struct ward_file_hit *h;
	va_list ap;
	size_t i;

	if (!where)
		where = "";
	for (i = 0; i < r->n_hits; i++)
		if (r->hits[i].check == c &&
		    strncmp(r->hits[i].where, where, WARD_FILE_WHERE_MAX - 1) == 0)
			return;
	if (r->n_hits >= WARD_FILE_MAX_HITS) {
		r->truncated = 1;
		return;
	}
	h = &r->hits[r->n_hits++];
	h->check = c;
	snprintf(h->where, sizeof(h->where), "%s", where);
	va_start(ap, fmt);
	vsnprintf(h->detail, sizeof(h->detail), fmt, ap);
	va_end(ap);
}

void
scan_limit(struct scan_job *j, const char *where, const char *fmt, ...)
{
	struct ward_file_result *r = j->r;
	char detail[160];
	va_list ap;
	size_t i;

	r->truncated = 1;
	for (i = 0; i < r->n_hits; i++)
		if (r->hits[i].check == &ward_check_file_archive_limit)
			return;
	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	scan_hit(j, &ward_check_file_archive_limit, where, "%s", detail);
}

uint64_t
scan_budget(struct scan_job *j, const char *where)
{
	if (j->total >= j->lim->max_total) {
		scan_limit(j, where, "more than %llu bytes unpacked",
			   (unsigned long long)j->lim->max_total);
		return 0;
	}
	return j->lim->max_total - j->total;
}

int
scan_charge(struct scan_job *j, const char *where, uint64_t n)
{
	if (j->entries >= j->lim->max_entries) {
		scan_limit(j, where, "more than %u entries", j->lim->max_entries);
		return -1;
	}
	j->entries++;
	j->r->n_entries = j->entries;
	if (n > j->lim->max_total - j->total) {
		j->total = j->lim->max_total;
		scan_limit(j, where, "more than %llu bytes unpacked",
			   (unsigned long long)j->lim->max_total);
		return -1;
	}
	j->total += n;
	return 0;
}

void
scan_where(char *out, size_t size, const char *where, const char *name)
{
	if (!name || !*name)
		name = "?";
	if (where && *where)
		snprintf(out, size, "%s/%s", where, name);
	else
		snprintf(out, size, "%s", name);
}

/* ---- what the name says ---- */

/* Extension classes: document-like names a victim trusts, and names Windows runs. */
enum {
	X_NONE = 0,
	X_PDF,
	X_OFFICE,
	X_IMAGE,
	X_TEXT,
	X_HTML,
	X_MEDIA,
	X_ARCHIVE,
	X_EXEC,
	X_SCRIPT,
	X_SHORTCUT,
	X_DISK,
};

static const struct {
	const char *ext;
	int cls;
} exts[] = {
    {"pdf", X_PDF},
    {"doc", X_OFFICE},
    {"docx", X_OFFICE},
    {"docm", X_OFFICE},
    {"dot", X_OFFICE},
    {"dotx", X_OFFICE},
    {"dotm", X_OFFICE},
    {"xls", X_OFFICE},
    {"xlsx", X_OFFICE},
    {"xlsm", X_OFFICE},
    {"xlsb", X_OFFICE},
    {"xlt", X_OFFICE},
    {"xltx", X_OFFICE},
    {"xltm", X_OFFICE},
    {"xla", X_OFFICE},
    {"xlam", X_OFFICE},
    {"ppt", X_OFFICE},
    {"pptx", X_OFFICE},
    {"pptm", X_OFFICE},
    {"pps", X_OFFICE},
    {"ppsx", X_OFFICE},
    {"ppsm", X_OFFICE},
    {"pot", X_OFFICE},
    {"potx", X_OFFICE},
    {"potm", X_OFFICE},
    {"rtf", X_OFFICE},
    {"odt", X_OFFICE},
    {"ods", X_OFFICE},
    {"odp", X_OFFICE},
    {"jpg", X_IMAGE},
    {"jpeg", X_IMAGE},
    {"png", X_IMAGE},
    {"gif", X_IMAGE},
    {"bmp", X_IMAGE},
    {"tif", X_IMAGE},
    {"tiff", X_IMAGE},
    {"webp", X_IMAGE},
    {"txt", X_TEXT},
    {"csv", X_TEXT},
    {"log", X_TEXT},
    {"htm", X_HTML},
    {"html", X_HTML},
    {"mp3", X_MEDIA},
    {"mp4", X_MEDIA},
    {"avi", X_MEDIA},
    {"mov", X_MEDIA},
    {"wav", X_MEDIA},
    {"eml", X_MEDIA},
    {"msg", X_MEDIA},
    {"zip", X_ARCHIVE},
    {"rar", X_ARCHIVE},
    {"7z", X_ARCHIVE},
    {"exe", X_EXEC},
    {"scr", X_EXEC},
    {"pif", X_EXEC},
    {"com", X_EXEC},
    {"cpl", X_EXEC},
    {"msi", X_EXEC},
    {"msix", X_EXEC},
    {"msixbundle", X_EXEC},
    {"appx", X_EXEC},
    {"appxbundle", X_EXEC},
    {"msp", X_EXEC},
    {"jar", X_EXEC},
    {"apk", X_EXEC},
    {"xll", X_EXEC},
    {"gadget", X_EXEC},
    {"application", X_EXEC},
    {"js", X_SCRIPT},
    {"jse", X_SCRIPT},
    {"vbs", X_SCRIPT},
    {"vbe", X_SCRIPT},
    {"wsf", X_SCRIPT},
    {"wsh", X_SCRIPT},
    {"wsc", X_SCRIPT},
    {"sct", X_SCRIPT},
    {"hta", X_SCRIPT},
    {"ps1", X_SCRIPT},
    {"psm1", X_SCRIPT},
    {"bat", X_SCRIPT},
    {"cmd", X_SCRIPT},
    {"reg", X_SCRIPT},
    {"chm", X_SCRIPT},
    {"msc", X_SCRIPT},
    {"settingcontent-ms", X_SCRIPT},
    {"lnk", X_SHORTCUT},
    {"url", X_SHORTCUT},
    {"scf", X_SHORTCUT},
    {"library-ms", X_SHORTCUT},
    {"searchconnector-ms", X_SHORTCUT},
    {"iso", X_DISK},
    {"img", X_DISK},
    {"vhd", X_DISK},
    {"vhdx", X_DISK},
    {"dmg", X_DISK},
};

static int
ext_class(const char *ext)
{
	size_t i;

	for (i = 0; i < sizeof(exts) / sizeof(exts[0]); i++)
		if (strcmp(exts[i].ext, ext) == 0)
			return exts[i].cls;
	return X_NONE;
}

struct name_parts {
	char last[24]; /* lower-case last extension, "" if none */
	char prev[24]; /* the one before it, "" if none */
	size_t pad;    /* spaces or underscores right before the last dot */
	int rlo;       /* U+202E RIGHT-TO-LEFT OVERRIDE somewhere in the name */
};

static void
copy_ext(char *out, size_t size, const char *s, size_t len)
{
	size_t i;

	if (len >= size)
		len = 0; /* too long to be an extension */
	for (i = 0; i < len; i++)
		out[i] = (char)tolower((unsigned char)s[i]);
	out[len] = '\0';
}

static void
split_name(const char *name, struct name_parts *np)
{
	const char *b = scan_basename(name), *dot = NULL, *pdot = NULL;
	size_t end = strlen(b), stem, i;

	memset(np, 0, sizeof(*np));
	np->rlo = strstr(b, "\xe2\x80\xae") != NULL;
	/* Windows drops trailing dots and spaces. */
	while (end > 0 && (b[end - 1] == '.' || b[end - 1] == ' '))
		end--;
	for (i = end; i-- > 0;)
		if (b[i] == '.') {
			dot = b + i;
			break;
		}
	if (!dot || dot == b)
		return;
	copy_ext(np->last, sizeof(np->last), dot + 1, end - (size_t)(dot + 1 - b));
	stem = (size_t)(dot - b);
	while (stem > 0 && (b[stem - 1] == ' ' || b[stem - 1] == '_' || b[stem - 1] == '\t')) {
		stem--;
		np->pad++;
	}
	for (i = stem; i-- > 0;)
		if (b[i] == '.') {
			pdot = b + i;
			break;
		}
	if (pdot && pdot != b)
		copy_ext(np->prev, sizeof(np->prev), pdot + 1, stem - (size_t)(pdot + 1 - b));
}

static int
dangerous(int cls)
{
	return cls == X_EXEC || cls == X_SCRIPT || cls == X_SHORTCUT || cls == X_DISK;
}

static int
decoy(int cls)
{
	return cls >= X_PDF && cls <= X_ARCHIVE;
}

/* Would content of family f under a name of class cls be a lie worth reporting? */
static int
mismatch(int cls, enum scan_family f)
{
	if (cls < X_PDF || cls > X_HTML)
		return 0;
	switch (f) {
	case SF_EXEC:
	case SF_SHORTCUT:
	case SF_DISK:
	case SF_ARCHIVE:
	case SF_OPAQUE:
		return 1;
	case SF_SCRIPT:
		return cls != X_HTML;
	case SF_OFFICE:
		return cls == X_PDF || cls == X_IMAGE || cls == X_TEXT;
	case SF_PDF:
		return cls != X_PDF;
	case SF_HTML:
		return cls == X_PDF || cls == X_IMAGE;
	default:
		return 0;
	}
}

static const char *const family_word[] = {
    [SF_DATA] = "data",		  [SF_TEXT] = "text",		[SF_EXEC] = "a program",
    [SF_SCRIPT] = "a script",	  [SF_SHORTCUT] = "a shortcut", [SF_DISK] = "a disk image",
    [SF_ARCHIVE] = "an archive",  [SF_OPAQUE] = "an archive",	[SF_OFFICE] = "an Office document",
    [SF_PDF] = "a PDF",		  [SF_HTML] = "HTML",		[SF_IMAGE] = "an image",
    [SF_MAIL] = "a mail message",
};

/* By content, then by name when the content is plain text or unknown bytes. */
void
scan_judge(struct scan_job *j, const char *name, const char *where, const struct scan_type *t)
{
	enum scan_family f = scan_kind_family(t->kind);
	struct name_parts np;
	int cls = X_NONE, pcls;

	if (name) {
		split_name(name, &np);
		cls = ext_class(np.last);
	}
	switch (f) {
	case SF_EXEC:
		scan_hit(j, &ward_check_file_executable, where, "%s", t->what);
		break;
	case SF_SCRIPT:
		/* A script named .txt or .html opens in a viewer: the mismatch says it. */
		if (!(cls >= X_PDF && cls <= X_HTML))
			scan_hit(j, &ward_check_file_script, where, "%s", t->what);
		break;
	case SF_SHORTCUT:
		scan_hit(j, &ward_check_file_shortcut, where, "%s", t->what);
		break;
	case SF_DISK:
		scan_hit(j, &ward_check_file_disk_image, where, "%s", t->what);
		break;
	case SF_OPAQUE:
		scan_hit(j, &ward_check_file_archive_opaque, where, "%s", t->what);
		break;
	default:
		break;
	}
	if (!name)
		return;
	if (np.rlo)
		scan_hit(j, &ward_check_file_double_extension, where,
			 "right-to-left override (U+202E) in the name");
	pcls = ext_class(np.prev);
	if (dangerous(cls) && np.prev[0] && (decoy(pcls) || np.pad >= 3))
		scan_hit(j, &ward_check_file_double_extension, where, ".%s%s then .%s", np.prev,
			 np.pad >= 3 ? " and blanks" : "", np.last);
	else if (dangerous(cls) && np.pad >= 8)
		scan_hit(j, &ward_check_file_double_extension, where,
			 ".%s pushed out of view by %zu blanks", np.last, np.pad);
	/* By name: the victim's double-click runs it whatever the bytes look like. */
	if (t->kind != SK_EMPTY &&
	    (f == SF_TEXT || f == SF_DATA || f == SF_HTML || f == SF_SCRIPT)) {
		if (cls == X_EXEC && f != SF_HTML)
			scan_hit(j, &ward_check_file_executable, where,
				 "by name (.%s); content: %s", np.last, t->what);
		else if (cls == X_SCRIPT)
			scan_hit(j, &ward_check_file_script, where, "by name (.%s); content: %s",
				 np.last, t->what);
		else if (cls == X_SHORTCUT && f != SF_HTML)
			scan_hit(j, &ward_check_file_shortcut, where, "by name (.%s); content: %s",
				 np.last, t->what);
		else if (cls == X_DISK && f != SF_HTML)
			scan_hit(j, &ward_check_file_disk_image, where,
				 "by name (.%s); content: %s", np.last, t->what);
	}
	if (mismatch(cls, f))
		scan_hit(j, &ward_check_file_type_mismatch, where, "named .%s, content is %s (%s)",
			 np.last, family_word[f], t->what);
}

/* A volume of a split archive (.001, .z01, .r00, .part2.rar) holds only part of it. */
static int
split_volume(const char *name)
{
	struct name_parts np;
	size_t len;

	if (!name)
		return 0;
	split_name(name, &np);
	len = strlen(np.last);
	if (len == 3 && isdigit((unsigned char)np.last[0]) && isdigit((unsigned char)np.last[1]) &&
	    isdigit((unsigned char)np.last[2]))
		return 1;
	if (len == 3 && (np.last[0] == 'z' || np.last[0] == 'r') &&
	    isdigit((unsigned char)np.last[1]) && isdigit((unsigned char)np.last[2]))
		return 1;
	return 0;
}

/* ---- dispatch ---- */

/* Text that Excel opens by its name (or of unknown name), where DDE formulas run. */
static int
excel_text(const char *name)
{
	static const char *const ext[] = {"csv", "tsv", "slk", "sylk", "dif", "prn", "iqy"};
	struct name_parts np;
	size_t i;

	if (!name)
		return 1;
	split_name(name, &np);
	for (i = 0; i < sizeof(ext) / sizeof(ext[0]); i++)
		if (strcmp(np.last, ext[i]) == 0)
			return 1;
	return 0;
}

void
scan_object(struct scan_job *j, const uint8_t *p, size_t n, const char *name, const char *where,
	    unsigned depth)
{
	struct scan_type t;

	if (!where)
		where = "";
	if (depth > j->lim->max_depth) {
		scan_limit(j, where, "nested deeper than %u levels", j->lim->max_depth);
		return;
	}
	if (n > j->lim->max_size) {
		scan_limit(j, where, "%zu bytes, over the %zu-byte file limit", n,
			   j->lim->max_size);
		return;
	}
	/* libmagic only names the file itself: embedded objects need a kind, not a
	 * MIME type, and libmagic costs a millisecond a call. */
	scan_type_detect(j->ctx, p, n, depth == 0, &t);
	if (depth == 0) {
		snprintf(j->r->type, sizeof(j->r->type), "%s", t.mime);
		snprintf(j->r->kind, sizeof(j->r->kind), "%s", scan_kind_name(t.kind));
	}
	scan_judge(j, name, where, &t);
	switch (t.kind) {
	case SK_OLE2:
		scan_office_ole2(j, p, n, where, depth);
		break;
	case SK_OOXML:
	case SK_XPS:
		scan_office_ooxml(j, p, n, where, depth);
		break;
	case SK_OFFICE_XML:
		scan_office_xml(j, p, n, where, depth);
		break;
	case SK_RTF:
		scan_rtf(j, p, n, where, depth);
		break;
	case SK_SLK:
		scan_office_text(j, p, n, where, depth);
		break;
	case SK_TEXT:
		if (excel_text(name))
			scan_office_text(j, p, n, where, depth);
		break;
	case SK_PDF:
		scan_pdf(j, p, n, where, depth);
		break;
	case SK_HTML:
	case SK_SVG:
	case SK_HTA:
		scan_html(j, p, n, where, depth);
		break;
	case SK_ZIP:
	case SK_7Z:
	case SK_RAR:
	case SK_RAR5:
		if (split_volume(name))
			scan_hit(j, &ward_check_file_archive_opaque, where,
				 "one volume of a split %s archive", scan_kind_name(t.kind));
		scan_container(j, t.kind, p, n, name, where, depth);
		break;
	case SK_ODF:
	case SK_ISO:
	case SK_GZIP:
	case SK_BZIP2:
	case SK_XZ:
	case SK_LZMA:
	case SK_ZSTD:
	case SK_CAB:
	case SK_TAR:
	case SK_CPIO:
	case SK_LHA:
	case SK_XAR:
	case SK_AR:
	case SK_BINHEX:
	case SK_TNEF:
	case SK_SZDD:
	case SK_ONENOTE:
		scan_container(j, t.kind, p, n, name, where, depth);
		break;
	default:
		break;
	}
}

int
ward_file_analyse(struct ward_file_ctx *ctx, const uint8_t *p, size_t n, const char *name,
		  struct ward_file_result *r)
{
	struct scan_job j;

	if (!r)
		return WARD_EINVAL;
	memset(r, 0, sizeof(*r));
	if (!ctx || (!p && n))
		return WARD_EINVAL;
	memset(&j, 0, sizeof(j));
	j.ctx = ctx;
	j.r = r;
	j.lim = &ctx->lim;
	if (n > ctx->lim.max_size) {
		struct scan_type t;
		scan_type_detect(ctx, p, SCAN_TEXT_WINDOW < n ? SCAN_TEXT_WINDOW : n, 1, &t);
		snprintf(r->type, sizeof(r->type), "%s", t.mime);
		snprintf(r->kind, sizeof(r->kind), "%s", scan_kind_name(t.kind));
		scan_limit(&j, "", "%zu bytes, over the %zu-byte file limit", n, ctx->lim.max_size);
		return WARD_ELIMIT;
	}
	scan_object(&j, p, n, name, "", 0);
	r->n_entries = j.entries;
	return 0;
}
