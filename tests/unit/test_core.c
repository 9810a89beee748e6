/*
 * test_core.c - the string buffer, numbers for people, fiscal years, the
 * error context.
 */
#include "helpers.h"

#include <pthread.h>

static void buf_grows_and_stays_terminated(void **state)
{
	struct kb_buf b = KB_BUF_INIT;
	int i;
	(void)state;
	assert_non_null(b.buf);
	assert_string_equal(b.buf, "");
	for (i = 0; i < 1000; i++)
		kb_buf_addf(&b, "%d,", i);
	assert_int_equal(b.len, strlen(b.buf));
	assert_memory_equal(b.buf, "0,1,2,", 6);
	assert_string_equal(b.buf + b.len - 4, "999,");
	kb_buf_setlen(&b, 2);
	assert_string_equal(b.buf, "0,");
	kb_buf_release(&b);
	assert_string_equal(b.buf, "");
}

static void buf_escapes_html(void **state)
{
	struct kb_buf b = KB_BUF_INIT;
	(void)state;
	kb_buf_add_html(&b, "<a href=\"x\">'R&D'</a> 厚");
	assert_string_equal(
		b.buf,
		"&lt;a href=&quot;x&quot;&gt;&#39;R&amp;D&#39;&lt;/a&gt; 厚");
	kb_buf_release(&b);
}

static void numbers_for_people(void **state)
{
	static const struct {
		double v;
		int dec;
		const char *want;
	} cases[] = {
		{ 1234567.891, 2, "1,234,567.89" },
		{ 1200, 0, "1,200" },
		{ 999, 0, "999" },
		{ -12345.5, 1, "-12,345.5" },
		{ 12.5, -3, "12.5" },
		{ 12.0, -3, "12" },
		{ 0.125, -3, "0.125" },
		{ -0.0001, 2, "0.00" },
		{ 1000000, -3, "1,000,000" },
		{ 1e21, 0, "1,000,000,000,000,000,000,000" },
	};
	size_t i;
	(void)state;
	for (i = 0; i < KB_ARRAY_SIZE(cases); i++) {
		struct kb_buf b = KB_BUF_INIT;
		kb_buf_add_num(&b, cases[i].v, cases[i].dec);
		assert_string_equal(b.buf, cases[i].want);
		kb_buf_release(&b);
	}
}

static void files_are_written_atomically(void **state)
{
	struct kb_buf b = KB_BUF_INIT, back = KB_BUF_INIT;
	char *path = t_path("out.txt");
	(void)state;
	kb_buf_adds(&b, "一行目\n");
	assert_int_equal(kb_buf_write_file(&b, path), 0);
	assert_int_equal(kb_buf_read_file(&back, path), 0);
	assert_string_equal(back.buf, "一行目\n");
	assert_int_equal(kb_buf_write_file(&b, "/nonexistent-dir/x"), -1);
	assert_int_equal(errno, ENOENT);
	kb_buf_release(&b);
	kb_buf_release(&back);
	free(path);
}

/* no temporary file is left beside the outputs in dir */
static void assert_no_temporaries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	assert_non_null(d);
	while ((e = readdir(d)))
		assert_null(strstr(e->d_name, ".tmp."));
	closedir(d);
}

static char *dir_of(const char *path)
{
	return kb_strndup(path, (size_t)(strrchr(path, '/') - path));
}

