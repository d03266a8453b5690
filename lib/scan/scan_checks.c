/*
 * The file-content checks (docs/checks.md), reported for mail attachments
 * and files on disk alike. Messages: %1$s the file name, %2$s where inside
 * it (may be empty), %3$s the evidence.
 */
#include "ward/file.h"

#define N_(s) s

const struct ward_check ward_check_file_executable = {
    "file.executable",
    WARD_SEV_HIGH,
    70,
    "C2.3",
    "T1204.002",
    N_("%1$s%2$s is an executable program (%3$s)")};
const struct ward_check ward_check_file_script = {
    "file.script", WARD_SEV_HIGH, 70,
    "C2.3",	   "T1059",	  N_("%1$s%2$s is a script Windows or a browser would run (%3$s)")};
const struct ward_check ward_check_file_shortcut = {
    "file.shortcut",
    WARD_SEV_HIGH,
    70,
    "C2.3",
    "T1204.002",
    N_("%1$s%2$s is a Windows shortcut that can launch commands (%3$s)")};
const struct ward_check ward_check_file_disk_image = {
    "file.disk_image",
    WARD_SEV_HIGH,
    60,
    "C2.3",
    "T1553.005",
    N_("%1$s%2$s is a disk image, which bypasses Mark-of-the-Web (%3$s)")};
const struct ward_check ward_check_file_type_mismatch = {
    "file.type_mismatch",
    WARD_SEV_MEDIUM,
    40,
    "C2.3",
    "T1036.008",
    N_("%1$s%2$s is named like one type but is another (%3$s)")};
const struct ward_check ward_check_file_double_extension = {
    "file.double_extension",
    WARD_SEV_MEDIUM,
    40,
    "C2.3",
    "T1036.007",
    N_("%1$s%2$s hides its real extension behind a second one (%3$s)")};
const struct ward_check ward_check_file_vba = {"file.office.vba_macro",
					       WARD_SEV_HIGH,
					       70,
					       "C2.3",
					       "T1204.002",
					       N_("%1$s%2$s contains VBA macros (%3$s)")};
const struct ward_check ward_check_file_xlm = {
    "file.office.xlm_macro",
    WARD_SEV_HIGH,
    70,
    "C2.3",
    "T1204.002",
    N_("%1$s%2$s contains an Excel 4 (XLM) macro sheet (%3$s)")};
const struct ward_check ward_check_file_dde = {
    "file.office.dde",
    WARD_SEV_HIGH,
    70,
    "C2.3",
    "T1559.002",
    N_("%1$s%2$s runs a command through a DDE field (%3$s)")};
const struct ward_check ward_check_file_external_template = {
    "file.office.external_template",
    WARD_SEV_HIGH,
    70,
    "C2.3",
    "T1221",
    N_("%1$s%2$s loads a template or object from outside the file (%3$s)")};
const struct ward_check ward_check_file_ole_object = {
    "file.office.ole_object",
    WARD_SEV_MEDIUM,
    50,
    "C2.3",
    "T1204.002",
    N_("%1$s%2$s embeds an OLE object or package (%3$s)")};
const struct ward_check ward_check_file_office_encrypted = {
    "file.office.encrypted",
    WARD_SEV_MEDIUM,
    50,
    "C2.3",
    "T1027",
    N_("%1$s%2$s is an encrypted Office document that scanners cannot open (%3$s)")};
const struct ward_check ward_check_file_rtf_object = {
    "file.rtf.object",
    WARD_SEV_HIGH,
    60,
    "C2.3",
    "T1204.002",
    N_("%1$s%2$s is an RTF document carrying an embedded object (%3$s)")};
const struct ward_check ward_check_file_archive_encrypted = {
    "file.archive.encrypted",
    WARD_SEV_HIGH,
    60,
    "C2.3",
    "T1027",
    N_("%1$s%2$s is an encrypted archive that scanners cannot open (%3$s)")};
const struct ward_check ward_check_file_archive_limit = {
    "file.archive.limit",
    WARD_SEV_MEDIUM,
    50,
    "C2.3",
    "T1027",
    N_("%1$s%2$s exceeds an unpacking limit and was not fully inspected (%3$s)")};
const struct ward_check ward_check_file_archive_opaque = {
    "file.archive.opaque",
    WARD_SEV_MEDIUM,
    40,
    "C2.3",
    "T1027",
    N_("%1$s%2$s is an archive ward cannot open, so its contents are unknown (%3$s)")};
const struct ward_check ward_check_file_html_smuggling = {
    "file.html.smuggling",
    WARD_SEV_HIGH,
    70,
    "C2.3",
    "T1027.006",
    N_("%1$s%2$s is HTML that assembles and saves a file in the browser (%3$s)")};
const struct ward_check ward_check_file_pdf_active = {
    "file.pdf.active",
    WARD_SEV_MEDIUM,
    40,
    "C2.3",
    "T1204.002",
    N_("%1$s%2$s is a PDF with JavaScript, an embedded file or a launch action (%3$s)")};

const struct ward_check *const ward_file_checks[] = {
    &ward_check_file_executable,
    &ward_check_file_script,
    &ward_check_file_shortcut,
    &ward_check_file_disk_image,
    &ward_check_file_type_mismatch,
    &ward_check_file_double_extension,
    &ward_check_file_vba,
    &ward_check_file_xlm,
    &ward_check_file_dde,
    &ward_check_file_external_template,
    &ward_check_file_ole_object,
    &ward_check_file_office_encrypted,
    &ward_check_file_rtf_object,
    &ward_check_file_archive_encrypted,
    &ward_check_file_archive_limit,
    &ward_check_file_archive_opaque,
    &ward_check_file_html_smuggling,
    &ward_check_file_pdf_active,
    NULL,
};
