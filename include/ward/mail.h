/*
 * Mail: ward's own bounded, lenient MIME parser and the header decoders it
 * is built from. It is as forgiving as a mail client: unterminated quoted
 * boundaries, boundaries that never appear, transfer encodings on
 * multiparts, uuencode, junk in base64, base64-encoded attached messages,
 * bare CR line ends and missing header/body separators all still yield
 * parts. Every byte of a message ends up in a part or in a "raw" part that
 * is scanned as text: nothing silently disappears.
 */
#ifndef WARD_MAIL_H
#define WARD_MAIL_H

#include <stddef.h>
#include <stdint.h>

#include "ward/buf.h"

/* Caps on one message; defaults from lib/core/limits.h. */
struct ward_mail_limits {
	size_t max_size;      /* bytes of one message (WARD_LIMIT_MAIL_SIZE) */
	unsigned max_depth;   /* MIME nesting, message/rfc822 included (WARD_LIMIT_MIME_DEPTH) */
	unsigned max_parts;   /* parts of one message (WARD_LIMIT_MIME_PARTS) */
	unsigned max_headers; /* header fields of one part (WARD_LIMIT_MIME_HEADERS) */
	size_t max_decoded; /* decoded bytes of one message, all parts (WARD_LIMIT_MIME_DECODED) */
};

void ward_mail_limits_default(struct ward_mail_limits *l);

/* What the parser had to forgive or cut (bits of ward_mail.defects / part.defects). */
enum {
	WARD_MAIL_DEF_NO_SEPARATOR = 1u << 0,	    /* no blank line between header and body */
	WARD_MAIL_DEF_NO_BOUNDARY = 1u << 1,	    /* multipart without a boundary parameter */
	WARD_MAIL_DEF_BOUNDARY_MISSING = 1u << 2,   /* the boundary never appears in the body */
	WARD_MAIL_DEF_CLOSE_MISSING = 1u << 3,	    /* no closing boundary */
	WARD_MAIL_DEF_UNTERMINATED_QUOTE = 1u << 4, /* a quoted parameter never closed */
	WARD_MAIL_DEF_MULTIPART_CTE = 1u << 5,	    /* transfer encoding on a multipart */
	WARD_MAIL_DEF_BAD_ENCODING = 1u << 6,	    /* junk in base64/QP/uuencode, skipped */
	WARD_MAIL_DEF_BAD_HEADER = 1u << 7,	    /* a header line that is not a field */
	WARD_MAIL_DEF_CHARSET = 1u << 8,	    /* unknown charset or bad bytes, replaced */
	WARD_MAIL_DEF_DEPTH_LIMIT = 1u << 9,	    /* nesting cut at max_depth */
	WARD_MAIL_DEF_PARTS_LIMIT = 1u << 10,	    /* parts cut at max_parts */
	WARD_MAIL_DEF_HEADERS_LIMIT = 1u << 11,	    /* header fields cut at max_headers */
	WARD_MAIL_DEF_SIZE_LIMIT = 1u << 12,	    /* message or decoded bytes cut */
};

/* One header field: name as written, value unfolded (CR/LF removed), raw bytes. */
struct ward_mail_header {
	char *name;
	char *value;
	size_t value_len;
};

struct ward_mail_addr {
	char *name; /* display name, RFC 2047 decoded to UTF-8; "" when absent */
	char *addr; /* local@domain as written (quotes removed), or "" */
};

struct ward_mail_part {
	int parent;	/* index of the enclosing part in ward_mail.parts, -1 for the message */
	unsigned depth; /* 0 for the message itself */
	struct ward_mail_header *headers;
	size_t n_headers;
	char *content_type;	    /* lower-case "type/subtype"; defaults applied ("text/plain",
				     * "message/rfc822" inside multipart/digest); "text" alone becomes
				     * "text/plain" */
	char *charset;		    /* lower-case charset parameter, or NULL */
	char *filename;		    /* UTF-8 file name from Content-Disposition filename(*) or
				     * Content-Type name(*), RFC 2231 and 2047 decoded; or NULL */
	char *encoding;		    /* lower-case Content-Transfer-Encoding, or NULL */
	int disposition_attachment; /* Content-Disposition: attachment */
	int is_multipart;	    /* a container: its children follow it in parts[] */
	int is_message; /* message/rfc822 (or an encoded one): its child is parts[i+1] */
	int is_raw;	/* bytes that could not be placed in a part (a lost boundary's region,
			 * junk after the closing boundary, a multipart cut by max_depth);
			 * body and text hold them as is */
	uint8_t *body;	/* leaf parts: transfer-decoded bytes (uuencoded blocks inside a text
			 * part become their own child leaf parts) */
	size_t body_len;
	char *text; /* text/..., message/... and raw leaf parts: body converted to UTF-8
		     * with iconv (invalid bytes replaced); NUL-terminated; else NULL.
		     * May be the same pointer as body when no conversion was needed. */
	size_t text_len;
	unsigned defects;
};

