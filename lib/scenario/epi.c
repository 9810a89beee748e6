/*
 * epi.c - the SEIR engine of scenario.h: one run, Monte Carlo bands, the
 * growth fit.
 *
 * A run integrates S, E, I, R and the cumulative onsets C of every
 * prefecture together by classical Runge-Kutta (the national pool couples
 * them), with the contact factors fixed within a day.  The census of each
 * care is then advanced a day at a time exactly: with the day's onsets
 * spread evenly over the day and an exponential stay of mean L,
 *     H(d + 1) = H(d) q + share onsets L (1 - q),   q = exp(-1 / L).
 */
#include "core/compat.h"

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>

#include "kiban/buf.h"
#include "core/parallel.h"
#include "kiban/scenario.h"

static const char *const care_names[KB_NCARE][3] = {
	{ "ward", "入院", "hospital ward" },
	{ "icu", "集中治療", "intensive care" },
	{ "ventilation", "人工呼吸", "mechanical ventilation" },
	{ "ecmo", "ECMO", "ECMO" },
	{ "oxygen", "酸素療法", "oxygen therapy" },
};

const char *kb_care_key(enum kb_care c)
{
	return care_names[c][0];
}

const char *kb_care_name(enum kb_care c, enum kb_lang lang)
{
	return care_names[c][lang == KB_LANG_EN ? 2 : 1];
}

int kb_care_parse(const char *s)
{
	int c;
	for (c = 0; c < KB_NCARE; c++)
		if (!strcmp(s, care_names[c][0]) || !strcmp(s, care_names[c][1]))
			return c;
	return -1;
}

static int bad(struct kb_err *err, const char *field, const char *what_en,
	       const char *what_ja)
{
	return kb_err_set(err, KB_EINVALID,
			  KB_TR(err->lang, "field '%s': %s", "項目 '%s': %s"),
			  field, KB_TR(err->lang, what_en, what_ja));
}

int kb_epi_check(const struct kb_epi *m, struct kb_err *err)
{
	const struct kb_epi_params *p = &m->p;
	size_t i;
	int c;
	if (!m->npref || !m->pop || !m->infected0)
		return bad(err, "prefectures", "no population given",
			   "人口がありません");
	for (i = 0; i < m->npref; i++) {
		if (!(m->pop[i] > 0))
			return bad(err, "population", "must be above 0",
				   "0 より大きくしてください");
		if (!(m->infected0[i] >= 0 && m->infected0[i] <= m->pop[i]))
			return bad(err, "infected",
				   "must be between 0 and the population",
				   "0 から人口までにしてください");
		for (c = 0; m->census0 && c < KB_NCARE; c++)
			if (!(m->census0[i * KB_NCARE + c] >= 0))
				return bad(err, "census", "must not be negative",
					   "負にできません");
	}
	if (m->days < 1 || m->days > 3650)
		return bad(err, "days", "must be 1 to 3650",
			   "1〜3650 にしてください");
	if (m->steps < 0 || m->steps > 100)
		return bad(err, "steps", "must be 1 to 100",
			   "1〜100 にしてください");
	if (!(p->r0 >= 0 && p->r0 <= 50))
		return bad(err, "r0", "must be 0 to 50", "0〜50 にしてください");
	if (!(p->incubation > 0 && p->incubation <= 60))
		return bad(err, "incubation", "must be above 0, at most 60 days",
			   "0 より大きく 60 日以下にしてください");
	if (!(p->infectious > 0 && p->infectious <= 60))
		return bad(err, "infectious", "must be above 0, at most 60 days",
			   "0 より大きく 60 日以下にしてください");
	if (!(p->mixing >= 0 && p->mixing <= 1))
		return bad(err, "mixing", "must be 0 to 1",
			   "0〜1 にしてください");
	for (c = 0; c < KB_NCARE; c++) {
		if (!(p->share[c] >= 0 && p->share[c] <= 1))
			return bad(err, kb_care_key(c), "share must be 0 to 1",
				   "割合は 0〜1 にしてください");
		if (!(p->stay[c] > 0 && p->stay[c] <= 365))
			return bad(
				err, kb_care_key(c),
				"stay must be above 0, at most 365 days",
				"滞在日数は 0 より大きく 365 日以下にしてください");
	}
	for (i = 0; i < m->nchanges; i++) {
		const struct kb_epi_change *x = &m->changes[i];
		if (x->day < 0 || x->day > m->days)
			return bad(err, "intervention",
				   "its day is outside the scenario",
				   "日がシナリオの期間外です");
		if (x->pref < 0 || (size_t)x->pref > m->npref)
			return bad(err, "intervention", "unknown prefecture",
				   "都道府県が不明です");
		if (!(x->contact >= 0 && x->contact <= 10))
			return bad(err, "intervention", "contact must be 0 to 10",
				   "接触の倍率は 0〜10 にしてください");
	}
	return 0;
}

