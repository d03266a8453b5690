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

#endif
