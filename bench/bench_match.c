/*
 * bench_match.c - needs-seeds matching: ranking quality on the judged set
 * and speed at 100,000 documents, beside SQLite FTS5 with its trigram
 * tokenizer over the same texts, measured in the same run.
 *
 * Usage: bench_match [DOCS [QUERIES]]   (defaults 100,000 and 1,000)
 *
 * Quality: tests/data/match (60 needs, 300 seeds, graded relevance; see
 * make_judged.py there).  Each need's problem, population and outcome is
 * the query; nDCG@10 (gain 2^grade - 1) and Recall@20 (grade >= 1) are
 * averaged over the needs.  kiban ranks by BM25F over the seed's title
 * (weight 2) and description (1), with and without MeCab's words, and
 * with the bounded boost of the same clinical area (x1.2); FTS5 ranks by
 * bm25() (title 2, description 1) on the OR of the query's trigrams, and
 * is also given the same boost over its first 100.  Target: kiban above
 * FTS5 on both measures.
 *
 * Speed: DOCS documents of generated Japanese-like text (phrases of the
 * judged set drawn with Zipf frequencies): indexing time (target under
 * 10 s) and the p50/p99 time of QUERIES queries (target p99 under 10 ms),
 * kiban and FTS5.
 */
#include "core/compat.h"

#include <sys/resource.h>

#include "kiban/csv.h"
#include "kiban/match.h"

#define MAXN 64
#define MAXS 512

struct need {
	char *id, *query, *area;
};
struct seed {
	char *id, *title, *desc, *area;
};

static struct need needs[MAXN];
static struct seed seeds[MAXS];
static size_t nneeds, nseeds;
static int grade[MAXN][MAXS];

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *what)
{
	fprintf(stderr, "bench_match: %s\n", what);
	exit(1);
}

static void read_csv(const char *dir, const char *name,
		     void (*row)(struct kb_csv *c))
{
	struct kb_buf path = KB_BUF_INIT;
	struct kb_err err;
	struct kb_csv c;
	int r;
	kb_err_init(&err, KB_LANG_EN);
	kb_buf_addf(&path, "%s/%s", dir, name);
	if (kb_csv_open(&c, path.buf, KB_ENC_UTF8, &err))
		die("cannot read the judged set (run from the project root)");
	kb_csv_next(&c, &err); /* header */
	while ((r = kb_csv_next(&c, &err)) == 1)
		row(&c);
	kb_csv_release(&c);
	kb_buf_release(&path);
	kb_err_release(&err);
}

static void need_row(struct kb_csv *c)
{
	struct kb_buf q = KB_BUF_INIT;
	kb_buf_addf(&q, "%s %s %s", c->f[1].s, c->f[2].s, c->f[3].s);
	needs[nneeds].id = kb_strdup(c->f[0].s);
	needs[nneeds].query = kb_buf_detach(&q, NULL);
	needs[nneeds++].area = kb_strdup(c->f[4].s);
}

static void seed_row(struct kb_csv *c)
{
	seeds[nseeds].id = kb_strdup(c->f[0].s);
	seeds[nseeds].title = kb_strdup(c->f[1].s);
	seeds[nseeds].desc = kb_strdup(c->f[2].s);
	seeds[nseeds++].area = kb_strdup(c->f[3].s);
}

/* The number of the need or seed (base: needs or seeds, each beginning
 * with its id) with this id. */
static size_t find(const void *base, size_t n, size_t size, const char *id)
{
	size_t i;
	for (i = 0; i < n; i++)
		if (!strcmp(*(char *const *)((const char *)base + i * size), id))
			return i;
	die("qrels name an unknown need or seed");
	return 0;
}

static void qrel_row(struct kb_csv *c)
{
	grade[find(needs, nneeds, sizeof(*needs), c->f[0].s)]
	     [find(seeds, nseeds, sizeof(*seeds), c->f[1].s)] =
		     (int)strtol(c->f[2].s, NULL, 10);
}

/* nDCG@10 and Recall@20 of one ranking (seed numbers, best first). */
static void measure(size_t q, const size_t *rank, size_t n, double *ndcg,
		    double *recall)
{
	double dcg = 0, ideal = 0;
	int g[MAXS];
	size_t i, rel = 0, found = 0, ng = 0;
	for (i = 0; i < nseeds; i++)
		if (grade[q][i]) {
			g[ng++] = grade[q][i];
			rel++;
		}
	/* the ideal order: grades descending */
	for (i = 0; i < ng; i++)
		for (size_t j = i + 1; j < ng; j++)
			if (g[j] > g[i]) {
				int x = g[i];
				g[i] = g[j];
				g[j] = x;
			}
	for (i = 0; i < 10 && i < ng; i++)
		ideal += (pow(2, g[i]) - 1) / log2((double)i + 2);
	for (i = 0; i < n && i < 20; i++) {
		int gr = grade[q][rank[i]];
		if (i < 10)
			dcg += (pow(2, gr) - 1) / log2((double)i + 2);
		found += gr > 0;
	}
	*ndcg = ideal > 0 ? dcg / ideal : 0;
	*recall = rel ? (double)found / (double)rel : 0;
}

