#!/usr/bin/env node
// Renders docs/grafana-dashboard.json as a static preview image (docs/grafana-dashboard.png): the
// dashboard's own panels, titles, grid positions, units and legends, drawn with made-up sample data
// (a deterministic pseudo-random walk), not by Grafana. It shows the layout of the import.
//
//   node scripts/render-dashboard-preview.mjs [--chromium /usr/bin/chromium]
//
// Needs a headless Chromium (Debian: `apt-get install -y chromium`).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({ options: { chromium: { type: 'string', default: 'chromium' } } });
const dashboard = JSON.parse(readFileSync(join(root, 'docs/grafana-dashboard.json'), 'utf8'));

const COL = 62; // px per grid column (24 columns)
const ROW = 30; // px per grid row
const WIDTH = COL * 24;
const COLORS = [
  '#73bf69',
  '#f2cc0c',
  '#5794f2',
  '#ff780a',
  '#b877d9',
  '#f2495c',
  '#8ab8ff',
  '#96d98d',
];

let seed = 42;
function random() {
  seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
  return seed / 2_147_483_648;
}

/** Sample legend names for a `{{label}}` legend format. */
const SAMPLE_LABELS = {
  model: ['gpt-4o', 'claude-sonnet-4-5', 'gpt-4o-mini'],
  status_class: ['2xx', '4xx', '5xx'],
  type: ['input', 'output'],
  reason: ['security_blocked', 'budget_exceeded', 'rate_limited'],
  outcome: ['exported', 'failed', 'dropped'],
  state: ['closed'],
  instance: ['llmtrace-0:8080', 'llmtrace-1:8080'],
};

/** Label values that fit the metric a legend belongs to. */
function samplesFor(label, expr) {
  if (label === 'reason' && expr.includes('traces_dropped')) return ['queue_full', 'storage'];
  if (label === 'outcome' && expr.includes('storage_write')) return ['ok', 'error'];
  if (label === 'outcome' && expr.includes('alert_deliveries'))
    return ['sent', 'suppressed', 'failed'];
  if (label === 'type' && expr.includes('findings')) return ['prompt_injection', 'pii', 'secret'];
  return SAMPLE_LABELS[label] ?? ['a'];
}

const SEVERITIES = { prompt_injection: 'high', pii: 'medium', secret: 'critical' };

function legends(format, expr) {
  const labels = [...format.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]);
  if (labels.length === 0) return [format];
  let names = [format];
  for (const label of labels) {
    if (label === 'severity') continue;
    const pick = samplesFor(label, expr).slice(0, 3);
    names = names.flatMap((n) => pick.map((v) => n.replace(`{{${label}}}`, v)));
  }
  return names
    .slice(0, 4)
    .map((n) =>
      n.replace(
        /^(\w+) \(\{\{severity\}\}\)$/,
        (_, type) => `${type} (${SEVERITIES[type] ?? 'high'})`,
      ),
    );
}

function series(points, base) {
  const out = [];
  let v = base * (0.6 + random() * 0.8);
  for (let i = 0; i < points; i++) {
    v = Math.max(0, v + (random() - 0.5) * base * 0.25 + Math.sin(i / 9) * base * 0.03);
    out.push(v);
  }
  return out;
}

function timeseries(panel, w, h) {
  const lines = panel.targets.flatMap((t) => legends(t.legendFormat ?? '', t.expr));
  const data = lines.map((_, i) => series(60, 10 / (i + 1)));
  const stacked = panel.fieldConfig.defaults.custom?.stacking?.mode === 'normal';
  if (stacked)
    for (let i = 1; i < data.length; i++) data[i] = data[i].map((v, j) => v + data[i - 1][j]);
  const max = Math.max(...data.flat(), 1);
  const plotH = h - 34 - 22;
  const paths = data
    .map((d, i) => {
      const pts = d.map(
        (v, j) => `${(j / (d.length - 1)) * (w - 50) + 40},${plotH - (v / max) * (plotH - 6) + 4}`,
      );
      const color = COLORS[i % COLORS.length];
      const fill =
        stacked || i === 0
          ? `<polygon points="40,${plotH + 4} ${pts.join(' ')} ${w - 10},${plotH + 4}" fill="${color}" fill-opacity="0.12"/>`
          : '';
      return `${fill}<polyline points="${pts.join(' ')}" fill="none" stroke="${color}" stroke-width="1.5"/>`;
    })
    .join('');
  const grid = [0, 0.25, 0.5, 0.75, 1]
    .map(
      (f) =>
        `<line x1="40" x2="${w - 10}" y1="${4 + f * (plotH - 6)}" y2="${4 + f * (plotH - 6)}" stroke="#2c3235"/>`,
    )
    .join('');
  const legend = lines
    .map(
      (l, i) => `<span><i style="background:${COLORS[i % COLORS.length]}"></i>${escape(l)}</span>`,
    )
    .join('');
  return `<svg width="${w - 10}" height="${plotH + 8}">${grid}${paths}</svg><div class="legend">${legend}</div>`;
}

