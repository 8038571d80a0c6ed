import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import { chromium, type Browser, type Page } from "playwright-core";

/**
 * A real browser for the reports' Mermaid blocks: Debian's `chromium` driven by playwright-core (which
 * downloads nothing), with the `mermaid` package loaded into one page. Blocks render one after another
 * in that page, at GitHub's content width, and the page measures what a reader would see.
 */

/** GitHub's Markdown column is about 880 px wide; a wider SVG is scaled down to it. */
export const GITHUB_WIDTH = 880;
/** GitHub's page backgrounds: light and dark (#0d1117). */
export const BACKGROUNDS = ["#ffffff", "#0d1117"] as const;

/** The browser to drive: $CHROMIUM when set, else `chromium` (or `chromium-browser`) on the PATH. */
export function chromiumPath(): string | null {
  if (process.env.CHROMIUM) return process.env.CHROMIUM;
  for (const name of ["chromium", "chromium-browser"]) {
    try {
      return execFileSync("sh", ["-c", `command -v ${name}`], { encoding: "utf8" }).trim() || null;
    } catch {
      // not this name
    }
  }
  return null;
}

/** What a rendered block shows a reader at GitHub's width. */
export interface Rendered {
  /** The parse or render error, when Mermaid refused the block. */
  error?: string;
  kind?: string;
  /** The SVG's own width, and the scale GitHub draws it at: min(1, 880 / width). */
  width?: number;
  scale?: number;
  /** Each visible text with its font size as rendered at 880 px (font size × scale). */
  texts?: Array<{ text: string; px: number }>;
  /** The x axis' tick labels with their boxes, left to right. */
  xLabels?: Array<{ text: string; left: number; right: number; top: number; bottom: number }>;
  /** The colours the chart's series are drawn in (line strokes, bar fills). */
  seriesColours?: string[];
  /**
   * Texts that reach outside the box drawn around them (a timeline's section, period or event), with
   * how far (px at 880 px) past the box's furthest edge.
   */
  overflows?: Array<{ text: string; by: number }>;
}

export interface MermaidPage {
  render(code: string): Promise<Rendered>;
  /** Renders an HTML body (Mermaid blocks as `<pre class="mermaid">`) in an 880 px column and saves a PNG. */
  screenshot(html: string, path: string): Promise<void>;
  close(): Promise<void>;
}

const mermaidScript = createRequire(import.meta.url).resolve("mermaid/dist/mermaid.min.js");

const PAGE = `<!doctype html><html><head><meta charset="utf-8"><style>
body { margin: 0; background: #ffffff; font: 16px/1.5 -apple-system, "Segoe UI", "Noto Sans", Helvetica, Arial, sans-serif; color: #1f2328; }
#c { width: ${GITHUB_WIDTH}px; padding: 16px 0; }
#c svg { max-width: 100%; height: auto; }
table { border-collapse: collapse; font-size: 14px; } td, th { border: 1px solid #d1d9e0; padding: 4px 10px; }
code { font-size: 85%; background: #eff1f3; padding: 0.2em 0.4em; border-radius: 6px; }
h1 { font-size: 28px; } h2 { font-size: 22px; border-bottom: 1px solid #d1d9e0; }
</style></head><body><div id="c"></div></body></html>`;

/**
 * Runs in the page (plain JavaScript: this project's TypeScript has no DOM types): renders one block
 * into the 880 px column and measures it as GitHub would show it.
 */
const MEASURE = String.raw`async ({ code, id, width }) => {
  const box = document.getElementById("c");
  box.innerHTML = "";
  let svgText;
  try {
    await mermaid.parse(code);
    svgText = (await mermaid.render(id, code)).svg;
  } catch (e) {
    document.getElementById(id)?.remove();
    document.getElementById("d" + id)?.remove();
    return { error: String(e?.message ?? e) };
  }
  box.innerHTML = svgText;
  const svg = box.querySelector("svg");
  const vb = svg.viewBox.baseVal;
  const own = vb && vb.width ? vb.width : svg.getBoundingClientRect().width;
  const scale = Math.min(1, width / own);
  const texts = [...svg.querySelectorAll("text")]
    .filter((t) => (t.textContent ?? "").trim() !== "" && t.getBoundingClientRect().width > 0)
    .map((t) => ({ text: t.textContent.trim(), px: parseFloat(getComputedStyle(t).fontSize) * scale }));
  const xLabels = [...svg.querySelectorAll("g.bottom-axis g.label text")]
    .map((t) => {
      const r = t.getBoundingClientRect();
      return { text: t.textContent.trim(), left: r.left, right: r.right, top: r.top, bottom: r.bottom };
    })
    .sort((a, b) => a.left - b.left);
  const colours = [
    ...[...svg.querySelectorAll("g.plot path")].map((p) => p.getAttribute("stroke") ?? ""),
    ...[...svg.querySelectorAll("g.plot rect")].map((r) => r.getAttribute("fill") ?? ""),
  ].filter((c) => c && c !== "none");
  // A timeline draws each section, period and event as a box (path.node-bkg) with its text beside it in the same node.
  const overflows = [...svg.querySelectorAll("g.timeline-node")].flatMap((node) => {
    const bkg = node.querySelector(".node-bkg");
    if (!bkg) return [];
    const b = bkg.getBoundingClientRect();
    return [...node.querySelectorAll("text")].flatMap((t) => {
      const r = t.getBoundingClientRect();
      const by = Math.max(b.left - r.left, r.right - b.right, b.top - r.top, r.bottom - b.bottom);
      return (t.textContent ?? "").trim() !== "" && by > 0.5 ? [{ text: t.textContent.trim(), by }] : [];
    });
  });
  return { kind: svg.getAttribute("aria-roledescription") ?? "", width: own, scale, texts, xLabels, seriesColours: [...new Set(colours)], overflows };
}`;

/** Renders an HTML fragment whose Mermaid blocks are `<pre class="mermaid">`. */
const SHOW = String.raw`async (html) => {
  document.getElementById("c").innerHTML = html;
  await mermaid.run({ querySelector: "#c pre.mermaid" });
}`;

/** Opens one page with Mermaid loaded; GitHub's default (light) theme. */
export async function openMermaidPage(executablePath: string): Promise<MermaidPage> {
  const browser: Browser = await chromium.launch({ executablePath, args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"] });
  const page: Page = await browser.newPage({ viewport: { width: GITHUB_WIDTH, height: 900 } });
  await page.setContent(PAGE);
  await page.addScriptTag({ path: mermaidScript });
  await page.evaluate(`mermaid.initialize({ startOnLoad: false, securityLevel: "strict", theme: "default" })`);
  let n = 0;
  return {
    async render(code: string): Promise<Rendered> {
      n++;
      const arg = JSON.stringify({ code, id: `m${n}`, width: GITHUB_WIDTH });
      return page.evaluate<Rendered>(`(${MEASURE})(${arg})`);
    },
    async screenshot(html: string, path: string): Promise<void> {
      await page.evaluate(`(${SHOW})(${JSON.stringify(html)})`);
      await page.locator("#c").screenshot({ path });
    },
    async close() {
      await browser.close();
    },
  };
}

/** WCAG relative luminance of a #rrggbb colour. */
export function luminance(hex: string): number {
  const m = /^#?([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex.trim());
  if (!m) throw new Error(`not a #rrggbb colour: ${hex}`);
  const [r, g, b] = [m[1]!, m[2]!, m[3]!].map((h) => {
    const c = parseInt(h, 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** WCAG contrast ratio of two colours (1 to 21). */
export function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}
