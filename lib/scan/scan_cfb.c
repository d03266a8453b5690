/*
 * A small, bounded reader of CFB (OLE2 compound file, [MS-CFB]) files: the
 * header, the DIFAT, FAT and mini FAT, the directory and stream reading.
 * It needs no library and can be fuzzed on its own; every OLE2 file the
 * Office analysers look at (documents, vbaProject.bin, embedded objects,
 * PowerPoint storages) is read through it, libgsf only being used to write
 * test fixtures and to inflate zlib streams.
 *
 * Everything is untrusted. A sector number is used only when it lies in
 * the file; every chain walk stops after as many steps as the file has
 * sectors, so a loop costs at most one pass over the file; the directory
 * tree is walked with a visited map, so a cyclic tree ends. No table grows
 * past what the file's size can hold. A struct cfb borrows the file bytes;
 * the tables it allocates are freed by cfb_close().
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ward/error.h"
#include "scan_office.h"

#define ENDOFCHAIN 0xFFFFFFFEu
#define MAXREGSECT 0xFFFFFFFAu
#define HEADER_DIFAT 109

static const uint8_t magic[8] = {0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1};

static uint32_t
le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint16_t
le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

int
cfb_magic(const uint8_t *p, size_t n)
{
	return n >= 512 && memcmp(p, magic, sizeof(magic)) == 0;
}

/* Copies sector s into dst (ssz bytes; the part past a cut file end is zero). */
static int
sector(const struct cfb *c, uint32_t s, uint8_t *dst)
{
	size_t off, have;

	if (s >= c->nsec)
		return -1;
	off = (size_t)(s + 1) * c->ssz;
	have = c->n - off < c->ssz ? c->n - off : c->ssz;
	memcpy(dst, c->p + off, have);
	memset(dst + have, 0, c->ssz - have);
	return 0;
}

/* Appends the FAT sector s to the FAT table. */
static int
add_fat_sector(struct cfb *c, uint32_t s, uint32_t cap)
{
	uint32_t per = c->ssz / 4, i;
	const uint8_t *q;
	size_t off;

	if (s >= c->nsec || c->nfat + per > cap)
		return -1;
	off = (size_t)(s + 1) * c->ssz;
	for (i = 0; i < per; i++) {
		q = c->p + off + (size_t)i * 4;
		c->fat[c->nfat++] = q + 4 <= c->p + c->n ? le32(q) : CFB_NONE;
	}
	return 0;
}

/* The DIFAT: 109 FAT sector numbers in the header, then a chain of DIFAT sectors. */
static int
load_fat(struct cfb *c, const uint8_t *h)
{
	uint32_t per = c->ssz / 4, cap, i, d, steps;
	uint8_t *buf;

	/* A FAT longer than the file's sectors describes nothing that exists. */
	cap = c->nsec + per;
	c->fat = calloc(cap, sizeof(*c->fat));
	if (!c->fat)
		return WARD_ENOMEM;
	for (i = 0; i < HEADER_DIFAT; i++) {
		uint32_t s = le32(h + 0x4C + i * 4);
		if (s >= MAXREGSECT)
			break;
		if (add_fat_sector(c, s, cap) < 0)
			break;
	}
	buf = malloc(c->ssz);
	if (!buf)
		return WARD_ENOMEM;
	d = le32(h + 0x44);
	for (steps = 0; d < MAXREGSECT && steps < c->nsec; steps++) {
		if (sector(c, d, buf) < 0)
			break;
		for (i = 0; i + 1 < per; i++) {
			uint32_t s = le32(buf + i * 4);
			if (s >= MAXREGSECT)
				continue;
			if (add_fat_sector(c, s, cap) < 0)
				break;
		}
		d = le32(buf + (per - 1) * 4);
	}
	free(buf);
	if (c->nfat > c->nsec)
		c->nfat = c->nsec;
	return c->nfat ? 0 : WARD_EFORMAT;
}

static uint32_t
next(const struct cfb *c, uint32_t s)
{
	return s < c->nfat ? c->fat[s] : ENDOFCHAIN;
}

/*
 * Reads the regular-sector chain from start into a new buffer of up to want
 * bytes (*len gets what was found). Stops at the chain end, a sector
 * outside the file, or after nsec steps (a loop).
 */
static uint8_t *
read_chain(const struct cfb *c, uint32_t start, size_t want, size_t *len)
{
	uint8_t *out, *tmp;
	size_t got = 0;
	uint32_t s = start, steps;

	*len = 0;
	if (want > (size_t)c->nsec * c->ssz)
		want = (size_t)c->nsec * c->ssz;
	out = malloc(want ? want : 1);
	tmp = malloc(c->ssz);
	if (!out || !tmp) {
		free(out);
		free(tmp);
		return NULL;
	}
	for (steps = 0; got < want && s < MAXREGSECT && steps < c->nsec; steps++) {
		size_t k = want - got < c->ssz ? want - got : c->ssz;
		if (sector(c, s, tmp) < 0)
			break;
		memcpy(out + got, tmp, k);
		got += k;
		s = next(c, s);
	}
	free(tmp);
	*len = got;
	return out;
}