const STAT_SAMPLES = {
  reqps: '41.7 req/s',
  percentunit: '0.42%',
  currencyUSD: '$182.40',
  short: '9.81K',
  s: '612 ms',
};

function stat(panel) {
  const unit = panel.fieldConfig.defaults.unit;
  const value = panel.title.startsWith('Proxy overhead') ? '412 µs' : (STAT_SAMPLES[unit] ?? '1');
  const spark = series(40, 5);
  const max = Math.max(...spark);
  const pts = spark.map((v, i) => `${(i / 39) * 100}%,${60 - (v / max) * 40}`);
  return `<div class="stat">${value}</div><svg class="spark" width="100%" height="64" viewBox="0 0 100 64" preserveAspectRatio="none"><polyline points="${pts.join(' ').replaceAll('%', '')}" fill="none" stroke="#73bf69" stroke-width="0.8"/></svg>`;
}

function escape(text) {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

let bottom = 0;
const blocks = dashboard.panels.map((panel) => {
  const { x, y, w, h } = panel.gridPos;
  bottom = Math.max(bottom, (y + h) * ROW);
  const style = `left:${x * COL}px;top:${y * ROW}px;width:${w * COL - 8}px;height:${h * ROW - 8}px`;
  if (panel.type === 'row') return `<div class="row" style="${style}">${escape(panel.title)}</div>`;
  const body = panel.type === 'stat' ? stat(panel) : timeseries(panel, w * COL - 8, h * ROW - 8);
  return `<div class="panel" style="${style}"><div class="title">${escape(panel.title)}</div>${body}</div>`;
});

const html = `<!doctype html><html><head><meta charset="utf-8"><style>
body{margin:0;background:#111217;color:#ccccdc;font:12px/1.3 Inter,Helvetica,Arial,sans-serif}
header{height:44px;display:flex;align-items:center;gap:16px;padding:0 12px;border-bottom:1px solid #2c3235}
header b{font-size:16px;color:#fff}header span{background:#22252b;border:1px solid #2c3235;padding:3px 8px;border-radius:2px}
.note{margin-left:auto;color:#8e8e8e;font-style:italic}
.grid{position:relative;margin:8px 12px;height:${bottom}px}
.panel{position:absolute;background:#181b1f;border:1px solid #2c3235;border-radius:2px;overflow:hidden}
.title{padding:6px 8px;font-weight:500;color:#ccccdc;height:16px;white-space:nowrap;overflow:hidden}
.row{position:absolute;font-weight:600;font-size:14px;color:#fff;padding-top:6px}
.stat{font-size:30px;font-weight:500;color:#73bf69;padding:2px 10px;position:relative;z-index:1}
.spark{position:absolute;bottom:0;left:0}
.legend{display:flex;flex-wrap:wrap;gap:4px 12px;padding:0 8px;font-size:11px}
.legend i{display:inline-block;width:12px;height:3px;margin-right:4px;vertical-align:middle}
svg{display:block;margin-left:4px}
</style></head><body><header><b>${escape(dashboard.title)}</b><span>Job: All</span><span>Model: All</span><span>Last 6 hours</span>
<span class="note">preview rendered from docs/grafana-dashboard.json with sample data, not a Grafana screenshot</span></header>
<div class="grid">${blocks.join('\n')}</div></body></html>`;

const dir = mkdtempSync(join(tmpdir(), 'llmtrace-dashboard-'));
const page = join(dir, 'preview.html');
writeFileSync(page, html);
const out = join(root, 'docs/grafana-dashboard.png');
const result = spawnSync(
  values.chromium,
  [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--hide-scrollbars',
    `--window-size=${WIDTH + 24},${bottom + 70}`,
    `--screenshot=${out}`,
    `file://${page}`,
  ],
  { stdio: 'inherit' },
);
rmSync(dir, { recursive: true, force: true });
if (result.status !== 0) process.exit(result.status ?? 1);
console.log(`wrote ${out}`);
