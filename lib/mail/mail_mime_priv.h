/*
 * Private helpers shared by the MIME parser, the header decoders, the
 * transfer decoders and the charset converter (lib/mail/mail_*.c). Not a
 * public interface: names carry the ward_mime_ prefix so they never clash
 * with the rest of libward.
 */
#ifndef WARD_MAIL_MIME_PRIV_H
#define WARD_MAIL_MIME_PRIV_H

#include <stddef.h>
#include <stdint.h>

#include "ward/buf.h"
#include "ward/mail.h"

/*
 * Makes room for extra more bytes (and the NUL that ward_buf keeps) at the
 * end of b and returns where they go, or NULL when allocation failed (b is
 * then marked failed). The caller writes and advances b->len itself.
 */
uint8_t *ward_mime_buf_grow(struct ward_buf *b, size_t extra);

/* Outcome bits of ward_mime_to_utf8(). */
#define WARD_MIME_CS_UNKNOWN 1u	 /* charset unknown, read as windows-1252 */
#define WARD_MIME_CS_REPLACED 2u /* invalid bytes became U+FFFD */

/* ward_mail_to_utf8() with the charset given by pointer and length (not
 * NUL-terminated; NULL or empty: UTF-8 if valid, else windows-1252). */
unsigned ward_mime_to_utf8(const char *cs, size_t cs_len, const uint8_t *p, size_t n,
			   struct ward_buf *out);

/* 1 if converting p[0..n) from cs to UTF-8 would change nothing (text is body). */
int ward_mime_cs_identity(const char *cs, size_t cs_len, const uint8_t *p, size_t n);

/*
 * 1 if p[0..n) (one line, no line break) is a uuencode "begin <mode> <name>"
 * line; *name is set to the offset of the file name (n when there is none).
 */
int ward_mime_uu_begin(const uint8_t *p, size_t n, size_t *name);

/* 1 if p[0..n) is valid UTF-8 (ASCII included). */
int ward_mime_utf8_valid(const uint8_t *p, size_t n);

/* Outcome bits and modes of ward_mime_param(). */
#define WARD_MIME_PARAM_UNTERMINATED 1u /* a quoted value never closed */
#define WARD_MIME_PARAM_RAW 1u		/* mode: bytes as written, no RFC 2047/2231 decoding */

/*
 * ward_mail_param() with a mode (0 or WARD_MIME_PARAM_RAW) and defect bits
 * (WARD_MIME_PARAM_UNTERMINATED) or'ed into *flags when flags is not NULL.
 */
int ward_mime_param(const char *value, size_t n, const char *name, unsigned mode,
		    struct ward_buf *out, unsigned *flags);

/* ward_mail_decode_words() with a fallback charset (pointer and length) for
 * 8-bit text outside encoded words that is not UTF-8 (0: windows-1252). */
void ward_mime_decode_words(const char *in, size_t n, const char *fb, size_t fb_len,
			    struct ward_buf *out);

/* ward_mail_parse_addresses() with that fallback charset for names. */
size_t ward_mime_parse_addresses(const char *v, size_t n, struct ward_mail_addr *out, size_t max,
				 const char *fb, size_t fb_len);

static inline int
ward_mime_lower(int c)
{
	return (c >= 'A' && c <= 'Z') ? c + 32 : c;
}

static inline int
ward_mime_is_ws(int c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

/* Case-insensitive comparison of p[0..n) with the lower-case literal s. */
static inline int
ward_mime_eq(const char *p, size_t n, const char *s)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!s[i] || ward_mime_lower((unsigned char)p[i]) != s[i])
			return 0;
	return s[n] == '\0';
}

#endif
