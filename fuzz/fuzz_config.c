/*
 * Fuzzes ward.conf parsing (ward_config_load_mem): INI text with the
 * schema's sections and keys and repeated [brand:NAME] sections. A config
 * that loads must hand back every brand it counted.
 */
#include <stdint.h>
#include <string.h>

#include "ward/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ward_config *c = ward_config_new();
	char err[256];
	size_t i;

	if (!c)
		return 0;
	err[0] = '\0';
	if (ward_config_load_mem(c, "fuzz.conf", (const char *)data, size, err, sizeof(err)) == 0) {
		for (i = 0; i < ward_config_brand_count(c); i++)
			if (!ward_config_brand(c, i) || !ward_config_brand(c, i)->name)
				__builtin_trap();
		(void)ward_config_str(c, "output", "format");
		(void)ward_config_int(c, "limits", "max_line");
	} else if (!memchr(err, '\0', sizeof(err))) {
		__builtin_trap();
	}
	ward_config_free(c);
	return 0;
}
