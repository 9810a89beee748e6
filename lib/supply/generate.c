/*
 * generate.c - a deterministic generator of national supply data, for the
 * demo, the tests and the benchmarks (docs/supply-data.md).
 *
 * Everything follows from the seed (splitmix64).  Hospitals are spread
 * over the prefectures in proportion to the 2020 census (largest
 * remainder), with beds drawn from a log-normal distribution (median 150).
 * Each device has a weekly use per bed (or per ICU bed), a winter peak and
 * a three-tier chain: the device is assembled at one to three sites of
 * marketing-authorisation holders; it needs two to four components, each
 * made at one to three supplier sites; a component needs up to two
 * materials, shared between components and made at one to three sites.
 * Suppliers are spread over 15 countries.
 *
 * The simulation, week by week and device by device: demand at each
 * hospital is Poisson around its mean times the season (and any surge);
 * a hospital uses what it has (the days it runs out are its stock-out
 * days), then orders up to its cover (3 to 5 weeks of demand); deliveries
 * arrive the next week.  Manufacturers hold about three weeks of national
 * demand, produce up to 1.15 times mean demand scaled by what the chain
 * can deliver (the same Leontief rule as chain.c, computed here on the
 * generator's own arrays), and ship orders in proportion when short.
 *
 * Disruptions (a site stops, a country's exports stop, a demand surge in
 * a few neighbouring prefectures, and one still under way at the end) are
 * written to truth.csv with, for each device and scope they hit, the first
 * week when at least 5% of the scope's hospitals (and at least 3) ran
 * out: what early
 * warning has to beat.
 */
#include "core/compat.h"

#include "core/resource.h"
#include "kiban/supply.h"

struct devspec {
	const char *name_ja, *name_en;
	int klass;
	const char *category;
	int reusable;
	const char *unit_ja, *unit_en;
	const char *criteria;
	double use; /* per bed (or ICU bed) per week */
	int icu;    /* use is per ICU bed */
	int resp;   /* respiratory: hit by an epidemic surge */
	double amp; /* seasonal amplitude */
};

