/*
 * The key material checks (docs/checks.md), countermeasure C1.3: private
 * keys and wallets belong offline, not in files an intruder can read.
 * Messages: %1$s the file, %2$s where inside it ("line 12", "offset 0"),
 * %3$s the detail and the fingerprint, never the secret itself.
 */
#include "ward/keys.h"

#define N_(s) s

const struct ward_check ward_check_key_private = {
    "files.key.private",
    WARD_SEV_CRITICAL,
    90,
    "C1.3",
    "T1552.004",
    N_("%1$s holds an unencrypted private key at %2$s (%3$s)")};
const struct ward_check ward_check_key_encrypted = {
    "files.key.encrypted",
    WARD_SEV_HIGH,
    60,
    "C1.3",
    "T1552.004",
    N_("%1$s holds a passphrase-protected private key at %2$s, open to offline guessing (%3$s)")};
const struct ward_check ward_check_key_wallet_dat = {
    "files.key.wallet_dat",
    WARD_SEV_CRITICAL,
    90,
    "C1.3",
    "T1552.004",
    N_("%1$s is a Bitcoin Core wallet holding private keys, found at %2$s (%3$s)")};
const struct ward_check ward_check_key_keystore = {
    "files.key.keystore",
    WARD_SEV_HIGH,
    80,
    "C1.3",
    "T1552.004",
    N_("%1$s is an Ethereum keystore file, open to offline password guessing, at %2$s (%3$s)")};
const struct ward_check ward_check_key_wif = {
    "files.key.wif",
    WARD_SEV_CRITICAL,
    90,
    "C1.3",
    "T1552.001",
    N_("%1$s holds a Bitcoin private key in WIF at %2$s (%3$s)")};
const struct ward_check ward_check_key_hex = {
    "files.key.hex",
    WARD_SEV_HIGH,
    80,
    "C1.3",
    "T1552.001",
    N_("%1$s holds what looks like a raw hex private key at %2$s (%3$s)")};
const struct ward_check ward_check_key_seed = {
    "files.key.seed_phrase",
    WARD_SEV_CRITICAL,
    90,
    "C1.3",
    "T1552.001",
    N_("%1$s holds a BIP39 wallet recovery phrase at %2$s (%3$s)")};

const struct ward_check *const ward_key_checks[] = {
    &ward_check_key_private,	&ward_check_key_encrypted,
    &ward_check_key_wallet_dat, &ward_check_key_keystore,
    &ward_check_key_wif,	&ward_check_key_hex,
    &ward_check_key_seed,	NULL,
};
