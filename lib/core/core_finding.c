/* Building findings. */
#include <string.h>

#include "ward/finding.h"

const char *
ward_severity_name(enum ward_severity sev)
{
	static const char *const names[] = {"info", "low", "medium", "high", "critical"};

	if ((unsigned)sev > WARD_SEV_CRITICAL)
		return "info";
	return names[sev];
}

void
ward_finding_init(struct ward_finding *f, const struct ward_check *c)
{
	memset(f, 0, sizeof(*f));
	f->check = c;
	f->score = c->score;
}

void
ward_finding_evidence(struct ward_finding *f, const char *key, const char *value)
{
	if (f->n_evidence >= WARD_FINDING_MAX_EVIDENCE || !key || !value)
		return;
	f->evidence[f->n_evidence].key = key;
	f->evidence[f->n_evidence].value = value;
	f->n_evidence++;
}

void
ward_finding_arg(struct ward_finding *f, const char *arg)
{
	if (f->n_args >= WARD_FINDING_MAX_ARGS)
		return;
	f->args[f->n_args++] = arg ? arg : "";
}
