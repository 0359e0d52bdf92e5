/**
 * `deno task bench:chart`: renders `bench/results/chart.svg` from the result
 * files `bench/results/<runtime>.json` that `deno task bench` and `bun bench/run.ts`
 * write: a horizontal bar per workload, runtime and engine showing its time
 * as a multiple of the host's native WebAssembly, on a log scale.
 */
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import process from "node:process";
import type { BenchResults } from "./run.ts";

/** One bar series: an engine under one runtime. */
interface Series {
  label: string;
  color: string;
  results: BenchResults;
  engine: string;
}

const COLORS: Record<string, string[]> = {
  "wazero-ts": ["#1f4e9c", "#6b9bd8", "#a9c6ec"],
  polywasm: ["#c8641b", "#eba467", "#f5cfa8"],
};

function escapeXml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** Builds the SVG text for the given result files. */
export function renderChart(files: BenchResults[]): string {
  const series: Series[] = [];
  for (const engine of ["wazero-ts", "polywasm"]) {
    files.forEach((results, i) => {
      if (!results.engines.includes(engine)) return;
      const color = COLORS[engine][Math.min(i, 2)];
      series.push({ label: `${engine} on ${results.runtime}`, color, results, engine });
    });
  }
  const names: string[] = [];
  for (const f of files) {
    for (const w of f.workloads) if (!w.pending && !names.includes(w.name)) names.push(w.name);
  }
  names.push("geomean");

  const barH = 11, gap = 2, groupGap = 12, left = 80, right = 70, top = 66;
  const plotW = 600;
  const groupH = series.length * (barH + gap) + groupGap;
  const legendH = 18 * Math.ceil(series.length / 2) + 8;
  const height = top + names.length * groupH + 30 + legendH;
  const width = left + plotW + right;
  let maxRatio = 10, minRatio = 1;
  for (const s of series) {
    for (const w of s.results.workloads) {
      const r = w.engines[s.engine]?.ratio;
      if (r !== undefined) {
        maxRatio = Math.max(maxRatio, r);
        minRatio = Math.min(minRatio, r);
      }
    }
  }
  // The axis spans whole decades: from 0.1× or 1× up to the first power of ten above the data.
  const lo = minRatio < 1 ? Math.floor(Math.log10(minRatio)) : 0;
  const hi = Math.ceil(Math.log10(maxRatio * 1.05));
  const x = (r: number) => left + ((Math.log10(r) - lo) / (hi - lo)) * plotW;

  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" ` +
      `viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`,
  );
  out.push(`<rect width="100%" height="100%" fill="white"/>`);
  out.push(
    `<text x="${left}" y="18" font-size="13" font-weight="bold">` +
      `Time ÷ time on the host's native WebAssembly (log scale, lower is better)</text>`,
  );
  const f0 = files[0];
  const when = files.map((f) =>
    `${f.runtime} ${Object.values(f.versions)[0]} (${f.date.slice(0, 10)})`
  ).join(", ");
  out.push(
    `<text x="${left}" y="36" fill="#555">${
      escapeXml(`${when}; ${f0.machine.cpu}, ${f0.machine.cores} cores`)
    }</text>`,
  );
  // grid
  const plotBottom = top + names.length * groupH;
  for (let d = lo; d <= hi; d++) {
    for (const m of [1, 2, 5]) {
      if (d === hi && m > 1) continue;
      const v = m * 10 ** d;
      const gx = x(v).toFixed(1);
      const stroke = v === 1 ? "#333" : m === 1 ? "#bbb" : "#e4e4e4";
      out.push(
        `<line x1="${gx}" y1="${top - 6}" x2="${gx}" y2="${plotBottom}" stroke="${stroke}"/>`,
      );
      const label = `${Number(v.toPrecision(2))}×`;
      if (v === 1) {
        out.push(`<text x="${gx}" y="${top - 9}" text-anchor="middle" fill="#333">native</text>`);
      }
      out.push(
        `<text x="${gx}" y="${plotBottom + 14}" text-anchor="middle" fill="#444">${label}</text>`,
      );
    }
  }
  names.forEach((name, gi) => {
    const gy = top + gi * groupH;
    const mid = gy + (series.length * (barH + gap)) / 2 + 3;
    out.push(
      `<text x="${left - 8}" y="${mid.toFixed(1)}" text-anchor="end" font-weight="${
        name === "geomean" ? "bold" : "normal"
      }">${name}</text>`,
    );
    series.forEach((s, si) => {
      const y = gy + si * (barH + gap);
      let ratio: number | undefined, fail: string | undefined;
      if (name === "geomean") ratio = s.results.geomean[s.engine]?.ratio;
      else {
        const r = s.results.workloads.find((w) => w.name === name)?.engines[s.engine];
        if (r === undefined) fail = "not run";
        else if (r.status !== "ok") fail = r.status === "unsupported" ? "unsupported" : "FAIL";
        else ratio = r.ratio;
      }
      if (ratio === undefined) {
        out.push(
          `<text x="${left + 4}" y="${y + barH - 2}" fill="#b00">${fail ?? "n/a"} (${
            escapeXml(s.label)
          })</text>`,
        );
        return;
      }
      const x0 = x(10 ** lo), w = Math.max(1, x(ratio) - x0);
      out.push(
        `<rect x="${x0}" y="${y}" width="${w.toFixed(1)}" height="${barH}" fill="${s.color}"/>`,
      );
      out.push(
        `<text x="${(x0 + w + 4).toFixed(1)}" y="${y + barH - 2}" fill="#222">${
          ratio >= 10 ? ratio.toFixed(0) : ratio.toFixed(1)
        }×</text>`,
      );
    });
  });
  // legend
  const ly = plotBottom + 30;
  series.forEach((s, i) => {
    const lx = left + (i % 2) * 280, y = ly + Math.floor(i / 2) * 18;
    out.push(`<rect x="${lx}" y="${y}" width="12" height="12" fill="${s.color}"/>`);
    out.push(`<text x="${lx + 18}" y="${y + 10}">${escapeXml(s.label)}</text>`);
  });
  out.push(`</svg>`);
  return out.join("\n") + "\n";
}

if ((import.meta as { main?: boolean }).main) {
  const dir = join(dirname(fileURLToPath(import.meta.url)), "results");
  const order = ["deno", "bun", "node"];
  // The default runs only (`<runtime>.json`), not `--interpret` ones (`<runtime>-interpret.json`).
  const files = readdirSync(dir).filter((f) => /^[a-z]+\.json$/.test(f)).map((f) =>
    JSON.parse(readFileSync(join(dir, f), "utf8")) as BenchResults
  ).sort((a, b) => order.indexOf(a.runtime) - order.indexOf(b.runtime));
  if (files.length === 0) {
    console.error(`no result files in ${dir}: run deno task bench (and bun bench/run.ts) first`);
    process.exit(1);
  }
  writeFileSync(join(dir, "chart.svg"), renderChart(files));
  console.log(
    `wrote ${join(dir, "chart.svg")} from ${files.map((f) => `${f.runtime}.json`).join(", ")}`,
  );
}
