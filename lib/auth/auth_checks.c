/*
 * The login-monitoring checks (docs/checks.md). Messages: %1$s the sources,
 * %2$s the accounts, %3$s the number of attempts and the time span.
 */
#include "ward/auth.h"

#define N_(s) s

const struct ward_check ward_check_auth_brute = {"auth.brute_force",
						 WARD_SEV_HIGH,
						 60,
						 "C3.4",
						 "T1110.001",
						 N_("Brute force from %1$s against %2$s (%3$s)")};
const struct ward_check ward_check_auth_spray = {
    "auth.password_spray",
    WARD_SEV_HIGH,
    70,
    "C3.4",
    "T1110.003",
    N_("Password spraying from %1$s against %2$s (%3$s)")};
const struct ward_check ward_check_auth_distributed = {
    "auth.distributed_spray",
    WARD_SEV_HIGH,
    80,
    "C3.4",
    "T1110.003",
    N_("Distributed password spraying from %1$s against %2$s (%3$s)")};
const struct ward_check ward_check_auth_stuffing = {
    "auth.credential_stuffing",
    WARD_SEV_HIGH,
    70,
    "C3.4",
    "T1110.004",
    N_("Credential stuffing from %1$s against %2$s (%3$s)")};
const struct ward_check ward_check_auth_enumeration = {
    "auth.user_enumeration",
    WARD_SEV_MEDIUM,
    40,
    "C3.4",
    "T1589.001",
    N_("Invalid user names tried from %1$s: %2$s (%3$s)")};
const struct ward_check ward_check_auth_success_after_failures = {
    "auth.success_after_failures",
    WARD_SEV_CRITICAL,
    100,
    "C3.6",
    "T1110",
    N_("Successful login from %1$s as %2$s after repeated failures (%3$s)")};

const struct ward_check *const ward_auth_checks[] = {
    &ward_check_auth_brute,
    &ward_check_auth_spray,
    &ward_check_auth_distributed,
    &ward_check_auth_stuffing,
    &ward_check_auth_enumeration,
    &ward_check_auth_success_after_failures,
    NULL,
};
