/*
 * compat.h - the first include of every libkiban and kiban source file.
 *
 * It pulls in the system headers the project uses and then banned.h, which
 * makes the unsafe string functions compile errors.  Sources include no
 * system header of their own after it (as in git's git-compat-util.h).
 */
#ifndef KB_COMPAT_H
#define KB_COMPAT_H

#define _GNU_SOURCE 1

#include <assert.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <float.h>
#include <iconv.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <pwd.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <getopt.h>

#include <jansson.h>
#include <sqlite3.h>

#include "core/banned.h"

#define KB_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define KB_UNUSED(x)	 ((void)(x))

#endif