static const struct devspec devspecs[] = {
	{ "人工呼吸器", "Ventilator", 3, "呼吸器", 1, "台", "units",
	  "life_sustaining;no_substitute;emergency;infection", 0.02, 1, 1, 0.2 },
	{ "酸素濃縮装置", "Oxygen concentrator", 2, "呼吸器", 1, "台", "units",
	  "life_sustaining;infection", 0.004, 0, 1, 0.2 },
	{ "ECMO 回路", "ECMO circuit", 4, "循環器", 0, "セット", "sets",
	  "life_sustaining;no_substitute;emergency", 0.03, 1, 1, 0.15 },
	{ "人工呼吸器用呼吸回路", "Ventilator breathing circuit", 2, "呼吸器", 0,
	  "本", "pieces", "life_sustaining;emergency;infection", 0.4, 1, 1, 0.2 },
	{ "気管チューブ", "Endotracheal tube", 2, "呼吸器", 0, "本", "pieces",
	  "life_sustaining;emergency", 0.06, 0, 1, 0.15 },
	{ "酸素マスク", "Oxygen mask", 2, "呼吸器", 0, "個", "pieces",
	  "emergency;infection;high_volume", 0.5, 0, 1, 0.25 },
	{ "パルスオキシメータ", "Pulse oximeter", 2, "モニタ", 1, "台", "units",
	  "emergency;infection", 0.01, 0, 1, 0.2 },
	{ "輸液ポンプ", "Infusion pump", 3, "輸液", 1, "台", "units",
	  "life_sustaining;emergency", 0.005, 0, 0, 0.05 },
	{ "シリンジポンプ", "Syringe pump", 3, "輸液", 1, "台", "units",
	  "life_sustaining;emergency", 0.004, 0, 0, 0.05 },
	{ "輸液セット", "Infusion set", 2, "輸液", 0, "本", "pieces",
	  "life_sustaining;high_volume", 2.5, 0, 0, 0.08 },
	{ "延長チューブ", "Extension tube", 2, "輸液", 0, "本", "pieces",
	  "high_volume", 1.5, 0, 0, 0.05 },
	{ "中心静脈カテーテル", "Central venous catheter", 4, "カテーテル", 0,
	  "本", "pieces", "life_sustaining;no_substitute;emergency", 0.08, 0, 0,
	  0.05 },
	{ "末梢静脈カテーテル", "Peripheral IV catheter", 2, "カテーテル", 0,
	  "本", "pieces", "emergency;high_volume", 2.0, 0, 0, 0.05 },
	{ "注射針", "Hypodermic needle", 2, "注射", 0, "本", "pieces",
	  "high_volume", 8.0, 0, 0, 0.1 },
	{ "注射筒（シリンジ）", "Syringe", 2, "注射", 0, "本", "pieces",
	  "high_volume", 7.0, 0, 0, 0.1 },
	{ "血液回路", "Blood tubing set", 3, "透析", 0, "セット", "sets",
	  "life_sustaining;no_substitute", 0.3, 0, 0, 0.02 },
	{ "ダイアライザ", "Dialyser", 3, "透析", 0, "本", "pieces",
	  "life_sustaining;no_substitute", 0.3, 0, 0, 0.02 },
	{ "透析用留置針", "Dialysis fistula needle", 2, "透析", 0, "本",
	  "pieces", "life_sustaining", 0.6, 0, 0, 0.02 },
	{ "尿道カテーテル", "Urinary catheter", 2, "カテーテル", 0, "本",
	  "pieces", "high_volume", 0.5, 0, 0, 0.05 },
	{ "吸引カテーテル", "Suction catheter", 2, "呼吸器", 0, "本", "pieces",
	  "emergency;high_volume", 1.2, 0, 1, 0.15 },
	{ "手術用手袋", "Surgical gloves", 1, "手術", 0, "双", "pairs",
	  "infection;high_volume", 4.0, 0, 0, 0.05 },
	{ "検査・検診用手袋", "Examination gloves", 1, "感染対策", 0, "枚",
	  "pieces", "infection;high_volume", 30.0, 0, 1, 0.15 },
	{ "サージカルガウン", "Surgical gown", 1, "感染対策", 0, "枚", "pieces",
	  "infection;high_volume", 1.5, 0, 1, 0.15 },
	{ "縫合糸", "Surgical suture", 4, "手術", 0, "本", "pieces",
	  "no_substitute;high_volume", 1.0, 0, 0, 0.03 },
	{ "皮膚ステープラ", "Skin stapler", 2, "手術", 0, "個", "pieces",
	  "emergency", 0.05, 0, 0, 0.03 },
	{ "電気手術器用電極", "Electrosurgical electrode", 2, "手術", 0, "本",
	  "pieces", "high_volume", 0.3, 0, 0, 0.03 },
	{ "血管造影用カテーテル", "Angiographic catheter", 4, "循環器", 0, "本",
	  "pieces", "emergency;no_substitute", 0.04, 0, 0, 0.05 },
	{ "冠動脈ステント", "Coronary stent", 4, "循環器", 0, "個", "pieces",
	  "life_sustaining;no_substitute", 0.02, 0, 0, 0.05 },
	{ "PTCA バルーンカテーテル", "PTCA balloon catheter", 4, "循環器", 0,
	  "本", "pieces", "life_sustaining;emergency", 0.03, 0, 0, 0.05 },
	{ "ペースメーカ", "Pacemaker", 4, "循環器", 1, "台", "units",
	  "life_sustaining;no_substitute", 0.003, 0, 0, 0.02 },
	{ "除細動器", "Defibrillator", 3, "救急", 1, "台", "units",
	  "life_sustaining;emergency;no_substitute", 0.001, 0, 0, 0.02 },
	{ "AED パッド", "AED pads", 3, "救急", 0, "組", "sets",
	  "life_sustaining;emergency", 0.02, 0, 0, 0.02 },
	{ "生体情報モニタ", "Patient monitor", 2, "モニタ", 1, "台", "units",
	  "emergency", 0.004, 0, 0, 0.05 },
	{ "心電図電極", "ECG electrode", 2, "モニタ", 0, "枚", "pieces",
	  "high_volume", 5.0, 0, 0, 0.05 },
	{ "血圧トランスデューサ", "Blood pressure transducer", 2, "モニタ", 0,
	  "個", "pieces", "emergency", 0.1, 1, 0, 0.08 },
	{ "経腸栄養チューブ", "Enteral feeding tube", 2, "栄養", 0, "本",
	  "pieces", "high_volume", 0.3, 0, 0, 0.03 },
	{ "胸腔ドレーン", "Chest drain", 3, "手術", 0, "本", "pieces",
	  "emergency", 0.02, 0, 0, 0.05 },
	{ "血液バッグ", "Blood bag", 3, "輸血", 0, "個", "pieces",
	  "life_sustaining;no_substitute", 0.4, 0, 0, 0.03 },
	{ "輸血セット", "Transfusion set", 2, "輸血", 0, "本", "pieces",
	  "life_sustaining", 0.4, 0, 0, 0.03 },
	{ "採血管", "Blood collection tube", 1, "検査", 0, "本", "pieces",
	  "high_volume", 12.0, 0, 0, 0.05 },
	{ "採血針", "Blood collection needle", 2, "検査", 0, "本", "pieces",
	  "high_volume", 6.0, 0, 0, 0.05 },
	{ "造影剤注入用シリンジ", "Contrast injector syringe", 2, "画像診断", 0,
	  "本", "pieces", "emergency", 0.2, 0, 0, 0.03 },
	{ "X 線フィルム（デジタル検出器用カセッテ）", "Digital X-ray cassette",
	  2, "画像診断", 1, "枚", "pieces", "emergency", 0.002, 0, 0, 0.02 },
	{ "滅菌ドレープ", "Sterile drape", 1, "手術", 0, "枚", "pieces",
	  "infection;high_volume", 1.5, 0, 0, 0.05 },
	{ "ネブライザ", "Nebuliser", 2, "呼吸器", 1, "台", "units", "infection",
	  0.003, 0, 1, 0.25 },
	{ "高流量鼻カニュラ", "High-flow nasal cannula", 2, "呼吸器", 0, "本",
	  "pieces", "life_sustaining;emergency;infection", 0.2, 1, 1, 0.25 },
	{ "人工鼻（HME フィルタ）", "Heat and moisture exchanger", 2, "呼吸器",
	  0, "個", "pieces", "infection;high_volume", 1.5, 1, 1, 0.2 },
	{ "インスリン注射針", "Insulin pen needle", 2, "注射", 0, "本",
	  "pieces", "high_volume", 3.0, 0, 0, 0.02 },
	{ "腹膜透析液バッグ回路", "Peritoneal dialysis set", 3, "透析", 0,
	  "セット", "sets", "life_sustaining;no_substitute", 0.1, 0, 0, 0.02 },
	{ "手術用マスク", "Surgical mask", 2, "感染対策", 0, "枚", "pieces",
	  "infection;high_volume", 20.0, 0, 1, 0.2 },
};

#define NDEVSPEC (sizeof(devspecs) / sizeof(devspecs[0]))

