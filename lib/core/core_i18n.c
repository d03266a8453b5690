/*
 * Message catalogs through gettext. Text for people follows the locale (or
 * --lang); JSON output carries English and Japanese side by side, so the
 * Japanese catalog must be reachable whatever the locale. GNU gettext honours
 * LANGUAGE whenever LC_MESSAGES is not "C", and glibc always has C.UTF-8, so
 * ward switches LC_MESSAGES to C.UTF-8 when the environment left it at "C"
 * and picks a catalog through LANGUAGE. Translations are cached by msgid
 * address: check messages are static strings.
 */
#include <libintl.h>
#include <locale.h>
#include <stdint.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ward/i18n.h"

#define DOMAIN "ward"

#ifndef WARD_LOCALEDIR
#define WARD_LOCALEDIR "/usr/local/share/locale"
#endif
#ifndef WARD_BUILD_LOCALEDIR
#define WARD_BUILD_LOCALEDIR ""
#endif

/* GNU gettext's cache generation counter: bumping it drops cached lookups. */
extern int _nl_msg_cat_cntr;

static enum ward_lang chosen = WARD_LANG_EN;
static int bound;

/*
 * Translations already looked up, keyed by content (arguments live in
 * reused buffers, so a pointer says nothing). Lookups switch LANGUAGE, which
 * is process-wide: they are serialised, and once ward_i18n_freeze() has been
 * called (before worker threads start) only the table is read.
 */
#define CACHE_SIZE 512
static struct {
	char *msgid; /* own copy */
	uint64_t hash;
	const char *ja;
} cache[CACHE_SIZE];
static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static int frozen;
static int inited; /* ward_i18n_init() ran: the locale can reach the catalog */

static uint64_t
text_hash(const char *s)
{
	uint64_t h = 1469598103934665603ull;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

static int
has_catalog(const char *dir)
{
	char path[4096];
	struct stat st;

	if (!dir || !*dir)
		return 0;
	snprintf(path, sizeof(path), "%s/ja/LC_MESSAGES/" DOMAIN ".mo", dir);
	return stat(path, &st) == 0;
}

static void
bind_catalog(void)
{
	const char *env = getenv("WARD_LOCALEDIR");
	const char *dir = WARD_LOCALEDIR;

	if (bound)
		return;
	if (has_catalog(env))
		dir = env;
	else if (!has_catalog(dir) && has_catalog(WARD_BUILD_LOCALEDIR))
		dir = WARD_BUILD_LOCALEDIR;
	bindtextdomain(DOMAIN, dir);
	bind_textdomain_codeset(DOMAIN, "UTF-8");
	bound = 1;
}

static int
starts_ja(const char *s)
{
	return s && strncmp(s, "ja", 2) == 0 && (s[2] == '\0' || s[2] == '_' || s[2] == '.');
}

static enum ward_lang
lang_from_env(void)
{
	const char *v;

	/* The same precedence as gettext: LANGUAGE, then LC_ALL, LC_MESSAGES, LANG. */
	v = getenv("LANGUAGE");
	if (v && *v)
		return starts_ja(v) ? WARD_LANG_JA : WARD_LANG_EN;
	v = getenv("LC_ALL");
	if (!v || !*v)
		v = getenv("LC_MESSAGES");
	if (!v || !*v)
		v = getenv("LANG");
	return starts_ja(v) ? WARD_LANG_JA : WARD_LANG_EN;
}

enum ward_lang
ward_i18n_init(const char *lang)
{
	const char *cur;

	setlocale(LC_ALL, "");
	cur = setlocale(LC_MESSAGES, NULL);
	if (!cur || strcmp(cur, "C") == 0 || strcmp(cur, "POSIX") == 0)
		setlocale(LC_MESSAGES, "C.UTF-8");
	/* Character classes stay ASCII: ward parses bytes, not locale text. */
	setlocale(LC_CTYPE, "C.UTF-8");
	bind_catalog();
	inited = 1;
	if (lang && strcmp(lang, "ja") == 0)
		chosen = WARD_LANG_JA;
	else if (lang && strcmp(lang, "en") == 0)
		chosen = WARD_LANG_EN;
	else
		chosen = lang_from_env();
	return chosen;
}

enum ward_lang
ward_i18n_lang(void)
{
	return chosen;
}

const char *
ward_i18n_ja(const char *msgid)
{
	uint64_t h = text_hash(msgid);
	size_t i = (size_t)(h % CACHE_SIZE), n;
	char *saved = NULL;
	const char *old, *tr;

	pthread_mutex_lock(&cache_lock);
	for (n = 0; n < CACHE_SIZE; n++, i = (i + 1) % CACHE_SIZE) {
		if (!cache[i].msgid)
			break;
		if (cache[i].hash == h && strcmp(cache[i].msgid, msgid) == 0) {
			tr = cache[i].ja;
			pthread_mutex_unlock(&cache_lock);
			return tr;
		}
	}
	if (frozen) { /* not a known message: returned as it is */
		pthread_mutex_unlock(&cache_lock);
		return msgid;
	}
	bind_catalog();
	old = getenv("LANGUAGE");
	if (old)
		saved = strdup(old);
	setenv("LANGUAGE", "ja", 1);
	++_nl_msg_cat_cntr;
	tr = dgettext(DOMAIN, msgid);
	if (saved) {
		setenv("LANGUAGE", saved, 1);
		free(saved);
	} else {
		unsetenv("LANGUAGE");
	}
	++_nl_msg_cat_cntr;
	/* Before ward_i18n_init() the C locale hides the catalog: nothing is kept. */
	if (inited && n < CACHE_SIZE && (cache[i].msgid = strdup(msgid)) != NULL) {
		cache[i].hash = h;
		/* dgettext returns msgid itself when there is no translation */
		cache[i].ja = tr == msgid ? cache[i].msgid : tr;
		tr = cache[i].ja;
	} else if (tr == msgid) {
		tr = msgid;
	}
	pthread_mutex_unlock(&cache_lock);
	return tr;
}

void
ward_i18n_freeze(void)
{
	pthread_mutex_lock(&cache_lock);
	frozen = 1;
	pthread_mutex_unlock(&cache_lock);
}

const char *
ward_i18n_get(const char *msgid, enum ward_lang lang)
{
	return lang == WARD_LANG_JA ? ward_i18n_ja(msgid) : msgid;
}

void
ward_i18n_format(char *buf, size_t size, const char *fmt, const char *const *args, size_t n_args)
{
	/* Only %N$s and %% are understood: a catalog can never make this misbehave. */
	size_t o = 0;
	const char *p = fmt;

	if (size == 0)
		return;
	while (*p && o + 1 < size) {
		if (p[0] == '%' && p[1] == '%') {
			buf[o++] = '%';
			p += 2;
		} else if (p[0] == '%' && p[1] >= '1' && p[1] <= '9' && p[2] == '$' &&
			   p[3] == 's') {
			size_t k = (size_t)(p[1] - '1');
			const char *a = k < n_args && args[k] ? args[k] : "";
			while (*a && o + 1 < size)
				buf[o++] = *a++;
			p += 4;
		} else {
			buf[o++] = *p++;
		}
	}
	buf[o] = '\0';
}