struct ward_mail {
	struct ward_mail_part *parts; /* parts[0] is the message; depth-first order */
	size_t n_parts;
	unsigned defects; /* union of every part's defects */
	/* Decoded top-level fields (the first occurrence); NULL or empty when absent. */
	char *subject;
	char *message_id;
	struct ward_mail_addr from;
	int has_from;
	struct ward_mail_addr *reply_to;
	size_t n_reply_to;
};

/*
 * Parses one message. Never fails on malformed input (defects record what
 * was forgiven); returns WARD_ENOMEM, or WARD_ELIMIT when n exceeds
 * max_size (nothing parsed). lim may be NULL for the defaults.
 */
int ward_mail_parse(const uint8_t *p, size_t n, const struct ward_mail_limits *lim,
		    struct ward_mail **out);
void ward_mail_free(struct ward_mail *m);

/* The value of the first field called name (case-insensitive) from index *from on,
 * or NULL; *from is set past it so a loop visits every repeat. from may be NULL. */
const char *ward_mail_header_find(const struct ward_mail_part *part, const char *name,
				  size_t *from);

/* Attachments as the reference rules see them: leaf parts (a multipart whose
 * boundary never appears is one) with a file name, or Content-Disposition:
 * attachment, or a type other than text/plain, text/html and message/... */
int ward_mail_part_is_attachment(const struct ward_mail_part *part);

/* ---- decoders, usable alone ---- */

/* Appends in[0..n) with RFC 2047 encoded-words decoded to UTF-8 (lenient: words
 * inside quotes and runs without spaces are decoded; bad words are kept as is). */
void ward_mail_decode_words(const char *in, size_t n, struct ward_buf *out);

/*
 * Finds parameter name in a Content-Type/Disposition value and appends its
 * value in UTF-8: RFC 2231 continuations (name*0, name*1*) and charsets,
 * RFC 2047 words inside quotes, unterminated quotes running to the end.
 * Returns 1 if found, 0 if not.
 */
int ward_mail_param(const char *value, size_t n, const char *name, struct ward_buf *out);

/* Parses an address list (From, Reply-To). Fills up to max entries; returns how many
 * were found. Free each entry with ward_mail_addr_clear(). */
size_t ward_mail_parse_addresses(const char *value, size_t n, struct ward_mail_addr *out,
				 size_t max);
void ward_mail_addr_clear(struct ward_mail_addr *a);

/* Appends p[0..n) converted from charset (NULL: us-ascii/utf-8 guess) to UTF-8;
 * invalid sequences become U+FFFD. Returns 1 if the charset was unknown. */
int ward_mail_to_utf8(const char *charset, const uint8_t *p, size_t n, struct ward_buf *out);

/* Transfer decoders: append decoded bytes, return 1 if junk was skipped. */
int ward_mail_decode_base64(const uint8_t *p, size_t n, struct ward_buf *out);
int ward_mail_decode_qp(const uint8_t *p, size_t n, struct ward_buf *out);
int ward_mail_decode_uu(const uint8_t *p, size_t n, struct ward_buf *out);

/* ---- sources: .eml, mbox, Maildir, stdin ---- */

/* Called once per message; index counts messages within path from 0. A non-zero
 * return stops the read and is passed back. */
typedef int (*ward_mail_fn)(void *ctx, const char *path, size_t index, const uint8_t *p, size_t n);

/*
 * Reads path: "-" (stdin), a single message, an mbox (split on "From " lines,
 * ">From " unescaped), a Maildir (cur/ and new/) or a directory of message
 * files (not recursive). Messages over max_size are reported through err_fn
 * and skipped. Returns 0, the callback's value, or an error (WARD_ENOTFOUND,
 * WARD_EIO).
 */
int ward_mail_read_path(const char *path, size_t max_size, ward_mail_fn fn, void *ctx,
			void (*err_fn)(void *ctx, const char *path, const char *what));

/*
 * Splits p[0..n) held in memory as ward_mail_read_path() splits a file: an
 * mbox if it starts with "From ", else one message. path is only passed on
 * to fn and err_fn. Returns 0 or the callback's value.
 */
int ward_mail_split(const uint8_t *p, size_t n, const char *path, size_t max_size, ward_mail_fn fn,
		    void *ctx, void (*err_fn)(void *ctx, const char *path, const char *what));

/* 1 if the head of a file looks like a message or an mbox (header fields or "From "). */
int ward_mail_sniff(const uint8_t *head, size_t n);

#endif
