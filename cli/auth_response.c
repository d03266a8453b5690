/*
 * Optional response to login attacks: the offending addresses go into an
 * nftables set. Dry run by default (the commands are printed, not run);
 * --apply runs nft itself, without a shell. Addresses inside the networks
 * of [auth] never_block are never blocked, whatever the finding.
 */
#include <arpa/inet.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "ward/buf.h"
#include "cli.h"

extern char **environ;

struct net {
	int family;
	unsigned char addr[16];
	int prefix;
};

/* Parses "10.0.0.0/8" or "::1" (a host). Returns 0 or -1. */
static int
parse_net(const char *s, size_t n, struct net *out)
{
	char buf[64];
	const char *slash;
	size_t alen;
	char *end;
	long p;

	if (n == 0 || n >= sizeof(buf))
		return -1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	slash = strchr(buf, '/');
	alen = slash ? (size_t)(slash - buf) : n;
	buf[alen] = '\0';
	if (inet_pton(AF_INET, buf, out->addr) == 1) {
		out->family = AF_INET;
		out->prefix = 32;
	} else if (inet_pton(AF_INET6, buf, out->addr) == 1) {
		out->family = AF_INET6;
		out->prefix = 128;
	} else {
		return -1;
	}
	if (slash) {
		p = strtol(slash + 1, &end, 10);
		if (*end || p < 0 || p > out->prefix)
			return -1;
		out->prefix = (int)p;
	}
	return 0;
}

static int
in_net(const struct net *net, int family, const unsigned char *addr)
{
	int full = net->prefix / 8, rest = net->prefix % 8;

	if (net->family != family || memcmp(net->addr, addr, (size_t)full) != 0)
		return 0;
	return rest == 0 ||
	       ((net->addr[full] ^ addr[full]) & (unsigned char)(0xff << (8 - rest))) == 0;
}

/* Whether addr lies in one of the comma-separated networks of list. Bad
 * entries were rejected by auth_response_check(). */
static int
never_blocked(const char *list, int family, const unsigned char *addr)
{
	const char *p = list;
	struct net net;

	while (*p) {
		size_t n = strcspn(p, ", ");
		if (n && parse_net(p, n, &net) == 0 && in_net(&net, family, addr))
			return 1;
		p += n;
		while (*p == ',' || *p == ' ')
			p++;
	}
	return 0;
}

int
auth_response_check(struct cli *c)
{
	const char *p = ward_config_str(c->cfg, "auth", "never_block");
	struct net net;

	while (*p) {
		size_t n = strcspn(p, ", ");
		if (n && parse_net(p, n, &net) < 0) {
			cli_error(c, "[auth] never_block: \"%.*s\" is not an address or network",
				  (int)n, p);
			return -1;
		}
		p += n;
		while (*p == ',' || *p == ' ')
			p++;
	}
	return 0;
}

/* Splits "family table set" into three words for nft's argument vector. */
static int
set_words(const char *set, char w[3][64])
{
	return sscanf(set, "%63s %63s %63s", w[0], w[1], w[2]) == 3 ? 0 : -1;
}

static int
run_nft(char *const argv[])
{
	pid_t pid;
	int status;

	if (posix_spawnp(&pid, argv[0], NULL, NULL, argv, environ) != 0)
		return -1;
	if (waitpid(pid, &status, 0) < 0)
		return -1;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

void
auth_response(struct cli *c, struct ward_out *o, const char *source, const char *check, int apply)
{
	unsigned char addr[16];
	int family;
	const char *set;
	char w[3][64], elem[80], cmd[400];
	struct ward_buf b;

	if (inet_pton(AF_INET, source, addr) == 1)
		family = AF_INET;
	else if (inet_pton(AF_INET6, source, addr) == 1)
		family = AF_INET6;
	else
		return; /* a workstation name: nothing to block */
	if (never_blocked(ward_config_str(c->cfg, "auth", "never_block"), family, addr))
		return;
	set = ward_config_str(c->cfg, "auth", family == AF_INET ? "block_set" : "block_set6");
	if (!*set || set_words(set, w) < 0)
		return;
	snprintf(elem, sizeof(elem), "{ %s }", source);
	snprintf(cmd, sizeof(cmd), "nft add element %s %s %s %s", w[0], w[1], w[2], elem);
	if (apply) {
		char *argv[] = {"nft", "add", "element", w[0], w[1], w[2], elem, NULL};
		if (run_nft(argv) < 0)
			cli_error(c, "%s: failed", cmd);
	}
	ward_buf_init(&b);
	if (ward_out_format(o) == WARD_FORMAT_JSON) {
		ward_buf_adds(&b, "{\"type\":\"response\",\"action\":\"block\",\"address\":");
		ward_buf_json_cstr(&b, source);
		ward_buf_adds(&b, ",\"check\":");
		ward_buf_json_cstr(&b, check);
		ward_buf_adds(&b, ",\"command\":");
		ward_buf_json_cstr(&b, cmd);
		ward_buf_adds(&b, apply ? ",\"applied\":true}\n" : ",\"applied\":false}\n");
	} else if (ward_out_format(o) == WARD_FORMAT_TEXT) {
		ward_buf_printf(&b, "%-8s %-28s %s%s\n", "response", check,
				apply ? "" : "(dry run) ", cmd);
	}
	ward_out_raw(o, b.p ? b.p : "", b.len);
	ward_buf_free(&b);
}