/* ---- kiban ---- */

static struct kb_match_index *kiban_index(int mecab)
{
	static const struct kb_match_field f[] = { { "title", 2 },
						   { "description", 1 } };
	struct kb_match_index *ix = kb_match_index_new(f, 2, mecab);
	size_t i;
	for (i = 0; i < nseeds; i++) {
		const char *t[2] = { seeds[i].title, seeds[i].desc };
		kb_match_index_add(ix, t);
	}
	return ix;
}

static void kiban_quality(const char *label, int mecab, int boosted,
			  double *ndcg, double *recall)
{
	struct kb_match_index *ix = kiban_index(mecab);
	struct kb_match_hit hits[20];
	double boost[MAXS], sn = 0, sr = 0;
	size_t q, i, rank[20];
	for (q = 0; q < nneeds; q++) {
		size_t n;
		double a, b;
		for (i = 0; i < nseeds; i++)
			boost[i] =
				boosted && !strcmp(seeds[i].area, needs[q].area)
					? 1.2
					: 1;
		n = kb_match_search(ix, needs[q].query, NULL, boost, 20, hits);
		for (i = 0; i < n; i++)
			rank[i] = hits[i].doc;
		measure(q, rank, n, &a, &b);
		sn += a;
		sr += b;
	}
	*ndcg = sn / (double)nneeds;
	*recall = sr / (double)nneeds;
	printf("  %-44s nDCG@10 %.3f  Recall@20 %.3f\n", label, *ndcg, *recall);
	kb_match_index_free(ix);
}

/* ---- FTS5 ---- */

/* The OR of the text's distinct trigrams, each quoted, for MATCH. */
static void trigram_query(const char *text, struct kb_buf *out)
{
	size_t off[4096], n = 0, i;
	const char *p;
	for (p = text; *p && n < 4096; p++)
		if (((unsigned char)*p & 0xc0) != 0x80)
			off[n++] = (size_t)(p - text);
	for (i = 0; i + 3 <= n; i++) {
		size_t end = i + 3 < n ? off[i + 3] : strlen(text), j;
		struct kb_buf t = KB_BUF_INIT;
		kb_buf_add(&t, text + off[i], end - off[i]);
		if (strchr(t.buf, ' ') || strchr(t.buf, '"')) {
			kb_buf_release(&t);
			continue;
		}
		for (j = 0; j + t.len <= out->len; j++) /* distinct */
			if (!memcmp(out->buf + j, t.buf, t.len) && j > 0 &&
			    out->buf[j - 1] == '"' && out->buf[j + t.len] == '"')
				break;
		if (j + t.len <= out->len) {
			kb_buf_release(&t);
			continue;
		}
		kb_buf_addf(out, "%s\"%s\"", out->len ? " OR " : "", t.buf);
		kb_buf_release(&t);
	}
}

static sqlite3 *fts_open(void)
{
	sqlite3 *db;
	if (sqlite3_open(":memory:", &db) ||
	    sqlite3_exec(
		    db,
		    "CREATE VIRTUAL TABLE s USING fts5(title, description, tokenize='trigram')",
		    NULL, NULL, NULL))
		die("FTS5 with the trigram tokenizer is not available");
	return db;
}

static void fts_add(sqlite3 *db, sqlite3_stmt *ins, long rowid,
		    const char *title, const char *desc)
{
	sqlite3_bind_int64(ins, 1, rowid);
	sqlite3_bind_text(ins, 2, title, -1, SQLITE_STATIC);
	sqlite3_bind_text(ins, 3, desc, -1, SQLITE_STATIC);
	if (sqlite3_step(ins) != SQLITE_DONE)
		die(sqlite3_errmsg(db));
	sqlite3_reset(ins);
}