static const struct {
	const char *code, *region;
	double weight;
} countries[] = {
	{ "JP", "East Asia", 30 },     { "CN", "East Asia", 15 },
	{ "US", "North America", 10 }, { "DE", "Europe", 6 },
	{ "KR", "East Asia", 5 },      { "TW", "East Asia", 5 },
	{ "MY", "Southeast Asia", 5 }, { "TH", "Southeast Asia", 4 },
	{ "VN", "Southeast Asia", 4 }, { "IN", "South Asia", 4 },
	{ "MX", "North America", 3 },  { "IE", "Europe", 3 },
	{ "SG", "Southeast Asia", 2 }, { "IT", "Europe", 2 },
	{ "FR", "Europe", 2 },
};
#define NCOUNTRY (sizeof(countries) / sizeof(countries[0]))

static const char *const materials[][2] = {
	{ "医療用 PVC", "Medical PVC" },
	{ "シリコーン", "Silicone" },
	{ "ポリプロピレン", "Polypropylene" },
	{ "ポリエチレン", "Polyethylene" },
	{ "ステンレス鋼", "Stainless steel" },
	{ "ニチノール", "Nitinol" },
	{ "ラテックス", "Latex" },
	{ "ニトリルゴム", "Nitrile rubber" },
	{ "不織布", "Nonwoven fabric" },
	{ "ポリウレタン", "Polyurethane" },
	{ "ポリカーボネート", "Polycarbonate" },
	{ "半導体チップ", "Semiconductor chips" },
	{ "リチウムイオン電池", "Lithium-ion cells" },
	{ "液晶パネル", "LCD panels" },
	{ "中空糸膜", "Hollow-fibre membrane" },
	{ "医療用接着剤", "Medical adhesive" },
	{ "酸化エチレン（滅菌用）", "Ethylene oxide (sterilisation)" },
	{ "ヘパリンコーティング剤", "Heparin coating" },
	{ "プラチナ電極材", "Platinum electrode material" },
	{ "ガラス", "Glass" },
};
#define NMATERIAL (sizeof(materials) / sizeof(materials[0]))

static const char *const part_names[][2] = {
	{ "本体筐体", "housing" },     { "制御基板", "control board" },
	{ "チューブ", "tubing" },      { "コネクタ", "connector" },
	{ "センサ", "sensor" },	       { "フィルタ", "filter" },
	{ "バルブ", "valve" },	       { "針管", "cannula" },
	{ "包装材", "packaging" },     { "電源ユニット", "power unit" },
	{ "ポンプ機構", "pump unit" }, { "表示部", "display" },
};
#define NPART (sizeof(part_names) / sizeof(part_names[0]))

/* ---- random numbers: splitmix64 ---- */

struct rng {
	uint64_t s;
};

