/*
 * The checks of ward files scan that are not about a file's content or its
 * key material (see docs/checks.md). Messages: %1$s the file, %2$s what
 * matched, %3$s the evidence.
 */
#include "ward/files.h"

#define N_(s) s

const struct ward_check ward_check_files_yara = {
    "files.yara", WARD_SEV_HIGH, 80,
    "C3.2",	  "T1588.001",	 N_("%1$s matches the YARA rule %2$s (%3$s)")};
const struct ward_check ward_check_files_ioc_hash = {
    "files.ioc_hash", WARD_SEV_CRITICAL, 100,
    "C3.2",	      "T1588.001",	 N_("%1$s is a known malicious file: %2$s (%3$s)")};
const struct ward_check ward_check_files_origin_lookalike = {
    "files.origin.lookalike",
    WARD_SEV_HIGH,
    80,
    "C1.2",
    "T1189",
    N_("%1$s was downloaded from %2$s, a look-alike domain (%3$s)")};
const struct ward_check ward_check_files_origin_ioc = {
    "files.origin.ioc",
    WARD_SEV_CRITICAL,
    100,
    "C1.2",
    "T1204.002",
    N_("%1$s was downloaded from %2$s, a known attacker domain (%3$s)")};
const struct ward_check ward_check_files_origin_new = {
    "files.origin.new",
    WARD_SEV_MEDIUM,
    40,
    "C1.2",
    "T1189",
    N_("%1$s was downloaded from %2$s, a newly registered domain (%3$s)")};

const struct ward_check *const ward_files_checks[] = {
    &ward_check_files_yara,	  &ward_check_files_ioc_hash,	&ward_check_files_origin_lookalike,
    &ward_check_files_origin_ioc, &ward_check_files_origin_new, NULL,
};