/* ---- one run ---- */

enum { NV = 5 }; /* S, E, I, R, C per prefecture */

struct work {
	double *x, *k[4], *t; /* the state, the stages, a stage's input */
	double *beta;	      /* the day's transmission rate */
	double *c0;	      /* onsets so far at the start of the day */
	double *h;	      /* census [npref * KB_NCARE] */
};

static void work_init(struct work *w, size_t n)
{
	int j;
	w->x = kb_calloc(n * NV * 6 + 2 * n + n * KB_NCARE, sizeof(double));
	for (j = 0; j < 4; j++)
		w->k[j] = w->x + n * NV * (j + 1);
	w->t = w->x + n * NV * 5;
	w->beta = w->t + n * NV;
	w->c0 = w->beta + n;
	w->h = w->c0 + n;
}

struct model {
	const struct kb_epi *m;
	double sigma, gamma, mix, ntot;
};

static void deriv(const struct model *md, const double *beta, const double *x,
		  double *dx)
{
	size_t i, n = md->m->npref;
	const double *pop = md->m->pop;
	double pool = 0;
	if (md->mix > 0) {
		for (i = 0; i < n; i++)
			pool += x[i * NV + 2];
		pool = md->mix * pool / md->ntot;
	}
	for (i = 0; i < n; i++) {
		const double *y = x + i * NV;
		double *d = dx + i * NV;
		double lam = beta[i] * ((1 - md->mix) * y[2] / pop[i] + pool);
		double inf = lam * y[0], ons = md->sigma * y[1],
		       rec = md->gamma * y[2];
		d[0] = -inf;
		d[1] = inf - ons;
		d[2] = ons - rec;
		d[3] = rec;
		d[4] = ons;
	}
}

/* Where a run's results go; any may be NULL. */
struct sink {
	struct kb_epi_run *run;
	float *keep[KB_NCARE];	  /* [(days + 1) * npref] */
	double *nation[KB_NCARE]; /* [days + 1] */
};

static void emit(const struct kb_epi *m, const struct work *w, int d,
		 struct sink *k)
{
	size_t i, n = m->npref, at = (size_t)d * n;
	int c;
	if (k->run)
		for (i = 0; i < n; i++) {
			const double *y = w->x + i * NV;
			k->run->s[at + i] = y[0];
			k->run->e[at + i] = y[1];
			k->run->i[at + i] = y[2];
			k->run->r[at + i] = y[3];
			k->run->onset[at + i] = d ? y[4] - w->c0[i] : 0;
			memcpy(k->run->census + (at + i) * KB_NCARE,
			       w->h + i * KB_NCARE, KB_NCARE * sizeof(double));
		}
	for (c = 0; c < KB_NCARE; c++) {
		double sum = 0;
		if (!k->keep[c] && !k->nation[c])
			continue;
		for (i = 0; i < n; i++) {
			double v = w->h[i * KB_NCARE + c];
			if (k->keep[c])
				k->keep[c][at + i] = (float)v;
			sum += v;
		}
		if (k->nation[c])
			k->nation[c][d] = sum;
	}
}

/* The contact factor of prefecture i on day d: the last change given, of
 * those in force, that covers it. */
