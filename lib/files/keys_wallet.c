/*
 * Bitcoin Core wallets, told by content so a renamed copy is found too:
 *
 *  - legacy wallet.dat: a Berkeley DB B-tree (magic 0x00053162 at offset
 *    12, in either byte order) holding Bitcoin's record keys, which are
 *    length-prefixed strings such as "\x04name", "\x03key", "\x04ckey",
 *    "\x04mkey", "defaultkey", "minversion". Two distinct record keys, one
 *    of them specific to wallets, are required; other Berkeley DB files
 *    stay quiet.
 *  - descriptor wallets: an SQLite database with the table "main" whose
 *    keys include "walletdescriptor", "walletdescriptorkey",
 *    "walletdescriptorckey" or "activeexternalspk".
 *
 * "ckey"/"mkey" (or "walletdescriptorckey") mean the keys are encrypted;
 * the detail says so, the check stays the same: an encrypted wallet is
 * still a target for offline passphrase guessing. The fingerprint is the
 * SHA-256 of the whole file.
 */
#define _GNU_SOURCE /* memmem */
#include <stdio.h>
#include <string.h>

#include "keys_internal.h"

struct marker {
	const char *s;
	size_t n;
	int strong; /* only wallets have it */
	int enc;    /* it means encrypted keys */
};

#define M(lit, strong, enc)                                                                        \
	{                                                                                          \
		lit, sizeof(lit) - 1, strong, enc                                                  \
	}

static const struct marker bdb_markers[] = {
    M("\x04name", 0, 0),	 M("\x07version", 0, 0),  M("\x03key", 1, 0),
    M("\x04ckey", 1, 1),	 M("\x04mkey", 1, 1),	  M("defaultkey", 1, 0),
    M("minversion", 1, 0),	 M("bestblock", 1, 0),	  M("hdchain", 1, 0),
    M("keymeta", 1, 0),		 M("orderposnext", 1, 0), M("\x04pool", 1, 0),
    M("walletdescriptor", 1, 0),
};

static const struct marker sqlite_markers[] = {
    M("walletdescriptorckey", 1, 1), M("walletdescriptorkey", 1, 0), M("walletdescriptor", 1, 0),
    M("activeexternalspk", 1, 0),    M("activeinternalspk", 1, 0),   M("\x04mkey", 0, 1),
};

static int
bdb_btree(const uint8_t *p, size_t n)
{
	static const uint8_t le[4] = {0x62, 0x31, 0x05, 0x00}, be[4] = {0x00, 0x05, 0x31, 0x62};

	return n >= 512 && (memcmp(p + 12, le, 4) == 0 || memcmp(p + 12, be, 4) == 0);
}

static int
sqlite_main(const uint8_t *p, size_t n)
{
	if (n < 512 || memcmp(p, "SQLite format 3", 16) != 0)
		return 0;
	return memmem(p, n, "CREATE TABLE main", 17) != NULL ||
	       memmem(p, n, "CREATE TABLE \"main\"", 19) != NULL;
}

void
keys_wallet_scan(struct keys_scan *s)
{
	const struct marker *m;
	size_t nm, k;
	int found = 0, strong = 0, enc = 0, sqlite;
	char detail[96];

	if (bdb_btree(s->p, s->n)) {
		m = bdb_markers;
		nm = sizeof(bdb_markers) / sizeof(bdb_markers[0]);
		sqlite = 0;
	} else if (sqlite_main(s->p, s->n)) {
		m = sqlite_markers;
		nm = sizeof(sqlite_markers) / sizeof(sqlite_markers[0]);
		sqlite = 1;
	} else {
		return;
	}
	for (k = 0; k < nm; k++) {
		if (!memmem(s->p, s->n, m[k].s, m[k].n))
			continue;
		found++;
		strong |= m[k].strong;
		enc |= m[k].enc;
	}
	if (!strong || (!sqlite && found < 2))
		return;
	snprintf(detail, sizeof(detail), "%s%s",
		 sqlite ? "SQLite descriptor wallet" : "Berkeley DB wallet",
		 enc ? ", keys encrypted" : ", keys not encrypted");
	keys_report_secret(s, &ward_check_key_wallet_dat, 0, s->p, s->n, detail);
}
