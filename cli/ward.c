/*
 * ward: turns the 2022 NPA/FSA/NISC advisory on Lazarus into checks.
 * This file only dispatches verbs; see cmd_*.c.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ward/auth.h"
#include "ward/domain.h"
#include "ward/file.h"
#include "ward/files.h"
#include "ward/keys.h"
#include "ward/mail_scan.h"
#include "ward/i18n.h"
#include "cli.h"

#ifndef WARD_VERSION
#define WARD_VERSION "0.1"
#endif

static void
usage(FILE *fp)
{
	fputs("usage: ward [--config FILE] VERB [OPTIONS] ARGS...\n"
	      "verbs:\n"
	      "  scan PATH...            scan files and directories (ward's main job)\n"
	      "  domain check NAME...    classify host names\n"
	      "  domain scan [FILE|-]    classify one host name per line\n"
	      "  auth scan FILE...       find login attacks in authentication logs\n"
	      "  mail scan PATH...       judge mail: .eml, mbox, Maildir, directories, -\n"
	      "  files scan PATH...      find malware (IOC hashes, YARA), exposed keys and seed\n"
	      "                          phrases, and downloads from look-alike domains\n"
	      "  checks                  list every check with its countermeasure\n"
	      "  config                  print the effective configuration\n"
	      "common options: --format json|text|tsv, --lang en|ja, --color auto|always|never,\n"
	      "                --config FILE, --set SECTION.KEY=VALUE\n"
	      "exit status: 0 nothing found, 1 something found, 2 error\n",
	      fp);
}

static void
print_key(void *ctx, const char *section, const char *key, const char *value)
{
	static char last[64];

	(void)ctx;
	if (strcmp(last, section) != 0) {
		printf("%s[%s]\n", last[0] ? "\n" : "", section);
		snprintf(last, sizeof(last), "%s", section);
	}
	printf("%s = %s\n", key, value);
}

int
cmd_config(struct cli *c, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	ward_config_each(c->cfg, print_key, NULL);
	return EXIT_CLEAN;
}

int
cmd_checks(struct cli *c, int argc, char **argv)
{
	size_t i;
	enum ward_lang lang;

	(void)argc;
	(void)argv;
	lang = ward_i18n_init(ward_config_str(c->cfg, "output", "lang"));
	for (i = 0; ward_domain_checks[i]; i++) {
		const struct ward_check *k = ward_domain_checks[i];
		printf("%-30s %-8s %-5s %-10s %s\n", k->id, ward_severity_name(k->severity),
		       k->countermeasure, k->attack, ward_i18n_get(k->message, lang));
	}
	for (i = 0; ward_auth_checks[i]; i++) {
		const struct ward_check *k = ward_auth_checks[i];
		printf("%-30s %-8s %-5s %-10s %s\n", k->id, ward_severity_name(k->severity),
		       k->countermeasure, k->attack, ward_i18n_get(k->message, lang));
	}
	for (i = 0; ward_mail_checks[i]; i++) {
		const struct ward_check *k = ward_mail_checks[i];
		printf("%-30s %-8s %-5s %-10s %s\n", k->id, ward_severity_name(k->severity),
		       k->countermeasure, k->attack, ward_i18n_get(k->message, lang));
	}
	for (i = 0; ward_file_checks[i]; i++) {
		const struct ward_check *k = ward_file_checks[i];
		printf("%-30s %-8s %-5s %-10s %s\n", k->id, ward_severity_name(k->severity),
		       k->countermeasure, k->attack, ward_i18n_get(k->message, lang));
	}
	for (i = 0; ward_key_checks[i]; i++) {
		const struct ward_check *k = ward_key_checks[i];
		printf("%-30s %-8s %-5s %-10s %s\n", k->id, ward_severity_name(k->severity),
		       k->countermeasure, k->attack, ward_i18n_get(k->message, lang));
	}
	for (i = 0; ward_files_checks[i]; i++) {
		const struct ward_check *k = ward_files_checks[i];
		printf("%-30s %-8s %-5s %-10s %s\n", k->id, ward_severity_name(k->severity),
		       k->countermeasure, k->attack, ward_i18n_get(k->message, lang));
	}
	return EXIT_CLEAN;
}

int
main(int argc, char **argv)
{
	struct cli c;
	char err[512];
	const char *env;
	int rc = EXIT_ERROR, i = 1;

	memset(&c, 0, sizeof(c));
	c.prog = "ward";
	c.cfg = ward_config_new();
	if (!c.cfg) {
		fputs("ward: out of memory\n", stderr);
		return EXIT_ERROR;
	}
	env = getenv("WARD_CONFIG");
	if (env && *env && ward_config_load(c.cfg, env, err, sizeof(err)) < 0) {
		fprintf(stderr, "ward: %s\n", err);
		goto out;
	}
	/* Global options before the verb. */
	while (i < argc && argv[i][0] == '-') {
		if ((!strcmp(argv[i], "--config") || !strcmp(argv[i], "-c")) && i + 1 < argc) {
			if (cli_common_option(&c, 'c', argv[i + 1]) < 0)
				goto out;
			i += 2;
		} else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			usage(stdout);
			rc = EXIT_CLEAN;
			goto out;
		} else if (!strcmp(argv[i], "--version")) {
			printf("ward %s\n", WARD_VERSION);
			rc = EXIT_CLEAN;
			goto out;
		} else {
			fprintf(stderr, "ward: unknown option %s\n", argv[i]);
			usage(stderr);
			goto out;
		}
	}
	if (i >= argc) {
		usage(stderr);
		goto out;
	}
	if (!strcmp(argv[i], "domain"))
		rc = cmd_domain(&c, argc - i, argv + i);
	else if (!strcmp(argv[i], "mail"))
		rc = cmd_mail(&c, argc - i, argv + i);
	else if (!strcmp(argv[i], "files"))
		rc = cmd_files(&c, argc - i, argv + i);
	else if (!strcmp(argv[i], "auth"))
		rc = cmd_auth(&c, argc - i, argv + i);
	else if (!strcmp(argv[i], "scan"))
		rc = cmd_scan(&c, argc - i, argv + i);
	else if (!strcmp(argv[i], "checks"))
		rc = cmd_checks(&c, argc - i, argv + i);
	else if (!strcmp(argv[i], "config"))
		rc = cmd_config(&c, argc - i, argv + i);
	else {
		fprintf(stderr, "ward: unknown verb \"%s\"\n", argv[i]);
		usage(stderr);
	}
out:
	ward_config_free(c.cfg);
	return rc;
}