static double contact(const struct kb_epi *m, size_t i, int d)
{
	double f = 1;
	int latest = -1;
	size_t j;
	for (j = 0; j < m->nchanges; j++) {
		const struct kb_epi_change *x = &m->changes[j];
		if (x->day <= d && x->day >= latest &&
		    (!x->pref || (size_t)x->pref == i + 1)) {
			f = x->contact;
			latest = x->day;
		}
	}
	return f;
}

static void simulate(const struct kb_epi *m, const struct kb_epi_params *p,
		     struct work *w, struct sink *k)
{
	struct model md = { m, 1 / p->incubation, 1 / p->infectious, p->mixing,
			    0 };
	size_t i, j, n = m->npref, all = n * NV;
	int d, s, c, steps = m->steps ? m->steps : 2;
	double h = 1.0 / steps, q[KB_NCARE], gain[KB_NCARE];

	for (i = 0; i < n; i++) {
		double *y = w->x + i * NV;
		md.ntot += m->pop[i];
		y[0] = m->pop[i] - m->infected0[i];
		y[1] = 0;
		y[2] = m->infected0[i];
		y[3] = 0;
		y[4] = 0;
		for (c = 0; c < KB_NCARE; c++)
			w->h[i * KB_NCARE + c] =
				m->census0 ? m->census0[i * KB_NCARE + c] : 0;
	}
	for (c = 0; c < KB_NCARE; c++) {
		q[c] = exp(-1 / p->stay[c]);
		gain[c] = p->share[c] * p->stay[c] * (1 - q[c]);
	}
	emit(m, w, 0, k);
	for (d = 0; d < m->days; d++) {
		for (i = 0; i < n; i++) {
			w->beta[i] = p->r0 * md.gamma * contact(m, i, d);
			w->c0[i] = w->x[i * NV + 4];
		}
		for (s = 0; s < steps; s++) {
			deriv(&md, w->beta, w->x, w->k[0]);
			for (j = 0; j < all; j++)
				w->t[j] = w->x[j] + h / 2 * w->k[0][j];
			deriv(&md, w->beta, w->t, w->k[1]);
			for (j = 0; j < all; j++)
				w->t[j] = w->x[j] + h / 2 * w->k[1][j];
			deriv(&md, w->beta, w->t, w->k[2]);
			for (j = 0; j < all; j++)
				w->t[j] = w->x[j] + h * w->k[2][j];
			deriv(&md, w->beta, w->t, w->k[3]);
			for (j = 0; j < all; j++)
				w->x[j] += h / 6 *
					   (w->k[0][j] + 2 * w->k[1][j] +
					    2 * w->k[2][j] + w->k[3][j]);
		}
		for (i = 0; i < n; i++) {
			double ons = w->x[i * NV + 4] - w->c0[i];
			double *hc = w->h + i * KB_NCARE;
			for (c = 0; c < KB_NCARE; c++)
				hc[c] = hc[c] * q[c] + gain[c] * ons;
		}
		emit(m, w, d + 1, k);
	}
}

int kb_epi_simulate(const struct kb_epi *m, struct kb_epi_run *out,
		    struct kb_err *err)
{
	struct work w;
	struct sink k;
	size_t cells = (size_t)(m->days + 1) * m->npref;
	int r;
	memset(out, 0, sizeof(*out));
	if ((r = kb_epi_check(m, err)))
		return r;
	out->s = kb_calloc(cells * (5 + KB_NCARE), sizeof(double));
	out->e = out->s + cells;
	out->i = out->e + cells;
	out->r = out->i + cells;
	out->onset = out->r + cells;
	out->census = out->onset + cells;
	memset(&k, 0, sizeof(k));
	k.run = out;
	work_init(&w, m->npref);
	simulate(m, &m->p, &w, &k);
	free(w.x);
	return 0;
}

void kb_epi_run_release(struct kb_epi_run *r)
{
	free(r->s);
	memset(r, 0, sizeof(*r));
}

/* ---- Monte Carlo ---- */

