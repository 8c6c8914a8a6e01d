/**
 * Scraping and reading /metrics in tests through two Prometheus text-format
 * parsers, each covering the other's gap: parse-prometheus-text-format reads
 * every line (NaN included, which prom-client writes as `Nan` for an empty
 * event-loop histogram and Prometheus reads case-insensitively) but merges
 * the series of a labelled histogram; prom2javascript keeps labelled
 * histograms apart and checks every value, but has no NaN.
 */
import assert from 'node:assert/strict';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { getMetricsFromIterator, type PromData, type PromHistogramData, type PromMetric, type PromSummaryData } from 'prom2javascript';

export type Families = Map<string, PromMetric>;

const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary']);

export async function scrape(url: string, token?: string): Promise<{ status: number; contentType: string; text: string }> {
  const res = await fetch(url, token ? { headers: { authorization: `Bearer ${token}` } } : {});
  return { status: res.status, contentType: res.headers.get('content-type') ?? '', text: await res.text() };
}

/** Parses the exposition (the parser throws on a malformed line) and checks what it leaves loose: every family typed and described. */
export async function parseExposition(text: string): Promise<Families> {
  const lines = text.split('\n');
  const all = parsePrometheusTextFormat(text);
  const nan = new Set<string>();
  for (const f of all) {
    assert.ok(TYPES.has(f.type.toLowerCase()), `${f.name} has type ${f.type}`);
    assert.ok(f.help.length > 0, `${f.name} has no # HELP`);
    if (f.metrics.some((s) => s.value !== undefined && /^nan$/i.test(s.value))) nan.add(f.name);
  }
  // prom2javascript gets every line but the NaN samples the first parser has read (it has no NaN).
  const isNan = (l: string): boolean => !l.startsWith('#') && nan.has(l.split(/[{ ]/)[0]!) && /\sNaN$/i.test(l);
  const parsed = await getMetricsFromIterator(lines.filter((l) => !isNan(l))[Symbol.iterator]());
  const families: Families = new Map(Object.entries(parsed));
  assert.deepEqual([...families.keys()].sort(), all.map((f) => f.name).sort(), 'both parsers see the same families');
  // Every sample line belongs to a series the parsers returned (nothing silently dropped).
  const sampleLines = lines.filter((l) => l.trim() !== '' && !l.startsWith('#') && !isNan(l));
  assert.equal(sampleLines.length, seriesCount(families), 'every sample line is one parsed series');
  return families;
}

export async function scrapeParsed(url: string, token: string): Promise<Families> {
  const r = await scrape(`${url}/metrics`, token);
  assert.equal(r.status, 200, r.text);
  return parseExposition(r.text);
}

type Sample = PromData | PromHistogramData | PromSummaryData;
const samples = (f: PromMetric): Sample[] => f.data as Sample[];
const matches = (s: Sample, labels: Record<string, string>): boolean => Object.entries(labels).every(([k, v]) => s.labels[k] === v);

function family(families: Families, name: string): PromMetric {
  const f = families.get(name);
  assert.ok(f, `${name} is not exported`);
  return f;
}

/** Sum of a counter's or gauge's samples with these labels (0 when none); for a histogram, of their counts. */
export function value(families: Families, name: string, labels: Record<string, string> = {}): number {
  return samples(family(families, name)).filter((s) => matches(s, labels))
    .reduce((total, s) => total + ('value' in s ? s.value : s.count ?? 0), 0);
}

/** Sum of a histogram's observations with these labels. */
export function sum(families: Families, name: string, labels: Record<string, string> = {}): number {
  return samples(family(families, name)).filter((s) => matches(s, labels))
    .reduce((total, s) => total + ('sum' in s ? s.sum ?? 0 : 0), 0);
}

/** Label sets of a family's series. */
export function labelSets(families: Families, name: string): Array<Record<string, string>> {
  return samples(family(families, name)).map((s) => s.labels);
}

/** Time series in the exposition: one per sample line (a histogram's buckets, _sum and _count each count). */
export function seriesCount(families: Families, only: (name: string) => boolean = () => true): number {
  let n = 0;
  for (const [name, f] of families) {
    if (!only(name)) continue;
    for (const s of samples(f)) {
      if ('buckets' in s) n += Object.keys(s.buckets).length + ('sum' in s && s.sum !== undefined ? 1 : 0) + 1;
      else if ('quantiles' in s) n += Object.keys(s.quantiles).length + (s.sum !== undefined ? 1 : 0) + (s.count !== undefined ? 1 : 0);
      else n += 1;
    }
  }
  return n;
}
