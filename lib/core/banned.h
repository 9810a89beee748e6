/*
 * banned.h - functions that must not be used in kiban, made compile errors.
 *
 * They either write past a buffer without a bound (strcpy, strcat, sprintf,
 * vsprintf, gets), silently truncate (strncpy, strncat), keep hidden state
 * (strtok, gmtime, localtime, ctime, asctime) or turn bad input into zero
 * without a word (atoi, atol, atoll, atof).  Use struct kb_buf,
 * snprintf, strtok_r-free parsing, gmtime_r/localtime_r and strtol/strtod
 * with their end pointers instead.  Included last by compat.h.
 */
#ifndef KB_BANNED_H
#define KB_BANNED_H

#define KB_BANNED(func) sorry_##func##_is_a_banned_function

#undef strcpy
#define strcpy(x, y) KB_BANNED(strcpy)
#undef strcat
#define strcat(x, y) KB_BANNED(strcat)
#undef strncpy
#define strncpy(x, y, n) KB_BANNED(strncpy)
#undef strncat
#define strncat(x, y, n) KB_BANNED(strncat)
#undef strtok
#define strtok(x, y) KB_BANNED(strtok)
#undef sprintf
#define sprintf(...) KB_BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) KB_BANNED(vsprintf)
#undef gets
#define gets(x) KB_BANNED(gets)
#undef gmtime
#define gmtime(t) KB_BANNED(gmtime)
#undef localtime
#define localtime(t) KB_BANNED(localtime)
#undef ctime
#define ctime(t) KB_BANNED(ctime)
#undef asctime
#define asctime(t) KB_BANNED(asctime)
#undef atoi
#define atoi(s) KB_BANNED(atoi)
#undef atol
#define atol(s) KB_BANNED(atol)
#undef atoll
#define atoll(s) KB_BANNED(atoll)
#undef atof
#define atof(s) KB_BANNED(atof)

#endif