/* splitmix64: one stream per run, from the seed and the run's number */
static unsigned long long mix64(unsigned long long *x)
{
	unsigned long long z = (*x += 0x9E3779B97F4A7C15ULL);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

static double draw(unsigned long long *x, double lo, double hi)
{
	double u = (double)(mix64(x) >> 11) * (1.0 / 9007199254740992.0);
	return lo == hi ? lo : lo + (hi - lo) * u;
}

static void sample(const struct kb_epi_params *lo, const struct kb_epi_params *hi,
		   unsigned long long seed, size_t run, struct kb_epi_params *p)
{
	unsigned long long x = seed ^ (0xD1B54A32D192ED03ULL * (run + 1));
	int c;
	p->r0 = draw(&x, lo->r0, hi->r0);
	p->incubation = draw(&x, lo->incubation, hi->incubation);
	p->infectious = draw(&x, lo->infectious, hi->infectious);
	p->mixing = draw(&x, lo->mixing, hi->mixing);
	for (c = 0; c < KB_NCARE; c++) {
		p->share[c] = draw(&x, lo->share[c], hi->share[c]);
		p->stay[c] = draw(&x, lo->stay[c], hi->stay[c]);
	}
}

struct mc {
	const struct kb_epi *m;
	const struct kb_epi_params *lo, *hi;
	unsigned long long seed;
	size_t runs, cells;
	unsigned cares;
	float *keep[KB_NCARE];	  /* [runs * cells] */
	double *nation[KB_NCARE]; /* [runs * (days + 1)] */
	atomic_size_t next, done;
	kb_epi_progress_fn progress;
	void *ctx;
	pthread_t main; /* the caller's thread, which reports progress */
};

static void *mc_worker(void *arg)
{
	struct mc *mc = arg;
	struct work w;
	size_t run;
	int c;
	work_init(&w, mc->m->npref);
	while ((run = atomic_fetch_add(&mc->next, 1)) < mc->runs) {
		struct kb_epi_params p;
		struct sink k;
		memset(&k, 0, sizeof(k));
		for (c = 0; c < KB_NCARE; c++)
			if (mc->cares & (1u << c)) {
				k.keep[c] = mc->keep[c] + run * mc->cells;
				k.nation[c] = mc->nation[c] +
					      run * (size_t)(mc->m->days + 1);
			}
		sample(mc->lo, mc->hi, mc->seed, run, &p);
		simulate(mc->m, &p, &w, &k);
		atomic_fetch_add(&mc->done, 1);
		if (mc->progress && pthread_equal(pthread_self(), mc->main))
			mc->progress(mc->ctx, atomic_load(&mc->done), mc->runs);
	}
	free(w.x);
	return NULL;
}

/* The k-th smallest of v[0..n-1], v reordered (Wirth's selection). */
static float select_f(float *v, size_t n, size_t k)
{
	long l = 0, m = (long)n - 1, kk = (long)k;
	while (l < m) {
		float x = v[kk];
		long i = l, j = m;
		do {
			while (v[i] < x)
				i++;
			while (x < v[j])
				j--;
			if (i <= j) {
				float t = v[i];
				v[i] = v[j];
				v[j] = t;
				i++;
				j--;
			}
		} while (i <= j);
		if (j < kk)
			l = i;
		if (kk < i)
			m = j;
	}
	return v[k];
}

static const double pct[3] = { 0.05, 0.5, 0.95 };

/* The percentiles of v[0..n-1] (nearest rank on the sorted values). */
static void percentiles(float *v, size_t n, float out[3])
{
	int k;
	for (k = 0; k < 3; k++)
		out[k] = select_f(v, n, (size_t)(pct[k] * (double)(n - 1) + 0.5));
}

int kb_epi_monte_carlo(const struct kb_epi *m, const struct kb_epi_params *lo,
		       const struct kb_epi_params *hi, size_t runs,
		       unsigned long long seed, unsigned cares, int threads,
		       kb_epi_progress_fn progress, void *ctx,
		       struct kb_epi_bands *out, struct kb_err *err)
{
	struct kb_epi check = *m;
	struct mc mc;
	size_t ndays = (size_t)m->days + 1, cells = ndays * m->npref, i, r;
	float *col;
	int c, k, rc;

	memset(out, 0, sizeof(*out));
	if (!runs || runs > 100000)
		return bad(err, "runs", "must be 1 to 100000",
			   "1〜100000 にしてください");
	check.p = *lo;
	if ((rc = kb_epi_check(&check, err)))
		return rc;
	check.p = *hi;
	if ((rc = kb_epi_check(&check, err)))
		return rc;
	memset(&mc, 0, sizeof(mc));
	mc.m = m;
	mc.lo = lo;
	mc.hi = hi;
	mc.seed = seed;
	mc.runs = runs;
	mc.cells = cells;
	mc.cares = cares & ((1u << KB_NCARE) - 1);
	for (c = 0; c < KB_NCARE; c++)
		if (mc.cares & (1u << c)) {
			mc.keep[c] = kb_malloc(runs * cells * sizeof(float));
			mc.nation[c] = kb_malloc(runs * ndays * sizeof(double));
		}
	mc.progress = progress;
	mc.ctx = ctx;
	mc.main = pthread_self();
	/* this thread works too, and reports the progress between its runs */
	kb__parallel(threads, mc_worker, &mc);
	if (progress)
		progress(ctx, runs, runs);

	/* the bands */
	out->runs = runs;
	out->npref = m->npref;
	out->days = m->days;
	out->cares = mc.cares;
	for (k = 0; k < 3; k++) {
		out->p[k] = kb_calloc(cells * KB_NCARE, sizeof(float));
		out->nation[k] = kb_calloc(ndays * KB_NCARE, sizeof(double));
	}
	col = kb_malloc(runs * sizeof(float));
	for (c = 0; c < KB_NCARE; c++) {
		if (!(mc.cares & (1u << c)))
			continue;
		for (i = 0; i < cells; i++) {
			float v[3];
			for (r = 0; r < runs; r++)
				col[r] = mc.keep[c][r * cells + i];
			percentiles(col, runs, v);
			for (k = 0; k < 3; k++)
				out->p[k][i * KB_NCARE + c] = v[k];
		}
		for (i = 0; i < ndays; i++) {
			float v[3];
			for (r = 0; r < runs; r++)
				col[r] = (float)mc.nation[c][r * ndays + i];
			percentiles(col, runs, v);
			for (k = 0; k < 3; k++)
				out->nation[k][i * KB_NCARE + c] = v[k];
		}
		if (cares & KB_EPI_KEEP_RUNS)
			out->run[c] = mc.keep[c];
		else
			free(mc.keep[c]);
		free(mc.nation[c]);
	}
	free(col);
	return 0;
}

void kb_epi_bands_release(struct kb_epi_bands *b)
{
	int k;
	for (k = 0; k < 3; k++) {
		free(b->p[k]);
		free(b->nation[k]);
	}
	for (k = 0; k < KB_NCARE; k++)
		free(b->run[k]);
	memset(b, 0, sizeof(*b));
}

/* ---- fitting ---- */

int kb_epi_fit_growth(const double *adm, size_t n, double incubation,
		      double infectious, double *r, double *r0,
		      struct kb_err *err)
{
	double sx = 0, sy = 0, sxx = 0, sxy = 0, k = 0;
	size_t i;
	for (i = 0; i < n; i++)
		if (adm[i] > 0) {
			double x = (double)i, y = log(adm[i]);
			sx += x;
			sy += y;
			sxx += x * x;
			sxy += x * y;
			k++;
		}
	if (k < 3 || k * sxx - sx * sx <= 0)
		return bad(err, "admissions",
			   "at least 3 days with admissions are needed",
			   "入院のある日が 3 日以上必要です");
	*r = (k * sxy - sx * sy) / (k * sxx - sx * sx);
	*r0 = (1 + *r * incubation) * (1 + *r * infectious);
	return 0;
}
