/*
 * The domain checks. Ids, severities and countermeasures are documented in
 * docs/checks.md; messages are gettext msgids translated in po/ja.po.
 * Arguments: %1$s the name, %2$s the brand, %3$s the official domain imitated,
 * the list or report, the age in days, or the decoded name.
 */
#include "ward/domain.h"

#define N_(s) s

const struct ward_check ward_check_domain_confusable = {
    "domain.lookalike.confusable",
    WARD_SEV_HIGH,
    70,
    "C3.8",
    "T1583.001",
    N_("%1$s uses look-alike characters to imitate %2$s (%3$s)")};
const struct ward_check ward_check_domain_typo = {"domain.lookalike.typo",
						  WARD_SEV_HIGH,
						  60,
						  "C3.8",
						  "T1583.001",
						  N_("%1$s is a misspelling of %2$s (%3$s)")};
const struct ward_check ward_check_domain_combo = {
    "domain.lookalike.combo",
    WARD_SEV_MEDIUM,
    50,
    "C3.8",
    "T1583.001",
    N_("%1$s combines the brand %2$s with other words (%3$s)")};
const struct ward_check ward_check_domain_subdomain = {
    "domain.lookalike.subdomain",
    WARD_SEV_MEDIUM,
    50,
    "C3.8",
    "T1583.001",
    N_("%1$s puts the brand %2$s in a subdomain of an unrelated site (%3$s)")};
const struct ward_check ward_check_domain_tld_swap = {
    "domain.lookalike.tld_swap",
    WARD_SEV_HIGH,
    60,
    "C3.8",
    "T1583.001",
    N_("%1$s carries the brand name %2$s under a suffix the brand does not use (%3$s)")};
const struct ward_check ward_check_domain_bitsquat = {
    "domain.lookalike.bitsquat",
    WARD_SEV_MEDIUM,
    50,
    "C3.8",
    "T1583.001",
    N_("%1$s differs from %2$s by one bit (%3$s)")};
const struct ward_check ward_check_domain_hyphen = {
    "domain.lookalike.hyphen",
    WARD_SEV_HIGH,
    60,
    "C3.8",
    "T1583.001",
    N_("%1$s is the brand %2$s with hyphens inserted (%3$s)")};
const struct ward_check ward_check_domain_idn_invalid = {
    "domain.idn.invalid",
    WARD_SEV_MEDIUM,
    40,
    "C3.8",
    "T1583.001",
    N_("%1$s has a label that is not valid IDNA2008 (%3$s)")};
const struct ward_check ward_check_domain_blocklist = {
    "domain.reputation.blocklist",	 WARD_SEV_HIGH, 80, "C2.2", "T1583.001",
    N_("%1$s is on the block list %3$s")};
const struct ward_check ward_check_domain_ioc = {
    "domain.reputation.ioc",
    WARD_SEV_CRITICAL,
    100,
    "C3.6",
    "T1583.001",
    N_("%1$s is a published Lazarus indicator (%3$s)")};
const struct ward_check ward_check_domain_new = {"domain.reputation.new",
						 WARD_SEV_LOW,
						 30,
						 "C2.2",
						 "T1583.001",
						 N_("%1$s was registered %3$s days ago")};

const struct ward_check *const ward_domain_checks[] = {
    &ward_check_domain_confusable, &ward_check_domain_typo,	   &ward_check_domain_combo,
    &ward_check_domain_subdomain,  &ward_check_domain_tld_swap,	   &ward_check_domain_bitsquat,
    &ward_check_domain_hyphen,	   &ward_check_domain_idn_invalid, &ward_check_domain_blocklist,
    &ward_check_domain_ioc,	   &ward_check_domain_new,	   NULL,
};
