/*
 * Lure wording: the phrases Lazarus-style approaches lean on (a job offer,
 * a partnership, an urgent payment, an account to verify), in English and
 * Japanese. Wording alone proves nothing, so this is a weak signal that
 * only tips a message already carrying something else.
 */
#define _GNU_SOURCE /* memmem */
#include <string.h>

#include "mail_internal.h"

struct lure {
	const char *theme;
	const char *const *phrases;
};

static const char *const job[] = {N_("job offer"),
				  "job opportunity",
				  "we are hiring",
				  "recruiter",
				  "recruitment",
				  "job description",
				  "hiring manager",
				  "position at",
				  "interview",
				  "salary",
				  "求人",
				  "採用",
				  "転職",
				  "年収",
				  "面接",
				  "ヘッドハント",
				  NULL};
static const char *const partner[] = {N_("partnership"),
				      "collaboration",
				      "business proposal",
				      "investment opportunity",
				      "joint venture",
				      "due diligence",
				      "term sheet",
				      "提携",
				      "協業",
				      "業務提携",
				      "投資案件",
				      NULL};
static const char *const payment[] = {N_("urgent payment"),
				      "wire transfer",
				      "overdue invoice",
				      "outstanding invoice",
				      "payment request",
				      "remittance",
				      "bank details",
				      "change of bank",
				      "至急",
				      "送金",
				      "振込",
				      "請求書",
				      "支払期限",
				      NULL};
static const char *const account[] = {
    "verify your account",  "account suspended", "account will be",  "confirm your identity",
    "unusual sign-in",	    "unusual activity",	 "password expire",  "reset your password",
    "security alert",	    "アカウントの確認",	 "アカウントを停止", "本人確認",
    "パスワードの有効期限", "不正アクセス",	 "ログイン確認",     NULL};
static const char *const wallet[] = {
    "seed phrase",    "recovery phrase", "secret phrase",     "private key",
    "airdrop",	      "claim your",	 "wallet validation", "synchronize your wallet",
    "シードフレーズ", "秘密鍵",		 "ウォレットの認証",  NULL};

static const struct lure lures[] = {
    {N_("job offer"), job},	     {N_("partnership"), partner},
    {N_("urgent payment"), payment}, {N_("account verification"), account},
    {N_("wallet secrets"), wallet},
};

/* Appends p[0..n) lower-cased (ASCII letters only; UTF-8 passes through). */
static void
add_lower(struct ward_buf *b, const char *p, size_t n)
{
	size_t i, at = b->len;

	ward_buf_add(b, p, n);
	if (ward_buf_failed(b))
		return;
	for (i = at; i < b->len; i++)
		if (b->p[i] >= 'A' && b->p[i] <= 'Z')
			b->p[i] = (char)(b->p[i] - 'A' + 'a');
}

void
mail_check_lure(struct ward_mail_scanner *s, const struct ward_mail *m)
{
	struct ward_buf *b = &s->scratch;
	size_t i, j, k;

	/* The subject and the start of the text parts (16 KB in all: a lure says
	 * what it wants early), lower-cased once; every phrase is then one memmem. */
	ward_buf_reset(b);
	if (m->subject)
		add_lower(b, m->subject, strlen(m->subject));
	for (k = 0; k < m->n_parts && b->len < 16384; k++) {
		const struct ward_mail_part *p = &m->parts[k];
		if (p->text && !p->filename) {
			ward_buf_addc(b, '\n');
			add_lower(b, p->text, p->text_len < 16384 - b->len ? p->text_len : 16384 - b->len);
		}
	}
	if (ward_buf_failed(b) || b->len == 0)
		return;
	for (i = 0; i < sizeof(lures) / sizeof(lures[0]); i++) {
		const char *hit = NULL;
		for (j = 0; lures[i].phrases[j] && !hit; j++)
			if (memmem(b->p, b->len, lures[i].phrases[j], strlen(lures[i].phrases[j])))
				hit = lures[i].phrases[j];
		/* One finding per theme; the check still counts once. */
		if (hit)
			mail_report(s, &ward_check_mail_lure, "body", "text", lures[i].theme, NULL,
				    NULL, "theme", lures[i].theme, "phrase", hit);
	}
}
