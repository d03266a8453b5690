/* Descriptions of ward's error codes. */
#include "ward/error.h"

const char *
ward_strerror(int code)
{
	switch (code) {
	case WARD_OK:
		return "success";
	case WARD_ENOMEM:
		return "out of memory";
	case WARD_EINVAL:
		return "invalid input or argument";
	case WARD_EIO:
		return "input/output error";
	case WARD_ELIMIT:
		return "input exceeds a configured limit";
	case WARD_ENOTFOUND:
		return "not found";
	case WARD_EFORMAT:
		return "unrecognised format";
	case WARD_ELIB:
		return "library failure";
	default:
		return "unknown error";
	}
}
