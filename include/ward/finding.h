/*
 * The finding: one shape for every check ward performs (see docs/checks.md).
 * A check is a static description; a finding is one occurrence of it, whose
 * strings are all borrowed from the caller for the duration of the output
 * call.
 */
#ifndef WARD_FINDING_H
#define WARD_FINDING_H

#include <stddef.h>

enum ward_severity {
	WARD_SEV_INFO = 0,
	WARD_SEV_LOW,
	WARD_SEV_MEDIUM,
	WARD_SEV_HIGH,
	WARD_SEV_CRITICAL,
};

struct ward_check {
	const char *id; /* stable dotted id, e.g. "domain.lookalike.typo" */
	enum ward_severity severity;
	int score;		    /* contribution to a verdict score */
	const char *countermeasure; /* advisory id, e.g. "C3.8" */
	const char *attack;	    /* MITRE ATT&CK technique, e.g. "T1583.001" */
	const char *message;	    /* English printf format with %1$s.. args; gettext msgid */
};

#define WARD_FINDING_MAX_EVIDENCE 8
#define WARD_FINDING_MAX_ARGS 4

struct ward_kv {
	const char *key;
	const char *value;
};

struct ward_finding {
	const struct ward_check *check;
	int score;		  /* usually check->score */
	const char *subject_kind; /* "domain", "file", "mail" ... */
	const char *subject_path; /* file the subject came from, or NULL */
	long subject_line;	  /* 1-based line in subject_path, or 0 */
	const char *subject_id;	  /* e.g. the Message-ID of a mail, or NULL */
	const char *object_kind;  /* what the finding is about, e.g. "domain" */
	const char *object_name;
	struct ward_kv evidence[WARD_FINDING_MAX_EVIDENCE];
	size_t n_evidence;
	const char *args[WARD_FINDING_MAX_ARGS]; /* message arguments */
	size_t n_args;
};

/* "info", "low", "medium", "high" or "critical". */
const char *ward_severity_name(enum ward_severity sev);

/* Initialises f for check c with the check's score and no evidence. */
void ward_finding_init(struct ward_finding *f, const struct ward_check *c);

/* Appends an evidence pair; silently ignores pairs past the maximum. */
void ward_finding_evidence(struct ward_finding *f, const char *key, const char *value);

/* Appends a message argument. */
void ward_finding_arg(struct ward_finding *f, const char *arg);

#endif