static void outputs_keep_mode_and_follow_symlinks(void **state)
{
	struct kb_buf b = KB_BUF_INIT, back = KB_BUF_INIT;
	char *file = t_file("kept.txt", "old\n"), *dir = dir_of(file);
	char *link = t_path("link.txt"), *dangling = t_path("dangling.txt");
	char *made = t_path("made.txt");
	struct stat st, before;
	struct kb_out o;
	(void)state;

	/* an existing file keeps its mode; it is a new inode (renamed over) */
	assert_int_equal(chmod(file, 0640), 0);
	assert_int_equal(stat(file, &before), 0);
	kb_buf_adds(&b, "new\n");
	assert_int_equal(kb_buf_write_file(&b, file), 0);
	assert_int_equal(stat(file, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0640);
	assert_int_not_equal(st.st_ino, before.st_ino);
	assert_int_equal(kb_buf_read_file(&back, file), 0);
	assert_string_equal(back.buf, "new\n");

	/* a symlink is followed: the link stays, its target is replaced */
	assert_int_equal(symlink(strrchr(file, '/') + 1, link), 0);
	kb_buf_reset(&b);
	kb_buf_adds(&b, "through the link\n");
	assert_int_equal(kb_buf_write_file(&b, link), 0);
	assert_int_equal(lstat(link, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	kb_buf_reset(&back);
	assert_int_equal(kb_buf_read_file(&back, file), 0);
	assert_string_equal(back.buf, "through the link\n");
	assert_int_equal(stat(file, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0640);

	/* a link to nothing yet makes its target */
	assert_int_equal(symlink(strrchr(made, '/') + 1, dangling), 0);
	assert_int_equal(kb_buf_write_file(&b, dangling), 0);
	assert_int_equal(lstat(dangling, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	kb_buf_reset(&back);
	assert_int_equal(kb_buf_read_file(&back, made), 0);
	assert_string_equal(back.buf, "through the link\n");

	/* an abandoned output leaves the target as it was */
	assert_int_equal(kb_out_open(&o, file), 0);
	assert_int_equal(kb_out_write(&o, "half", 4), 0);
	assert_int_equal(kb_out_close(&o, 0), 0);
	kb_buf_reset(&back);
	assert_int_equal(kb_buf_read_file(&back, file), 0);
	assert_string_equal(back.buf, "through the link\n");

	/* a directory is refused, and nothing is made beside it */
	assert_int_equal(kb_buf_write_file(&b, dir), -1);
	assert_int_equal(errno, EISDIR);
	assert_no_temporaries(dir);
	kb_buf_release(&b);
	kb_buf_release(&back);
	free(file);
	free(dir);
	free(link);
	free(dangling);
	free(made);
}

struct fifo_reader {
	const char *fifo;
	struct kb_buf got;
	int rc;
};

/* the reader at the other end: keeps everything that arrives */
static void *read_fifo(void *arg)
{
	struct fifo_reader *r = arg;
	r->rc = kb_buf_read_file(&r->got, r->fifo);
	return NULL;
}

static void outputs_to_a_fifo_are_written_in_place(void **state)
{
	struct kb_buf b = KB_BUF_INIT;
	char *fifo = t_path("out.fifo"), *dir = dir_of(fifo);
	struct fifo_reader r = { fifo, KB_BUF_INIT, -1 };
	struct stat st;
	pthread_t reader;
	int i;
	(void)state;

	assert_int_equal(mkfifo(fifo, 0600), 0);
	for (i = 0; i < 10000; i++)
		kb_buf_addf(&b, "行 %d\n", i); /* more than a pipe holds */
	assert_int_equal(pthread_create(&reader, NULL, read_fifo, &r), 0);
	assert_int_equal(kb_buf_write_file(&b, fifo), 0);
	assert_int_equal(pthread_join(reader, NULL), 0);
	assert_int_equal(r.rc, 0);
	assert_int_equal(lstat(fifo, &st), 0);
	assert_true(S_ISFIFO(st.st_mode)); /* still the FIFO, not a file */
	assert_int_equal(r.got.len, b.len);
	assert_memory_equal(r.got.buf, b.buf, b.len);
	assert_no_temporaries(dir);
	kb_buf_release(&b);
	kb_buf_release(&r.got);
	free(fifo);
	free(dir);
}

static void fiscal_years_parse(void **state)
{
	static const struct {
		const char *s;
		int fy;
	} ok[] = {
		{ "2025", 2025 },	{ "FY2025", 2025 },
		{ "fy2025", 2025 },	{ "2025年度", 2025 },
		{ "令和7年度", 2025 },	{ "令和7", 2025 },
		{ "R7", 2025 },		{ "令和元年度", 2019 },
		{ "平成31年度", 2019 }, { "H30", 2018 },
		{ "２０２５", 2025 },	{ " 令和 7 年度 ", 2025 },
		{ "令和７年度", 2025 },
	};
	static const char *const bad[] = {
		"",	"abc", "2025-26", "令和0年度", "平成32年度",
		"1800", "FY",  "R",	  "2025年度x"
	};
	size_t i;
	int fy;
	(void)state;
	for (i = 0; i < KB_ARRAY_SIZE(ok); i++) {
		fy = 0;
		assert_int_equal(kb_fy_parse(ok[i].s, &fy), 0);
		assert_int_equal(fy, ok[i].fy);
	}
	for (i = 0; i < KB_ARRAY_SIZE(bad); i++)
		assert_int_equal(kb_fy_parse(bad[i], &fy), -1);
}

static void fiscal_years_label(void **state)
{
	char b[64];
	(void)state;
	kb_fy_label(2025, KB_LANG_JA, b, sizeof(b));
	assert_string_equal(b, "2025年度（令和7年度）");
	kb_fy_label(2019, KB_LANG_JA, b, sizeof(b));
	assert_string_equal(b, "2019年度（令和元年度）");
	kb_fy_label(2018, KB_LANG_JA, b, sizeof(b));
	assert_string_equal(b, "2018年度（平成30年度）");
	kb_fy_label(2025, KB_LANG_EN, b, sizeof(b));
	assert_string_equal(b, "FY2025 (Reiwa 7)");
}

static void fiscal_year_turns_on_1_april_in_japan(void **state)
{
	(void)state;
	/* 2026-03-31 14:59:59 UTC is 23:59:59 JST: still FY2025 */
	assert_int_equal(kb_fy_of_time(1774969199), 2025);
	/* one second later it is 1 April in Japan: FY2026 */
	assert_int_equal(kb_fy_of_time(1774969200), 2026);
	assert_int_equal(kb_fy_last_complete(T_NOW), 2025);
}

static void stored_times_read_in_japan_time(void **state)
{
	char b[64];
	(void)state;
	kb_time_label("2025-06-30T01:00:00Z", KB_LANG_JA, 0, b, sizeof(b));
	assert_string_equal(b, "2025年6月30日 10:00");
	/* 16:00 UTC is already the next day in Japan */
	kb_time_label("2025-06-30T16:00:00Z", KB_LANG_JA, 1, b, sizeof(b));
	assert_string_equal(b, "2025年7月1日");
	kb_time_label("2025-06-30T16:00:00Z", KB_LANG_EN, 0, b, sizeof(b));
	assert_string_equal(b, "1 July 2025, 01:00 JST");
	kb_time_label("yesterday", KB_LANG_EN, 0, b, sizeof(b));
	assert_string_equal(b, "yesterday");
	kb_date_label(T_NOW, KB_LANG_EN, 1, b, sizeof(b));
	assert_string_equal(b, "24 November 2026");
}

static void errors_collect_with_positions(void **state)
{
	struct kb_err e;
	struct kb_buf b = KB_BUF_INIT;
	size_t i;
	(void)state;
	kb_err_init(&e, KB_LANG_EN);
	assert_int_equal(kb_err_at(&e, KB_EINVALID, "a.csv", 17, 3, "value",
				   "'%s' is not a number", "x1"),
			 KB_EINVALID);
	kb_err_set(&e, KB_EIO, "second");
	assert_int_equal(e.code, KB_EINVALID);
	kb_diag_format(&e.v[0], KB_LANG_EN, &b);
	assert_string_equal(b.buf,
			    "a.csv:17:3: field 'value': 'x1' is not a number");
	kb_buf_reset(&b);
	kb_diag_format(&e.v[0], KB_LANG_JA, &b);
	assert_string_equal(b.buf,
			    "a.csv:17:3: 項目 'value': 'x1' is not a number");
	for (i = 0; i < KB_ERR_MAX + 10; i++)
		kb_err_set(&e, KB_EINVALID, "many");
	assert_int_equal(e.n, KB_ERR_MAX);
	assert_int_equal(kb_err_count(&e), KB_ERR_MAX + 12);
	kb_err_release(&e);
	kb_buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(buf_grows_and_stays_terminated),
		cmocka_unit_test(buf_escapes_html),
		cmocka_unit_test(numbers_for_people),
		cmocka_unit_test(files_are_written_atomically),
		cmocka_unit_test(outputs_keep_mode_and_follow_symlinks),
		cmocka_unit_test(outputs_to_a_fifo_are_written_in_place),
		cmocka_unit_test(fiscal_years_parse),
		cmocka_unit_test(fiscal_years_label),
		cmocka_unit_test(fiscal_year_turns_on_1_april_in_japan),
		cmocka_unit_test(stored_times_read_in_japan_time),
		cmocka_unit_test(errors_collect_with_positions),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
