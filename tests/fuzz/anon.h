/*
 * anon.h - the anonymizer harnesses' shared setting (fuzz_anon_*.c): the
 * discharge records of tests/e2e/anon.sh in small, their hierarchy files
 * in the scratch directory, and one pass of what `kiban anon run` and
 * `kiban anon check` do with a configuration and records.
 */
#ifndef KB_FUZZ_ANON_H
#define KB_FUZZ_ANON_H

#include "fuzz.h"

#include "kiban/anon.h"

/* 16 records: id, age, sex, postcode, admission date, disease, stay. */
#define FZ_ANON_DATA                                                          \
	"患者ID,年齢,性別,郵便番号,入院日,病名,在院日数\n" \
	"P1,34,男,1500001,2025-01-03,J18.9,3\n"                              \
	"P2,37,女,1500002,2025-01-14,J44.1,5\n"                              \
	"P3,41,男,1510003,2025-02-01,I21.9,12\n"                             \
	"P4,45,女,1510004,2025-02-11,I63.9,20\n"                             \
	"P5,52,男,1520005,2025-03-09,K35.8,4\n"                              \
	"P6,58,女,1520006,2025-03-21,K80.2,6\n"                              \
	"P7,61,男,1500007,2025-04-30,C34.1,15\n"                             \
	"P8,63,女,1500008,2025-05-05,C18.7,18\n"                             \
	"P9,66,男,1510009,2025-06-17,E11.9,9\n"                              \
	"P10,69,女,1510010,2025-07-07,N18.5,30\n"                            \
	"P11,33,男,1520011,2025-08-08,J18.9,2\n"                             \
	"P12,39,女,1520012,2025-09-19,J44.1,7\n"                             \
	"P13,44,男,1500013,2025-10-10,I21.9,11\n"                            \
	"P14,48,女,1500014,2025-11-11,K35.8,3\n"                             \
	"P15,55,男,1510015,2025-12-12,C34.1,14\n"                            \
	"P16,59,女,1510016,2025-12-24,E11.9,8\n"

#define FZ_ANON_ICD                                                    \
	"J18.9;J18;J;*\nJ44.1;J44;J;*\nI21.9;I21;I;*\nI63.9;I63;I;*\n" \
	"K35.8;K35;K;*\nK80.2;K80;K;*\nC34.1;C34;C;*\nC18.7;C18;C;*\n" \
	"E11.9;E11;E;*\nN18.5;N18;N;*\n"

/* The scratch directory holding sex.csv and icd.csv; caller frees. */
char *fz_anon_dir(void);

/* Configures a (text, NUL-terminated, hierarchies in dir), reads the
 * records, searches a bounded lattice, writes the release and checks it;
 * stops at the first error. */
void fz_anon_run(const char *config, const char *dir, const uint8_t *records,
		 size_t nrecords);

#endif