static void
load_minifat(struct cfb *c, const uint8_t *h)
{
	size_t len, i;
	uint8_t *b;

	if (le32(h + 0x40) == 0 || le32(h + 0x3C) >= MAXREGSECT)
		return;
	b = read_chain(c, le32(h + 0x3C), (size_t)c->nsec * c->ssz, &len);
	if (!b)
		return;
	c->mfat = malloc((len / 4 ? len / 4 : 1) * sizeof(*c->mfat));
	if (c->mfat) {
		for (i = 0; i + 4 <= len; i += 4)
			c->mfat[c->nmfat++] = le32(b + i);
	}
	free(b);
}

/* UTF-16LE name of at most 32 units to UTF-8. */
static void
entry_name(const uint8_t *e, char *out, size_t size)
{
	size_t units = le16(e + 0x40) / 2, i, o = 0;

	if (units > 32)
		units = 32;
	for (i = 0; i < units; i++) {
		unsigned u = le16(e + i * 2);
		if (u == 0)
			break;
		if (u >= 0xD800 && u < 0xE000)
			u = 0xFFFD;
		if (u < 0x80 && o + 1 < size) {
			out[o++] = (char)u;
		} else if (u < 0x800 && o + 2 < size) {
			out[o++] = (char)(0xC0 | u >> 6);
			out[o++] = (char)(0x80 | (u & 0x3F));
		} else if (u >= 0x800 && o + 3 < size) {
			out[o++] = (char)(0xE0 | u >> 12);
			out[o++] = (char)(0x80 | ((u >> 6) & 0x3F));
			out[o++] = (char)(0x80 | (u & 0x3F));
		}
	}
	out[o] = '\0';
}

/* Sets every entry's parent by walking the red-black sibling trees from the root. */
static int
link_tree(struct cfb *c)
{
	uint32_t *stack, *par, sp = 0, cap = c->nent * 3 + 1, i;
	uint8_t *seen;

	for (i = 0; i < c->nent; i++)
		c->ent[i].parent = c->ent[i].first = c->ent[i].next = CFB_NONE;
	stack = malloc(cap * sizeof(*stack));
	par = malloc(cap * sizeof(*par));
	seen = calloc(c->nent, 1);
	if (!stack || !par || !seen) {
		free(stack);
		free(par);
		free(seen);
		return WARD_ENOMEM;
	}
	seen[0] = 1;
	stack[sp] = c->ent[0].child;
	par[sp++] = 0;
	while (sp > 0) {
		uint32_t id = stack[--sp], p = par[sp];
		struct cfb_entry *e;
		if (id >= c->nent || seen[id])
			continue;
		seen[id] = 1;
		e = &c->ent[id];
		if (e->type != CFB_STORAGE && e->type != CFB_STREAM)
			continue;
		e->parent = p;
		e->next = c->ent[p].first;
		c->ent[p].first = id;
		/* Each entry is pushed from one unseen parent at most three ways: sp < cap. */
		stack[sp] = e->left;
		par[sp++] = p;
		stack[sp] = e->right;
		par[sp++] = p;
		if (e->type == CFB_STORAGE) {
			stack[sp] = e->child;
			par[sp++] = id;
		}
	}
	free(stack);
	free(par);
	free(seen);
	return 0;
}

static int
load_dir(struct cfb *c, const uint8_t *h)
{
	size_t len, i;
	uint8_t *b;

	b = read_chain(c, le32(h + 0x30), (size_t)c->nsec * c->ssz, &len);
	if (!b)
		return WARD_ENOMEM;
	c->nent = (uint32_t)(len / 128);
	if (c->nent == 0) {
		free(b);
		return WARD_EFORMAT;
	}
	c->ent = calloc(c->nent, sizeof(*c->ent));
	if (!c->ent) {
		free(b);
		return WARD_ENOMEM;
	}
	for (i = 0; i < c->nent; i++) {
		const uint8_t *e = b + i * 128;
		struct cfb_entry *d = &c->ent[i];
		d->type = e[0x42];
		if (d->type != CFB_STORAGE && d->type != CFB_STREAM && d->type != CFB_ROOT)
			d->type = 0;
		entry_name(e, d->name, sizeof(d->name));
		d->left = le32(e + 0x44);
		d->right = le32(e + 0x48);
		d->child = le32(e + 0x4C);
		memcpy(d->clsid, e + 0x50, 16);
		d->start = le32(e + 0x74);
		d->size = le32(e + 0x78);
		if (c->ssz == 4096)
			d->size |= (uint64_t)le32(e + 0x7C) << 32;
	}
	free(b);
	if (c->ent[0].type != CFB_ROOT)
		return WARD_EFORMAT;
	return link_tree(c);
}

