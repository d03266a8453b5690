/*
 * English and Japanese messages. Every check message is an English gettext
 * msgid; ward_i18n_ja() returns its Japanese translation whatever the locale,
 * so machine output can always carry both.
 */
#ifndef WARD_I18N_H
#define WARD_I18N_H

enum ward_lang {
	WARD_LANG_EN = 0,
	WARD_LANG_JA,
};

/*
 * Binds ward's message catalog. lang is "en", "ja", or NULL/"auto" to follow
 * LANGUAGE, LC_ALL, LC_MESSAGES and LANG. Returns the language chosen for
 * text meant for people.
 */
enum ward_lang ward_i18n_init(const char *lang);

/* The language chosen by the last ward_i18n_init(). */
enum ward_lang ward_i18n_lang(void);

/* Japanese translation of msgid, or msgid itself when none. Borrowed, static.
 * Safe to call from several threads. */
const char *ward_i18n_ja(const char *msgid);

/*
 * From now on ward_i18n_ja() only answers from the messages already looked
 * up and returns anything else unchanged: call it after looking up every
 * message a run can print, before starting threads, so no thread changes the
 * environment while another reads it.
 */
void ward_i18n_freeze(void);

/* Translation of msgid into lang. */
const char *ward_i18n_get(const char *msgid, enum ward_lang lang);

/* Formats a check message (positional %1$s args) into buf. */
void ward_i18n_format(char *buf, size_t size, const char *fmt, const char *const *args,
		      size_t n_args);

#endif
