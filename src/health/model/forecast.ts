// Trend forecasts, pure: the month-end cost from the daily trend, and when a charted metric reaches
// its capacity threshold. Both are least-squares straight lines, deliberately simple and explainable.
import { CapacitySnapshot, CostSnapshot } from './snapshot';
import { DAY } from './slaMath';

export interface LinearFit {
  slope: number;
  intercept: number;
  n: number;
}

/** Least-squares line through (x, y); undefined with fewer than two distinct x. */
export function linearFit(xs: readonly number[], ys: readonly number[]): LinearFit | undefined {
  const n = Math.min(xs.length, ys.length);
  if (n < 2) return undefined;
  let sx = 0,
    sy = 0;
  for (let i = 0; i < n; i++) {
    sx += xs[i];
    sy += ys[i];
  }
  const mx = sx / n,
    my = sy / n;
  let sxx = 0,
    sxy = 0;
  for (let i = 0; i < n; i++) {
    sxx += (xs[i] - mx) ** 2;
    sxy += (xs[i] - mx) * (ys[i] - my);
  }
  if (sxx === 0) return undefined;
  const slope = sxy / sxx;
  return { slope, intercept: my - slope * mx, n };
}

const fmtNum = (v: number) => String(Number(Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 10 ? v.toFixed(1) : v.toFixed(2)));

/** "reaches 85% in 12 days" from the metric's points ([t ms, value]) and its threshold. */
export function capacityForecast(
  metricId: string,
  label: string,
  points: ReadonlyArray<readonly [number, number]>,
  threshold: number,
  unit = '',
): CapacitySnapshot {
  const u = unit === 'Percent' || unit === '%' ? '%' : unit ? ` ${unit}` : '';
  const base = { metricId, label, threshold };
  if (points.length < 2) return { ...base, alreadyAbove: false, text: `${label}: not enough data for a trend yet` };
  const t0 = points[0][0];
  const fit = linearFit(
    points.map((p) => (p[0] - t0) / DAY),
    points.map((p) => p[1]),
  );
  const last = points[points.length - 1];
  if (!fit) return { ...base, current: last[1], alreadyAbove: last[1] >= threshold, text: `${label}: not enough data for a trend yet` };
  const xLast = (last[0] - t0) / DAY;
  const current = fit.intercept + fit.slope * xLast;
  const target = `${fmtNum(threshold)}${u}`;
  if (last[1] >= threshold)
    return {
      ...base,
      current: last[1],
      slopePerDay: fit.slope,
      daysToThreshold: 0,
      alreadyAbove: true,
      text: `${label} is at ${fmtNum(last[1])}${u}, above ${target}`,
    };
  if (fit.slope <= 0)
    return { ...base, current, slopePerDay: fit.slope, alreadyAbove: false, text: `${label} is not trending towards ${target}` };
  const days = Math.max(0, (threshold - current) / fit.slope);
  const when = days < 1 ? `in ${Math.max(1, Math.round(days * 24))} h` : `in ${Math.round(days)} day${Math.round(days) === 1 ? '' : 's'}`;
  return {
    ...base,
    current,
    slopePerDay: fit.slope,
    daysToThreshold: days,
    alreadyAbove: false,
    text: `${label} reaches ${target} ${when}`,
  };
}

export interface DailyCost {
  date: string; // YYYY-MM-DD (UTC)
  amount: number;
}

const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/**
 * Month-end forecast: month-to-date actuals of complete days, plus the trend (fitted over the last
 * `trendDays` complete days) projected over today and the rest of the month. Today's figure from
 * Cost Explorer is partial, so it is replaced by the projection rather than added.
 */
export function forecastMonth(
  daily: readonly DailyCost[],
  today: string,
  trendDays = 14,
): { monthToDate: number; forecastMonthEnd: number; forecastDaily: DailyCost[] } {
  const monthPrefix = today.slice(0, 8); // YYYY-MM-
  const inMonth = daily.filter((d) => d.date.startsWith(monthPrefix) && d.date <= today);
  const monthToDate = inMonth.reduce((s, d) => s + d.amount, 0);
  const complete = daily
    .filter((d) => d.date < today)
    .sort((a, b) => a.date.localeCompare(b.date))
    .slice(-trendDays);
  const x = (date: string) => Date.parse(`${date}T00:00:00Z`) / DAY;
  const fit = linearFit(
    complete.map((d) => x(d.date)),
    complete.map((d) => d.amount),
  );
  const mean = complete.length
    ? complete.reduce((s, d) => s + d.amount, 0) / complete.length
    : (inMonth.find((d) => d.date === today)?.amount ?? 0);
  const projected = (date: string) => Math.max(0, fit ? fit.intercept + fit.slope * x(date) : mean);
  const tMs = Date.parse(`${today}T00:00:00Z`);
  const d = new Date(tMs);
  const monthEnd = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
  const forecastDaily: DailyCost[] = [];
  for (let t = tMs; t < monthEnd; t += DAY) forecastDaily.push({ date: isoDay(t), amount: projected(isoDay(t)) });
  const actualBeforeToday = inMonth.filter((c) => c.date < today).reduce((s, c) => s + c.amount, 0);
  const forecastMonthEnd = actualBeforeToday + forecastDaily.reduce((s, c) => s + c.amount, 0);
  return { monthToDate, forecastMonthEnd, forecastDaily };
}

export function budgetAtRisk(c: Pick<CostSnapshot, 'budget' | 'forecastMonthEnd' | 'monthToDate'>): boolean {
  return c.budget !== undefined && (c.forecastMonthEnd > c.budget || c.monthToDate > c.budget);
}