int
cfb_open(struct cfb *c, const uint8_t *p, size_t n, size_t max)
{
	const uint8_t *h = p;
	unsigned shift;
	int rc;

	memset(c, 0, sizeof(*c));
	if (!cfb_magic(p, n))
		return WARD_EFORMAT;
	shift = le16(h + 0x1E);
	if ((shift != 9 && shift != 12) || le16(h + 0x20) != 6)
		return WARD_EFORMAT;
	c->p = p;
	c->n = n;
	c->ssz = 1u << shift;
	c->max = max;
	c->cutoff = le32(h + 0x38);
	if (c->cutoff == 0 || c->cutoff > 4096)
		c->cutoff = 4096;
	if (n <= c->ssz || (n - c->ssz) / c->ssz >= MAXREGSECT)
		return WARD_EFORMAT;
	c->nsec = (uint32_t)((n - c->ssz + c->ssz - 1) / c->ssz);
	rc = load_fat(c, h);
	if (rc == 0)
		rc = load_dir(c, h);
	if (rc == 0)
		load_minifat(c, h);
	if (rc < 0)
		cfb_close(c);
	return rc;
}

void
cfb_close(struct cfb *c)
{
	free(c->fat);
	free(c->mfat);
	free(c->ent);
	free(c->mini);
	memset(c, 0, sizeof(*c));
}

uint32_t
cfb_child(const struct cfb *c, uint32_t storage, const char *name)
{
	uint32_t i;

	if (storage >= c->nent)
		return CFB_NONE;
	/* Sibling lists come from the visited-once walk: they cannot loop. */
	for (i = c->ent[storage].first; i < c->nent; i = c->ent[i].next)
		if (strcasecmp(c->ent[i].name, name) == 0)
			return i;
	return CFB_NONE;
}

uint32_t
cfb_find(const struct cfb *c, const char *name, int type)
{
	uint32_t i;

	for (i = 1; i < c->nent; i++)
		if (c->ent[i].parent != CFB_NONE && (type == 0 || c->ent[i].type == type) &&
		    strcasecmp(c->ent[i].name, name) == 0)
			return i;
	return CFB_NONE;
}

static int
load_mini(struct cfb *c)
{
	size_t want;

	if (c->mini_read)
		return c->mini ? 0 : -1;
	c->mini_read = 1;
	want = c->ent[0].size > (uint64_t)c->nsec * c->ssz ? (size_t)c->nsec * c->ssz
							   : (size_t)c->ent[0].size;
	c->mini = read_chain(c, c->ent[0].start, want, &c->nmini);
	return c->mini ? 0 : -1;
}

static uint8_t *
read_mini(struct cfb *c, uint32_t start, size_t want, size_t *len)
{
	uint8_t *out;
	size_t got = 0;
	uint32_t s = start, steps;

	*len = 0;
	if (load_mini(c) < 0)
		return NULL;
	out = malloc(want ? want : 1);
	if (!out)
		return NULL;
	for (steps = 0; got < want && s < MAXREGSECT && steps <= c->nmfat; steps++) {
		size_t off = (size_t)s * 64, k = want - got < 64 ? want - got : 64;
		if (off >= c->nmini || s >= c->nmfat)
			break;
		if (k > c->nmini - off)
			k = c->nmini - off;
		memcpy(out + got, c->mini + off, k);
		got += k;
		s = c->mfat[s];
	}
	*len = got;
	return out;
}

int
cfb_read(struct cfb *c, uint32_t id, uint8_t **out, size_t *len)
{
	const struct cfb_entry *e;
	size_t want;

	*out = NULL;
	*len = 0;
	if (id >= c->nent || c->ent[id].type != CFB_STREAM)
		return WARD_EINVAL;
	e = &c->ent[id];
	if (e->size > c->max)
		return WARD_ELIMIT;
	want = (size_t)e->size;
	if (e->size < c->cutoff)
		*out = read_mini(c, e->start, want, len);
	else
		*out = read_chain(c, e->start, want, len);
	return *out ? 0 : WARD_ENOMEM;
}

void
cfb_path(const struct cfb *c, uint32_t id, char *out, size_t size)
{
	uint32_t chain[16], k = 0, i;
	size_t o = 0;

	if (size == 0)
		return;
	out[0] = '\0';
	while (id != 0 && id < c->nent && k < 16) {
		chain[k++] = id;
		id = c->ent[id].parent;
	}
	while (k-- > 0) {
		const char *s = c->ent[chain[k]].name;
		if (o && o + 1 < size)
			out[o++] = '/';
		for (i = 0; s[i] && o + 1 < size; i++)
			out[o++] = (unsigned char)s[i] < 0x20 ? '?' : s[i];
	}
	out[o] = '\0';
}

uint8_t *
office_stream(struct scan_job *j, struct cfb *c, uint32_t id, const char *where, size_t *len)
{
	uint8_t *b;

	*len = 0;
	if (id >= c->nent || c->ent[id].type != CFB_STREAM)
		return NULL;
	if (cfb_read(c, id, &b, len) < 0)
		return NULL;
	/* Charged as read: a declared size is not trusted, the chain is. */
	if (scan_charge(j, where, *len) < 0) {
		free(b);
		*len = 0;
		return NULL;
	}
	return b;
}
