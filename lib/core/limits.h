/*
 * Every cap ward puts on outside input lives here. Each is the default of a
 * [limits] key in ward.conf (see man/ward.conf.5) and has a test that feeds
 * input just past it.
 */
#ifndef WARD_LIMITS_H
#define WARD_LIMITS_H

/* A domain name as text: RFC 1035 allows 253 octets plus a trailing dot. */
#define WARD_LIMIT_NAME_LEN 253
/* A single DNS label. */
#define WARD_LIMIT_LABEL_LEN 63
/* A line of a list file or name stream; longer lines are counted as bad. */
#define WARD_LIMIT_LINE_LEN 4096
/* Size of a list or JSON file loaded whole (MetaMask config, STIX). */
#define WARD_LIMIT_LIST_FILE_SIZE (256u * 1024 * 1024)
/* Nesting depth of JSON documents. */
#define WARD_LIMIT_JSON_DEPTH 64
/* Entries in one block, allow, IOC or NRD list. */
#define WARD_LIMIT_LIST_ENTRIES 50000000u
/* Brands, and name tokens per brand. */
#define WARD_LIMIT_BRANDS 4096
#define WARD_LIMIT_BRAND_TOKENS 32
/* A line of a JSON log or one XML <Event> of a login log (Windows events
 * flattened to JSON run long); longer ones are rejected with WARD_ELIMIT. */
#define WARD_LIMIT_LOG_LINE_LEN (1024u * 1024)
/* Size of the configuration file. */
#define WARD_LIMIT_CONFIG_SIZE (1024u * 1024)

/* One mail message; larger ones are reported and skipped. */
#define WARD_LIMIT_MAIL_SIZE (64u * 1024 * 1024)
/* MIME nesting, attached messages included. */
#define WARD_LIMIT_MIME_DEPTH 32
/* Parts of one message. */
#define WARD_LIMIT_MIME_PARTS 2000
/* Header fields of one part. */
#define WARD_LIMIT_MIME_HEADERS 1000
/* Decoded bytes of one message, all parts together. */
#define WARD_LIMIT_MIME_DECODED (128u * 1024 * 1024)
/* One file, attachment or extracted entry analysed in memory. */
#define WARD_LIMIT_FILE_SIZE (256u * 1024 * 1024)
/* Container nesting: archives in archives, objects in documents. */
#define WARD_LIMIT_ARCHIVE_DEPTH 8
/* Entries walked in one file, all levels together. */
#define WARD_LIMIT_ARCHIVE_ENTRIES 10000
/* Bytes extracted from one file, all levels together. */
#define WARD_LIMIT_ARCHIVE_TOTAL (512ull * 1024 * 1024)
/* Extracted size over compressed size of one entry (a zip bomb runs to 1000s). */
#define WARD_LIMIT_ARCHIVE_RATIO 200

/* HTML handed to the link extractor; the rest is searched as plain text. */
#define WARD_LIMIT_HTML_SIZE (4u * 1024 * 1024)
/* Nodes of one parsed HTML document walked for links. */
#define WARD_LIMIT_HTML_NODES 200000
/* Estimated element nesting of one HTML document (HTML5 tree building is
 * quadratic in it); the document is cut where it would go deeper. */
#define WARD_LIMIT_HTML_DEPTH 512
/* Estimated tree-building work for one HTML document: the sum, over its
 * tags, of the nesting they meet; the document is cut where it would pass. */
#define WARD_LIMIT_HTML_WORK (16u * 1024 * 1024)
/* Memory the HTML parser may use for one document: a base plus a multiple
 * of its size (adversarial markup can make the tree grow quadratically). */
#define WARD_LIMIT_HTML_MEMORY_BASE (64u * 1024 * 1024)
#define WARD_LIMIT_HTML_MEMORY_RATIO 16u

/* Directory nesting walked by ward files scan; deeper ones are reported. */
#define WARD_LIMIT_WALK_DEPTH 64
/* Files in flight between the walker, the workers and the output (a few
 * hundred bytes each): wide enough to see a large file coming early. */
#define WARD_LIMIT_FILES_WINDOW 4096
/* Files from this size are scanned first among those in flight, so that a
 * large file found late does not leave the other threads idle at the end. */
#define WARD_LIMIT_FILES_BIG (8u * 1024 * 1024)
/* Seconds YARA may spend on one file. */
#define WARD_LIMIT_YARA_TIMEOUT 10
/* Entries in one SHA-256 IOC set. */
#define WARD_LIMIT_IOC_HASHES 10000000u

/* A download-origin record read whole: a Zone.Identifier stream, an
 * AppleDouble "._" file, or one origin extended attribute; larger ones are
 * rejected with WARD_ELIMIT. */
#define WARD_LIMIT_ORIGIN_SIZE (1024u * 1024)
/* Entries of an AppleDouble table, attributes of its ATTR block, and
 * objects one property list read may visit (kMDItemWhereFroms holds a few). */
#define WARD_LIMIT_ORIGIN_ENTRIES 256
/* Nesting of arrays in a property list. */
#define WARD_LIMIT_PLIST_DEPTH 8

/* A JSON file read as a possible Ethereum keystore (real ones are under
 * 1 KB); larger JSON files are not handed to the parser as keystores. */
#define WARD_LIMIT_KEYSTORE_SIZE (64u * 1024)

#endif