static uint64_t next(struct rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static double unif(struct rng *r)
{
	return (double)(next(r) >> 11) * (1.0 / 9007199254740992.0);
}

static size_t pick(struct rng *r, size_t n)
{
	return (size_t)(unif(r) * (double)n);
}

static double normal(struct rng *r)
{
	double u = unif(r), v = unif(r);
	return sqrt(-2 * log(u > 1e-300 ? u : 1e-300)) * cos(2 * M_PI * v);
}

static long poisson(struct rng *r, double m)
{
	if (m <= 0)
		return 0;
	if (m < 30) {
		double l = exp(-m), p = 1;
		long k = 0;
		do {
			k++;
			p *= unif(r);
		} while (p > l);
		return k - 1;
	}
	{
		double x = m + sqrt(m) * normal(r);
		return x < 0 ? 0 : (long)(x + 0.5);
	}
}

/* ---- the world ---- */

struct site {
	size_t org;
	size_t country;
};

struct source {
	size_t site;
	double share;
};

struct item {
	struct source src[3];
	size_t nsrc;
	size_t in[4]; /* component or material indices (materials offset) */
	size_t nin;
	double avail;
};

struct world {
	size_t nh, nd, nmah, nsup, nsite, ncomp;
	int *hpref;
	int *beds, *icu;
	double *cover;
	struct site *sites;
	size_t *site_of_org0; /* first site of each supplier/MAH org */
	struct item *dev;     /* nd */
	struct item *comp;    /* ncomp, then NMATERIAL materials */
	unsigned char *down;
};

static void avail_item(struct world *w, struct item *it)
{
	double src = 0, in = 1;
	size_t j;
	for (j = 0; j < it->nsrc; j++)
		if (!w->down[it->src[j].site])
			src += it->src[j].share;
	for (j = 0; j < it->nin; j++)
		if (w->comp[it->in[j]].avail < in)
			in = w->comp[it->in[j]].avail;
	it->avail = src * in;
}

static void avail_all(struct world *w)
{
	size_t i;
	/* materials first, then components, then devices */
	for (i = w->ncomp; i < w->ncomp + NMATERIAL; i++)
		avail_item(w, &w->comp[i]);
	for (i = 0; i < w->ncomp; i++)
		avail_item(w, &w->comp[i]);
	for (i = 0; i < w->nd; i++)
		avail_item(w, &w->dev[i]);
}

static void sources(struct rng *r, struct item *it, const size_t *pool,
		    size_t npool)
{
	double total = 0;
	size_t j, k;
	it->nsrc = 1 + pick(r, 3);
	for (j = 0; j < it->nsrc; j++) {
		it->src[j].site = pool[pick(r, npool)];
		for (k = 0; k < j; k++)
			if (it->src[k].site == it->src[j].site)
				it->src[j].site = pool[pick(r, npool)];
		it->src[j].share = 1 + 3 * unif(r);
		total += it->src[j].share;
	}
	/* shares in whole percents that sum to exactly 100 */
	{
		int left = 100;
		for (j = 0; j < it->nsrc; j++) {
			int pct = j + 1 < it->nsrc
					  ? (int)(100 * it->src[j].share / total)
					  : left;
			if (pct < 1)
				pct = 1;
			left -= pct;
			it->src[j].share = pct / 100.0;
		}
	}
	/* a duplicate site after the retry: merge it into the first */
	for (j = 1; j < it->nsrc; j++)
		for (k = 0; k < j; k++)
			if (it->src[k].site == it->src[j].site) {
				it->src[k].share += it->src[j].share;
				it->src[j] = it->src[--it->nsrc];
				j = 0;
				break;
			}
}

/* Order-up-to level: the hospital's weeks of cover, and never less than
 * a week's demand with a safety margin (so that a slow-moving device is
 * not out of stock by chance every few weeks). */
static double target(double cover, double m)
{
	double safe = m + 3 * sqrt(m) + 1;
	return cover * m > safe ? cover * m : safe;
}

void kb_gen_out_release(struct kb_gen_out *out)
{
	kb_buf_release(&out->devices);
	kb_buf_release(&out->orgs);
	kb_buf_release(&out->sites);
	kb_buf_release(&out->components);
	kb_buf_release(&out->chain);
	kb_buf_release(&out->truth);
}

static void add_uint(struct kb_buf *b, unsigned long v)
{
	char tmp[24];
	size_t n = 0;
	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	kb_buf_grow(b, n);
	while (n)
		b->buf[b->len++] = tmp[--n];
	b->buf[b->len] = '\0';
}

struct pref_info {
	char code[3];
	char *name_ja, *name_en;
	double pop;
};

static int read_prefs(struct pref_info *p, struct kb_err *err)
{
	const struct kb__resource *res =
		kb__resource_find("data/prefectures.csv");
	struct kb_csv c;
	int r, i = 0;
	if ((r = kb_csv_open_mem(&c, "data/prefectures.csv", res->data,
				 res->len, KB_ENC_UTF8, err)))
		return r;
	kb_csv_next(&c, err); /* header */
	while (i < KB_NPREF && kb_csv_next(&c, err) == 1 && c.nf >= 4) {
		snprintf(p[i].code, sizeof(p[i].code), "%s", c.f[0].s);
		p[i].name_ja = kb_strdup(c.f[1].s);
		p[i].name_en = kb_strdup(c.f[2].s);
		p[i].pop = strtod(c.f[3].s, NULL);
		i++;
	}
	kb_csv_release(&c);
	return 0;
}

/* Disruptions. */
enum { EV_SITE, EV_COUNTRY, EV_SURGE };
struct event {
	int kind;
	size_t what; /* site or country */
	int prefs[KB_NPREF + 1];
	size_t start, end;	     /* week indices, end exclusive */
	int found[64][KB_NPREF + 1]; /* shortage week index + 1 per device, scope */
	double loss[64];
};

int kb_supply_generate(const struct kb_gen_opts *o, struct kb_gen_out *out,
		       kb_gen_week_fn week_fn, void *ctx, struct kb_err *err)
{
	struct rng rg = { o->seed * 0x2545f4914f6cdd1dull + 1 };
	struct pref_info prefs[KB_NPREF];
	struct world w;
	struct event ev[4];
	size_t nev = 0;
	size_t i, j, k, d, h, wk;
	size_t *supplier_sites, nss = 0, *mah_sites, nms = 0;
	double *mu, *stock, *deliver, *order, *inv, *cap, *dem_nat, *used_w;
	unsigned char *so_w;
	size_t *silent_from;
	struct kb_buf sb = KB_BUF_INIT, pb = KB_BUF_INIT;
	char codes[NDEVSPEC][12], wkbuf[16];
	int r = 0;

	memset(out, 0, sizeof(*out));
	memset(&w, 0, sizeof(w));
	memset(prefs, 0, sizeof(prefs));
	if ((r = read_prefs(prefs, err)))
		return r;
	w.nh = o->hospitals;
	w.nd = o->devices < NDEVSPEC ? o->devices : NDEVSPEC;
	w.nsup = o->suppliers;
	w.nmah = 12 + w.nd / 2;
	for (d = 0; d < w.nd; d++) /* illustrative JMDN-style codes */
		snprintf(codes[d], sizeof(codes[d]), "%08zu",
			 30000000 + (d + 1) * 1013);

	/* hospitals, by largest remainder over the population */
	{
		double total = 0;
		size_t given = 0, cnt[KB_NPREF];
		double rem[KB_NPREF];
		for (i = 0; i < KB_NPREF; i++)
			total += prefs[i].pop;
		for (i = 0; i < KB_NPREF; i++) {
			double q = w.nh * prefs[i].pop / total;
			cnt[i] = (size_t)q;
			rem[i] = q - (double)cnt[i];
			given += cnt[i];
		}
		while (given < w.nh) {
			size_t best = 0;
			for (i = 1; i < KB_NPREF; i++)
				if (rem[i] > rem[best])
					best = i;
			cnt[best]++;
			rem[best] = -1;
			given++;
		}
		w.hpref = kb_calloc(w.nh + 1, sizeof(int));
		w.beds = kb_calloc(w.nh + 1, sizeof(int));
		w.icu = kb_calloc(w.nh + 1, sizeof(int));
		w.cover = kb_calloc(w.nh + 1, sizeof(double));
		for (i = 0, h = 0; i < KB_NPREF; i++)
			for (j = 0; j < cnt[i]; j++, h++)
				w.hpref[h] = (int)i + 1;
	}
	kb_buf_adds(
		&out->orgs,
		"id,kind,name_ja,name_en,prefecture,beds,icu_beds,country\r\n");
	for (h = 0; h < w.nh; h++) {
		double b = exp(log(150) + 0.7 * normal(&rg));
		w.beds[h] = b < 20 ? 20 : b > 1200 ? 1200 : (int)b;
		w.icu[h] = w.beds[h] >= 200
				   ? (int)(w.beds[h] * (0.02 + 0.03 * unif(&rg)))
				   : 0;
		w.cover[h] = 3 + 2 * unif(&rg);
		kb_buf_addf(
			&out->orgs,
			"H%05zu,hospital,%s病院%05zu,%s Hospital %05zu,%s,%d,%d,JP\r\n",
			h + 1, prefs[w.hpref[h] - 1].name_ja, h + 1,
			prefs[w.hpref[h] - 1].name_en, h + 1,
			prefs[w.hpref[h] - 1].code, w.beds[h], w.icu[h]);
	}
	/* marketing-authorisation holders and suppliers with their sites */
	w.sites = kb_calloc(w.nmah * 3 + w.nsup * 2 + 1, sizeof(*w.sites));
	supplier_sites = kb_calloc(w.nsup * 2 + 1, sizeof(size_t));
	mah_sites = kb_calloc(w.nmah * 3 + 1, sizeof(size_t));
	kb_buf_adds(&out->sites, "id,org,name_ja,name_en,country,region\r\n");
	for (i = 0; i < w.nmah; i++) {
		size_t ns = 1 + pick(&rg, 3);
		kb_buf_addf(
			&out->orgs,
			"M%03zu,mah,医療機器製造販売 %03zu 株式会社,Medical Devices %03zu Co.,%s,,,JP\r\n",
			i + 1, i + 1, i + 1, i % 3 ? "13" : "27");
		for (j = 0; j < ns; j++) {
			/* most assembly is in Japan; some plants abroad */
			size_t c = unif(&rg) < 0.6 ? 0 : pick(&rg, NCOUNTRY);
			struct site *x = &w.sites[w.nsite];
			x->org = i;
			x->country = c;
			kb_buf_addf(
				&out->sites,
				"S%05zu,M%03zu,%03zu 社 第%zu工場,Plant %zu of M%03zu,%s,%s\r\n",
				w.nsite + 1, i + 1, i + 1, j + 1, j + 1, i + 1,
				countries[c].code, countries[c].region);
			mah_sites[nms++] = w.nsite++;
		}
	}
	for (i = 0; i < w.nsup; i++) {
		double t = 0, x = unif(&rg) * 100;
		size_t c = 0, ns = 1 + (unif(&rg) < 0.4);
		for (c = 0; c < NCOUNTRY; c++) {
			t += countries[c].weight;
			if (x < t)
				break;
		}
		if (c == NCOUNTRY)
			c = 0;
		kb_buf_addf(
			&out->orgs,
			"P%04zu,supplier,部材メーカー %04zu,Supplier %04zu,,,,%s\r\n",
			i + 1, i + 1, i + 1, countries[c].code);
		for (j = 0; j < ns; j++) {
			struct site *y = &w.sites[w.nsite];
			y->org = w.nmah + i;
			y->country = j ? pick(&rg, NCOUNTRY) : c;
			kb_buf_addf(
				&out->sites,
				"S%05zu,P%04zu,P%04zu 第%zu拠点,Site %zu of P%04zu,%s,%s\r\n",
				w.nsite + 1, i + 1, i + 1, j + 1, j + 1, i + 1,
				countries[y->country].code,
				countries[y->country].region);
			supplier_sites[nss++] = w.nsite++;
		}
	}
	/* devices, components and materials with their chain */
	w.dev = kb_calloc(w.nd + 1, sizeof(*w.dev));
	w.ncomp = 0;
	w.comp = kb_calloc(w.nd * 4 + NMATERIAL + 1, sizeof(*w.comp));
	kb_buf_adds(&out->devices,
		    "code,name_ja,name_en,class,category,use,unit_ja,unit_en,"
		    "essential,criteria,reasons,designation_reason\r\n");
	kb_buf_adds(&out->components, "id,kind,name_ja,name_en\r\n");
	kb_buf_adds(&out->chain, "item,input,site,share\r\n");
	for (d = 0; d < w.nd; d++) {
		const struct devspec *sp = &devspecs[d];
		static const char *const roman[] = { "I", "II", "III", "IV" };
		kb_buf_addf(
			&out->devices,
			"%s,%s,%s,%s,%s,%s,%s,%s,yes,%s,\"%s\",医療上必要不可欠な医療機器の初回指定（例示）\r\n",
			codes[d], sp->name_ja, sp->name_en, roman[sp->klass - 1],
			sp->category, sp->reusable ? "reusable" : "disposable",
			sp->unit_ja, sp->unit_en, sp->criteria,
			"生成データ: 診療上の必要性と代替性から例示的に指定");
		sources(&rg, &w.dev[d], mah_sites, nms);
		w.dev[d].nin = 2 + pick(&rg, 3);
		for (j = 0; j < w.dev[d].nin; j++) {
			size_t ci = w.ncomp++;
			size_t pn = pick(&rg, NPART);
			struct item *cp = &w.comp[ci];
			w.dev[d].in[j] = ci;
			kb_buf_addf(&out->components,
				    "C%04zu,component,%s用%s,%s %s\r\n", ci + 1,
				    sp->name_ja, part_names[pn][0], sp->name_en,
				    part_names[pn][1]);
			sources(&rg, cp, supplier_sites, nss);
			/* a quarter of components come from one site */
			if (unif(&rg) < 0.25) {
				cp->nsrc = 1;
				cp->src[0].share = 1;
			}
			cp->nin = pick(&rg, 3);
			for (k = 0; k < cp->nin; k++)
				cp->in[k] = w.nd * 4 + pick(&rg, NMATERIAL);
			if (cp->nin == 2 && cp->in[0] == cp->in[1])
				cp->nin = 1;
		}
	}
	/* materials live after the components */
	{
		struct item *moved =
			kb_calloc(w.ncomp + NMATERIAL + 1, sizeof(*moved));
		memcpy(moved, w.comp, w.ncomp * sizeof(*moved));
		for (i = 0; i < NMATERIAL; i++) {
			sources(&rg, &moved[w.ncomp + i], supplier_sites, nss);
			kb_buf_addf(&out->components, "X%03zu,material,%s,%s\r\n",
				    i + 1, materials[i][0], materials[i][1]);
		}
		for (i = 0; i < w.ncomp; i++)
			for (k = 0; k < moved[i].nin; k++)
				moved[i].in[k] =
					w.ncomp + (moved[i].in[k] - w.nd * 4);
		free(w.comp);
		w.comp = moved;
	}
	for (d = 0; d < w.nd; d++) {
		for (j = 0; j < w.dev[d].nin; j++)
			kb_buf_addf(&out->chain, "%s,C%04zu,,\r\n", codes[d],
				    w.dev[d].in[j] + 1);
		for (j = 0; j < w.dev[d].nsrc; j++)
			kb_buf_addf(&out->chain, "%s,,S%05zu,%.2f\r\n",
				    codes[d], w.dev[d].src[j].site + 1,
				    w.dev[d].src[j].share);
	}
	for (i = 0; i < w.ncomp + NMATERIAL; i++) {
		char id[24];
		if (i < w.ncomp)
			snprintf(id, sizeof(id), "C%04zu", i + 1);
		else
			snprintf(id, sizeof(id), "X%03zu", i - w.ncomp + 1);
		for (j = 0; j < w.comp[i].nin; j++)
			kb_buf_addf(&out->chain, "%s,X%03zu,,\r\n", id,
				    w.comp[i].in[j] - w.ncomp + 1);
		for (j = 0; j < w.comp[i].nsrc; j++)
			kb_buf_addf(&out->chain, "%s,,S%05zu,%.2f\r\n", id,
				    w.comp[i].src[j].site + 1,
				    w.comp[i].src[j].share);
	}

	/* disruptions, placed as shares of the period */
	w.down = kb_calloc(w.nsite + 1, 1);
	memset(ev, 0, sizeof(ev));
	if (o->disruptions && o->weeks >= 30) {
		size_t best = 0, s2;
		double worst = 1;
		/* the supplier site whose stop hurts some device most */
		for (s2 = 0; s2 < nss; s2++) {
			size_t site = supplier_sites[s2];
			memset(w.down, 0, w.nsite);
			w.down[site] = 1;
			avail_all(&w);
			for (d = 0; d < w.nd; d++)
				if (w.dev[d].avail < worst) {
					worst = w.dev[d].avail;
					best = site;
				}
		}
		ev[nev].kind = EV_SITE;
		ev[nev].what = best;
		ev[nev].start = o->weeks * 38 / 100;
		ev[nev].end = ev[nev].start + 8;
		nev++;
		ev[nev].kind = EV_COUNTRY;
		ev[nev].what = 1; /* CN */
		ev[nev].start = o->weeks * 58 / 100;
		ev[nev].end = ev[nev].start + 6;
		nev++;
		ev[nev].kind = EV_SURGE;
		ev[nev].prefs[11] = ev[nev].prefs[12] = ev[nev].prefs[13] =
			ev[nev].prefs[14] = 1; /* 11-14: Saitama to Kanagawa */
		ev[nev].start = o->weeks * 77 / 100;
		ev[nev].end = ev[nev].start + 6;
		nev++;
		/* one still under way when the data ends: the second worst */
		ev[nev].kind = EV_SITE;
		ev[nev].start = o->weeks - 5;
		ev[nev].end = o->weeks + 8;
		worst = 1;
		for (s2 = 0; s2 < nms; s2++) {
			size_t site = mah_sites[s2];
			memset(w.down, 0, w.nsite);
			w.down[site] = 1;
			avail_all(&w);
			for (d = 0; d < w.nd; d++)
				if (w.dev[d].avail < worst &&
				    w.dev[d].avail > 0.2) {
					worst = w.dev[d].avail;
					ev[nev].what = site;
				}
		}
		nev++;
	}

	/* demand means and starting stocks */
	mu = kb_calloc(w.nd * w.nh + 1, sizeof(double));
	stock = kb_calloc(w.nd * w.nh + 1, sizeof(double));
	deliver = kb_calloc(w.nd * w.nh + 1, sizeof(double));
	order = kb_calloc(w.nd * w.nh + 1, sizeof(double));
	used_w = kb_calloc(w.nd * w.nh + 1, sizeof(double));
	so_w = kb_calloc(w.nd * w.nh + 1, 1);
	inv = kb_calloc(w.nd + 1, sizeof(double));
	cap = kb_calloc(w.nd + 1, sizeof(double));
	dem_nat = kb_calloc(w.nd + 1, sizeof(double));
	silent_from = kb_calloc(w.nh + 1, sizeof(size_t));
	for (d = 0; d < w.nd; d++) {
		const struct devspec *sp = &devspecs[d];
		for (h = 0; h < w.nh; h++) {
			double base = sp->icu ? (w.icu[h] ? w.icu[h]
							  : 0.3 * w.beds[h] / 100)
					      : w.beds[h];
			double m = sp->use * base * (0.7 + 0.6 * unif(&rg));
			mu[d * w.nh + h] = m;
			stock[d * w.nh + h] = floor(target(w.cover[h], m) + 0.5);
			dem_nat[d] += m;
		}
		cap[d] = 1.15 * dem_nat[d] * (1 + sp->amp);
		inv[d] = 3 * dem_nat[d];
	}
	/* a few hospitals of one prefecture stop reporting near the end */
	for (h = 0; h < w.nh; h++)
		silent_from[h] =
			(w.hpref[h] == 40 && unif(&rg) < 0.15 && o->weeks > 6)
				? o->weeks - 3
				: (size_t)-1;

	/* the weeks */
	for (wk = 0; !r && wk < o->weeks; wk++) {
		int week = o->last_week - (int)(o->weeks - 1 - wk) * 7;
		double woy;
		int out_cnt[64][KB_NPREF + 1], fac_cnt[KB_NPREF + 1];
		time_t t = (time_t)week * 86400;
		struct tm tm;
		gmtime_r(&t, &tm);
		woy = tm.tm_yday / 7.0;
		kb_week_format(week, wkbuf);
		memset(w.down, 0, w.nsite);
		for (i = 0; i < nev; i++) {
			if (wk < ev[i].start || wk >= ev[i].end)
				continue;
			if (ev[i].kind == EV_SITE)
				w.down[ev[i].what] = 1;
			else if (ev[i].kind == EV_COUNTRY)
				for (k = 0; k < w.nsite; k++)
					if (w.sites[k].country == ev[i].what)
						w.down[k] = 1;
		}
		avail_all(&w);
		kb_buf_reset(&sb);
		kb_buf_reset(&pb);
		kb_buf_adds(&sb, "report_id,facility,device,week,stock,"
				 "consumption,stockout_days\r\n");
		kb_buf_adds(&pb, "report_id,org,device,week,production,imports,"
				 "shipments,inventory\r\n");
		memset(out_cnt, 0, sizeof(out_cnt));
		memset(fac_cnt, 0, sizeof(fac_cnt));
		for (h = 0; h < w.nh; h++)
			fac_cnt[w.hpref[h]]++;
		for (d = 0; d < w.nd; d++) {
			const struct devspec *sp = &devspecs[d];
			double season =
				1 + sp->amp * cos(2 * M_PI * (woy - 4) / 52);
			double total_order = 0, made, ship, phi, full;
			double srcsum = 0;
			for (h = 0; h < w.nh; h++) {
				size_t at = d * w.nh + h;
				double m = mu[at] * season, have, used;
				long dem;
				int so = 0;
				for (i = 0; i < nev; i++)
					if (ev[i].kind == EV_SURGE && sp->resp &&
					    ev[i].prefs[w.hpref[h]] &&
					    wk >= ev[i].start && wk < ev[i].end)
						m *= 1 +
						     1.5 * ((wk - ev[i].start) < 2
								    ? (wk -
								       ev[i].start +
								       1) / 2.0
								    : 1);
				stock[at] += deliver[at];
				have = stock[at];
				dem = poisson(&rg, m);
				used = (double)dem < have ? (double)dem : have;
				if ((double)dem > have)
					so = have <= 0
						     ? 7
						     : (int)(7 * (1 - have / dem) +
							     0.5);
				if (so < 0)
					so = 0;
				if ((double)dem > have && !so)
					so = 1;
				stock[at] = have - used;
				order[at] = target(w.cover[h], mu[at] * season) -
					    stock[at];
				if (order[at] < 0)
					order[at] = 0;
				total_order += order[at];
				if (so)
					out_cnt[d][w.hpref[h]]++, out_cnt[d][0]++;
				used_w[at] = used;
				so_w[at] = (unsigned char)so;
			}
			/* manufacturers: produce toward 3 weeks of stock */
			full = cap[d] * w.dev[d].avail;
			made = 3 * dem_nat[d] * season - inv[d] + total_order;
			if (made > full)
				made = full;
			if (made < 0)
				made = 0;
			inv[d] += made;
			ship = total_order < inv[d] ? total_order : inv[d];
			inv[d] -= ship;
			phi = total_order > 0 ? ship / total_order : 0;
			for (h = 0; h < w.nh; h++) {
				size_t at = d * w.nh + h;
				deliver[at] = floor(order[at] * phi + unif(&rg));
			}
			/* each running source makes its share of what is made;
			 * a holder's sites in Japan produce, those abroad import */
			for (j = 0; j < w.dev[d].nsrc; j++)
				if (!w.down[w.dev[d].src[j].site])
					srcsum += w.dev[d].src[j].share;
			for (j = 0; j < w.dev[d].nsrc; j++) {
				size_t m = w.sites[w.dev[d].src[j].site].org;
				double sh = 0, p = 0, q = 0;
				size_t l;
				for (l = 0; l < j; l++)
					if (w.sites[w.dev[d].src[l].site].org == m)
						break;
				if (l < j)
					continue;
				for (l = j; l < w.dev[d].nsrc; l++) {
					const struct source *sx =
						&w.dev[d].src[l];
					double part;
					if (w.sites[sx->site].org != m)
						continue;
					sh += sx->share;
					if (w.down[sx->site] || srcsum <= 0)
						continue;
					part = made * sx->share / srcsum;
					if (w.sites[sx->site].country == 0)
						p += part;
					else
						q += part;
				}
				kb_buf_addf(&pb, "M%03zu-%s,M%03zu,", m + 1,
					    wkbuf, m + 1);
				kb_buf_addf(&pb, "%s,%s,", codes[d], wkbuf);
				add_uint(&pb, (unsigned long)(p + 0.5));
				kb_buf_addch(&pb, ',');
				add_uint(&pb, (unsigned long)(q + 0.5));
				kb_buf_addch(&pb, ',');
				add_uint(&pb, (unsigned long)(ship * sh + 0.5));
				kb_buf_addch(&pb, ',');
				add_uint(&pb, (unsigned long)(inv[d] * sh + 0.5));
				kb_buf_adds(&pb, "\r\n");
			}
		}
		/* each hospital's report together, as hospitals send them */
		for (h = 0; h < w.nh; h++) {
			if (wk >= silent_from[h])
				continue;
			for (d = 0; d < w.nd; d++) {
				size_t at = d * w.nh + h;
				kb_buf_addf(&sb, "H%05zu-%s,H%05zu,", h + 1,
					    wkbuf, h + 1);
				kb_buf_adds(&sb, codes[d]);
				kb_buf_addch(&sb, ',');
				kb_buf_adds(&sb, wkbuf);
				kb_buf_addch(&sb, ',');
				add_uint(&sb, (unsigned long)stock[at]);
				kb_buf_addch(&sb, ',');
				add_uint(&sb, (unsigned long)used_w[at]);
				kb_buf_addch(&sb, ',');
				add_uint(&sb, so_w[at]);
				kb_buf_adds(&sb, "\r\n");
			}
		}
		/* the ground truth: first week with 5% of a scope out */
		for (i = 0; i < nev; i++) {
			if (wk < ev[i].start)
				continue;
			for (d = 0; d < w.nd && d < 64; d++) {
				int p;
				for (p = 0; p <= KB_NPREF; p++) {
					int n = p ? fac_cnt[p] : (int)w.nh;
					if (ev[i].kind == EV_SURGE
						    ? !(devspecs[d].resp && p &&
							ev[i].prefs[p])
						    : p != 0)
						continue;
					if (!ev[i].found[d][p] && n &&
					    out_cnt[d][p] * 20 >= n &&
					    out_cnt[d][p] >= 3 &&
					    wk < ev[i].end + 8)
						ev[i].found[d][p] = (int)wk + 1;
				}
			}
		}
		if (week_fn && (r = week_fn(ctx, week, &sb, &pb)))
			r = kb_err_set(err, r < 0 ? r : KB_EIO, "%s",
				       KB_TR(err->lang,
					     "the generator was stopped",
					     "生成を中止しました"));
	}

	/* truth.csv: the events and, for what they hit, the shortage week */
	kb_buf_adds(&out->truth, "event,kind,what,device,prefecture,"
				 "start_week,end_week,loss,shortage_week\r\n");
	for (i = 0; i < nev; i++) {
		static const char *const kinds[] = { "site_stop", "country_stop",
						     "demand_surge" };
		char a[16], b[16], c[16];
		int first_week = o->last_week - (int)(o->weeks - 1) * 7;
		memset(w.down, 0, w.nsite);
		if (ev[i].kind == EV_SITE)
			w.down[ev[i].what] = 1;
		else if (ev[i].kind == EV_COUNTRY)
			for (k = 0; k < w.nsite; k++)
				w.down[k] = w.sites[k].country == ev[i].what;
		avail_all(&w);
		kb_week_format(first_week + (int)ev[i].start * 7, a);
		kb_week_format(first_week + (int)ev[i].end * 7 - 1, b);
		for (d = 0; d < w.nd && d < 64; d++) {
			int p;
			double loss =
				ev[i].kind == EV_SURGE ? 0 : 1 - w.dev[d].avail;
			if (ev[i].kind != EV_SURGE && loss < 0.05)
				continue;
			for (p = 0; p <= KB_NPREF; p++) {
				if (ev[i].kind == EV_SURGE
					    ? !(devspecs[d].resp && p &&
						ev[i].prefs[p])
					    : p != 0)
					continue;
				c[0] = '\0';
				if (ev[i].found[d][p])
					kb_week_format(
						first_week + (ev[i].found[d][p] -
							      1) * 7,
						c);
				kb_buf_addf(&out->truth, "%zu,%s,", i + 1,
					    kinds[ev[i].kind]);
				if (ev[i].kind == EV_SITE)
					kb_buf_addf(&out->truth, "S%05zu",
						    ev[i].what + 1);
				else if (ev[i].kind == EV_COUNTRY)
					kb_buf_adds(&out->truth,
						    countries[ev[i].what].code);
				else
					kb_buf_adds(&out->truth, "11;12;13;14");
				kb_buf_addf(&out->truth,
					    ",%s,%02d,%s,%s,%.3f,%s\r\n",
					    codes[d], p, a, b, loss, c);
			}
		}
	}
	for (i = 0; i < KB_NPREF; i++) {
		free(prefs[i].name_ja);
		free(prefs[i].name_en);
	}
	free(w.hpref);
	free(w.beds);
	free(w.icu);
	free(w.cover);
	free(w.sites);
	free(w.dev);
	free(w.comp);
	free(w.down);
	free(supplier_sites);
	free(mah_sites);
	free(mu);
	free(stock);
	free(deliver);
	free(order);
	free(used_w);
	free(so_w);
	free(inv);
	free(cap);
	free(dem_nat);
	free(silent_from);
	kb_buf_release(&sb);
	kb_buf_release(&pb);
	if (r)
		kb_gen_out_release(out);
	return r;
}
