/*
 * The mail checks (docs/checks.md). Attachment content is judged by the
 * file checks (ward/file.h). Messages: %1$s what was seen (a name, an
 * address, a URL), %2$s what it points to or imitates, %3$s the evidence.
 */
#include "ward/mail_scan.h"

#define N_(s) s

const struct ward_check ward_check_mail_executive = {
    "mail.sender.executive",
    WARD_SEV_HIGH,
    70,
    "C1.1",
    "T1656",
    N_("Sender name %1$s is one of your executives, but the address %2$s is outside the "
       "organisation")};
const struct ward_check ward_check_mail_brand = {
    "mail.sender.brand",
    WARD_SEV_MEDIUM,
    50,
    "C1.1",
    "T1656",
    N_("Sender name %1$s claims to be %2$s, but the address %3$s is not theirs")};
const struct ward_check ward_check_mail_display_address = {
    "mail.sender.display_address",
    WARD_SEV_MEDIUM,
    45,
    "C1.1",
    "T1656",
    N_("Sender name shows the address %1$s, but the mail comes from %2$s")};
const struct ward_check ward_check_mail_confusable_name = {
    "mail.sender.confusable",
    WARD_SEV_MEDIUM,
    50,
    "C1.1",
    "T1036",
    N_("%1$s mixes look-alike letters from other scripts: %2$s reads as %3$s")};
const struct ward_check ward_check_mail_reply_to = {
    "mail.sender.reply_to",
    WARD_SEV_MEDIUM,
    35,
    "C1.1",
    "T1656",
    N_("Replies go to %1$s, not to the sender %2$s (%3$s)")};
const struct ward_check ward_check_mail_sender_lookalike = {
    "mail.sender.lookalike",
    WARD_SEV_HIGH,
    80,
    "C2.1",
    "T1583.001",
    N_("Sender domain %1$s imitates %2$s (%3$s)")};
const struct ward_check ward_check_mail_sender_invalid = {
    "mail.sender.invalid",
    WARD_SEV_MEDIUM,
    50,
    "C2.1",
    "T1656",
    N_("Sender address %1$s has no valid domain (%2$s)")};
const struct ward_check ward_check_mail_free_host = {
    "mail.sender.free_host",
    WARD_SEV_MEDIUM,
    40,
    "C2.1",
    "T1585.002",
    N_("Sender %1$s writes from %2$s, a platform where anyone can get a domain in minutes")};
const struct ward_check ward_check_mail_auth_fail = {
    "mail.sender.auth_fail",
    WARD_SEV_MEDIUM,
    50,
    "C2.1",
    "T1656",
    N_("The receiving server could not authenticate the sender %1$s (%2$s)")};
const struct ward_check ward_check_mail_link_lookalike = {
    "mail.link.lookalike",
    WARD_SEV_HIGH,
    90,
    "C2.1",
    "T1566.002",
    N_("Link to %1$s, which imitates %2$s (%3$s)")};
const struct ward_check ward_check_mail_link_listed = {
    "mail.link.blocklisted",
    WARD_SEV_HIGH,
    90,
    "C2.1",
    "T1566.002",
    N_("Link to %1$s, which is on a block list (%2$s)")};
const struct ward_check ward_check_mail_link_ioc = {
    "mail.link.ioc", WARD_SEV_CRITICAL, 120,
    "C2.1",	     "T1566.002",	N_("Link to %1$s, a domain used in known attacks (%2$s)")};
const struct ward_check ward_check_mail_link_new = {
    "mail.link.new_domain",
    WARD_SEV_MEDIUM,
    45,
    "C2.2",
    "T1566.002",
    N_("Link to %1$s, a newly registered domain (%2$s)")};
const struct ward_check ward_check_mail_link_text = {
    "mail.link.text_mismatch",
    WARD_SEV_MEDIUM,
    50,
    "C2.1",
    "T1566.002",
    N_("Link text shows %1$s but the link goes to %2$s")};
const struct ward_check ward_check_mail_link_ip = {"mail.link.ip_literal",
						   WARD_SEV_MEDIUM,
						   45,
						   "C2.1",
						   "T1566.002",
						   N_("Link to a bare IP address %1$s (%2$s)")};
const struct ward_check ward_check_mail_link_userinfo = {
    "mail.link.userinfo",
    WARD_SEV_HIGH,
    60,
    "C2.1",
    "T1566.002",
    N_("Link %1$s looks like %2$s but goes to %3$s")};
const struct ward_check ward_check_mail_link_shortener = {
    "mail.link.shortener",
    WARD_SEV_LOW,
    25,
    "C2.1",
    "T1566.002",
    N_("Link through the URL shortener %1$s hides its target")};
const struct ward_check ward_check_mail_link_file_share = {
    "mail.link.file_share",
    WARD_SEV_MEDIUM,
    40,
    "C2.1",
    "T1566.002",
    N_("Link to %1$s on an outside file-sharing or hosting service (%2$s)")};
const struct ward_check ward_check_mail_html_form = {
    "mail.html.credential_form",
    WARD_SEV_HIGH,
    60,
    "C2.1",
    "T1598.002",
    N_("%1$s holds a form that sends a password to %2$s")};
const struct ward_check ward_check_mail_lure = {
    "mail.lure", WARD_SEV_LOW, 15, "C1.1", "T1566", N_("Wording typical of a lure: %1$s")};

const struct ward_check *const ward_mail_checks[] = {
    &ward_check_mail_executive,
    &ward_check_mail_brand,
    &ward_check_mail_display_address,
    &ward_check_mail_confusable_name,
    &ward_check_mail_reply_to,
    &ward_check_mail_sender_lookalike,
    &ward_check_mail_sender_invalid,
    &ward_check_mail_free_host,
    &ward_check_mail_auth_fail,
    &ward_check_mail_link_lookalike,
    &ward_check_mail_link_listed,
    &ward_check_mail_link_ioc,
    &ward_check_mail_link_new,
    &ward_check_mail_link_text,
    &ward_check_mail_link_ip,
    &ward_check_mail_link_userinfo,
    &ward_check_mail_link_shortener,
    &ward_check_mail_link_file_share,
    &ward_check_mail_html_form,
    &ward_check_mail_lure,
    NULL,
};
