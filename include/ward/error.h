/*
 * Error codes shared by every part of libward. A function that can fail
 * returns 0 or one of the negative codes below; ward_strerror() explains it.
 */
#ifndef WARD_ERROR_H
#define WARD_ERROR_H

enum {
	WARD_OK = 0,
	WARD_ENOMEM = -1,    /* out of memory */
	WARD_EINVAL = -2,    /* malformed input or argument */
	WARD_EIO = -3,	     /* read or write failed */
	WARD_ELIMIT = -4,    /* input exceeds a configured limit */
	WARD_ENOTFOUND = -5, /* file or entry does not exist */
	WARD_EFORMAT = -6,   /* input is not in the expected format */
	WARD_ELIB = -7,	     /* an underlying library failed */
};

/* A static English description of code; never NULL. */
const char *ward_strerror(int code);

#endif