/* The best k rowids for text; n returned. */
static size_t fts_search(sqlite3 *db, sqlite3_stmt *sel, const char *text,
			 size_t k, long *rowid, double *score)
{
	struct kb_buf q = KB_BUF_INIT;
	size_t n = 0;
	trigram_query(text, &q);
	sqlite3_bind_text(sel, 1, q.buf, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(sel, 2, (sqlite3_int64)k);
	while (sqlite3_step(sel) == SQLITE_ROW && n < k) {
		rowid[n] = (long)sqlite3_column_int64(sel, 0);
		score[n++] =
			-sqlite3_column_double(sel, 1); /* higher is better */
	}
	sqlite3_reset(sel);
	kb_buf_release(&q);
	(void)db;
	return n;
}

static void fts_quality(int boosted, double *ndcg, double *recall)
{
	sqlite3 *db = fts_open();
	sqlite3_stmt *ins, *sel;
	double sn = 0, sr = 0;
	size_t q, i;
	sqlite3_prepare_v2(
		db, "INSERT INTO s(rowid, title, description) VALUES (?, ?, ?)",
		-1, &ins, NULL);
	sqlite3_prepare_v2(
		db,
		"SELECT rowid, bm25(s, 2.0, 1.0) FROM s WHERE s MATCH ? ORDER BY bm25(s, 2.0, 1.0) LIMIT ?",
		-1, &sel, NULL);
	for (i = 0; i < nseeds; i++)
		fts_add(db, ins, (long)i, seeds[i].title, seeds[i].desc);
	for (q = 0; q < nneeds; q++) {
		long rowid[100];
		double score[100], a, b;
		size_t n = fts_search(db, sel, needs[q].query, 100, rowid, score),
		       rank[100];
		if (boosted) /* the same boost, then re-sorted */
			for (i = 0; i < n; i++)
				if (!strcmp(seeds[rowid[i]].area, needs[q].area))
					score[i] *= 1.2;
		for (i = 0; i < n; i++)
			rank[i] = (size_t)rowid[i];
		for (i = 0; i < n; i++)
			for (size_t j = i + 1; j < n; j++)
				if (score[j] > score[i]) {
					double x = score[i];
					size_t y = rank[i];
					score[i] = score[j];
					rank[i] = rank[j];
					score[j] = x;
					rank[j] = y;
				}
		measure(q, rank, n, &a, &b);
		sn += a;
		sr += b;
	}
	*ndcg = sn / (double)nneeds;
	*recall = sr / (double)nneeds;
	printf("  %-44s nDCG@10 %.3f  Recall@20 %.3f\n",
	       boosted ? "FTS5 trigram, bm25, area boost x1.2"
		       : "FTS5 trigram, bm25",
	       *ndcg, *recall);
	sqlite3_finalize(ins);
	sqlite3_finalize(sel);
	sqlite3_close(db);
}

/* ---- speed ---- */

static uint64_t rng = 88172645463325252ULL;
static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* Phrases of the judged set: its texts cut at punctuation and particles. */
static char **phrases;
static size_t nphrases;

static void cut(const char *s)
{
	static const char *const stops[] = { "、", "。", "の", "を", "で",
					     "に", "と", "が", "は", " " };
	const char *p = s;
	while (*p) {
		size_t best = strlen(p), k, blen = 0;
		for (k = 0; k < KB_ARRAY_SIZE(stops); k++) {
			const char *f = strstr(p, stops[k]);
			if (f && (size_t)(f - p) < best) {
				best = (size_t)(f - p);
				blen = strlen(stops[k]);
			}
		}
		if (best >= 3) {
			phrases = kb_realloc(phrases,
					     (nphrases + 1) * sizeof(*phrases));
			phrases[nphrases++] = kb_strndup(p, best);
		}
		p += best + blen;
		if (!blen)
			break;
	}
}

/* A text of about n phrases, Zipf-distributed, joined by particles. */
static void fake_text(struct kb_buf *out, size_t n)
{
	static const char *const glue[] = { "の", "を", "で", "に", "と", "、" };
	size_t i;
	for (i = 0; i < n; i++) {
		/* rank r with probability ~ 1/r */
		double u = (double)(next() >> 11) / 9007199254740992.0;
		size_t r = (size_t)pow((double)nphrases, u) - 1;
		if (r >= nphrases)
			r = nphrases - 1;
		kb_buf_adds(out, phrases[r]);
		kb_buf_adds(out, glue[next() % KB_ARRAY_SIZE(glue)]);
	}
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static void speed(size_t ndocs, size_t nq)
{
	static const struct kb_match_field f[] = { { "title", 2 },
						   { "description", 1 } };
	char **title = kb_calloc(ndocs, sizeof(char *)),
	     **desc = kb_calloc(ndocs, sizeof(char *)),
	     **query = kb_calloc(nq, sizeof(char *));
	double *t = kb_calloc(nq, sizeof(double)), t0, ki, fi;
	struct kb_match_index *ix;
	struct kb_match_hit hits[10];
	sqlite3 *db = fts_open();
	sqlite3_stmt *ins, *sel;
	struct rusage ru;
	size_t i;

	for (i = 0; i < nneeds; i++)
		cut(needs[i].query);
	for (i = 0; i < nseeds; i++) {
		cut(seeds[i].title);
		cut(seeds[i].desc);
	}
	for (i = 0; i < ndocs; i++) {
		struct kb_buf a = KB_BUF_INIT, b = KB_BUF_INIT;
		fake_text(&a, 2 + next() % 3);
		fake_text(&b, 8 + next() % 12);
		title[i] = kb_buf_detach(&a, NULL);
		desc[i] = kb_buf_detach(&b, NULL);
	}
	for (i = 0; i < nq; i++) {
		struct kb_buf a = KB_BUF_INIT;
		if (i % 2)
			kb_buf_adds(&a, needs[i % nneeds].query);
		else
			fake_text(&a, 4 + next() % 6);
		query[i] = kb_buf_detach(&a, NULL);
	}
	printf("Speed, %zu generated documents (title and description), %zu queries:\n",
	       ndocs, nq);

	t0 = now_s();
	ix = kb_match_index_new(f, 2, 0);
	for (i = 0; i < ndocs; i++) {
		const char *tx[2] = { title[i], desc[i] };
		kb_match_index_add(ix, tx);
	}
	ki = now_s() - t0;
	for (i = 0; i < nq; i++) {
		double q0 = now_s();
		kb_match_search(ix, query[i], NULL, NULL, 10, hits);
		t[i] = now_s() - q0;
	}
	qsort(t, nq, sizeof(*t), cmp_d);
	printf("  kiban: indexing %.2f s (target under 10 s); query p50 %.2f ms, p99 %.2f ms (target under 10 ms)\n",
	       ki, t[nq / 2] * 1e3, t[nq * 99 / 100] * 1e3);
	kb_match_index_free(ix);

	sqlite3_prepare_v2(
		db, "INSERT INTO s(rowid, title, description) VALUES (?, ?, ?)",
		-1, &ins, NULL);
	sqlite3_prepare_v2(
		db,
		"SELECT rowid, bm25(s, 2.0, 1.0) FROM s WHERE s MATCH ? ORDER BY bm25(s, 2.0, 1.0) LIMIT ?",
		-1, &sel, NULL);
	t0 = now_s();
	sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
	for (i = 0; i < ndocs; i++)
		fts_add(db, ins, (long)i, title[i], desc[i]);
	sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	fi = now_s() - t0;
	for (i = 0; i < nq; i++) {
		long rowid[10];
		double score[10], q0 = now_s();
		fts_search(db, sel, query[i], 10, rowid, score);
		t[i] = now_s() - q0;
	}
	qsort(t, nq, sizeof(*t), cmp_d);
	printf("  FTS5 trigram: indexing %.2f s; query p50 %.2f ms, p99 %.2f ms\n",
	       fi, t[nq / 2] * 1e3, t[nq * 99 / 100] * 1e3);
	printf("  ratio kiban/FTS5: indexing %.2f\n", ki / fi);
	getrusage(RUSAGE_SELF, &ru);
	printf("  process peak resident memory: %.0f MiB\n",
	       (double)ru.ru_maxrss / 1024.0);
	sqlite3_finalize(ins);
	sqlite3_finalize(sel);
	sqlite3_close(db);
	for (i = 0; i < ndocs; i++) {
		free(title[i]);
		free(desc[i]);
	}
	for (i = 0; i < nq; i++)
		free(query[i]);
	free(title);
	free(desc);
	free(query);
	free(t);
}

int main(int argc, char **argv)
{
	size_t ndocs = argc > 1 ? (size_t)strtoul(argv[1], NULL, 10) : 100000;
	size_t nq = argc > 2 ? (size_t)strtoul(argv[2], NULL, 10) : 1000;
	const char *dir = "tests/data/match";
	double kn, kr, kbn, kbr, fn, fr, fbn, fbr, mn = 0, mr = 0;

	read_csv(dir, "needs.csv", need_row);
	read_csv(dir, "seeds.csv", seed_row);
	read_csv(dir, "qrels.csv", qrel_row);
	printf("Quality on the judged set (%zu needs, %zu seeds):\n", nneeds,
	       nseeds);
	kiban_quality("kiban BM25F, bigrams", 0, 0, &kn, &kr);
	kiban_quality("kiban BM25F, bigrams, area boost x1.2", 0, 1, &kbn, &kbr);
	if (kb_match_mecab_available())
		kiban_quality("kiban BM25F, bigrams + MeCab, area boost", 1, 1,
			      &mn, &mr);
	else
		printf("  (MeCab is not installed: no MeCab run)\n");
	fts_quality(0, &fn, &fr);
	fts_quality(1, &fbn, &fbr);
	printf("  kiban above FTS5 on both (like for like: %s; boosted: %s)\n",
	       kn > fn && kr > fr ? "yes" : "NO",
	       kbn > fbn && kbr > fbr ? "yes" : "NO");
	(void)mn;
	(void)mr;
	if (nq < 1)
		nq = 1;
	speed(ndocs ? ndocs : 1, nq);
	return 0;
}
