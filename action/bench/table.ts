/** Prints a titled, aligned table: benchmarks print tables, tests never assert timings. */
export function printTable(title: string, rows: string[][]): void {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? "").length)));
  const line = (r: string[]) => `| ${r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join(" | ")} |`;
  process.stdout.write(`\n${title}\n${line(rows[0]!)}\n|${widths.map((w) => "-".repeat(w + 2)).join("|")}|\n${rows.slice(1).map(line).join("\n")}\n`);
}
