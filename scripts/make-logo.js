#!/usr/bin/env node
/**
 * The kernelspec logo (ours): the drum mode J₀(j₀,₃·r) on the unit disk — the Bessel function
 * every notebook here runs through — in the blue-white-red map the notebooks use for signed data.
 * Writes lib/assets/logo/logo-32x32.png, logo-64x64.png (Jupyter's kernelspec logo names) and
 * logo-svg.svg. Deterministic: re-running gives the same bytes.
 *   npm run build && node scripts/make-logo.js
 */
const fs = require("fs");
const path = require("path");
const root = path.resolve(__dirname, "..");
const { special, plot } = require(path.join(root, "lib", "dist"));
const out = path.join(root, "lib", "assets", "logo");
fs.mkdirSync(out, { recursive: true });

const z3 = special.besselJZeros(0, 3)[2]; // third zero of J0: three rings inside the disk
for (const n of [32, 64]) {
  const ss = 4; // 4×4 supersampling per pixel for smooth edges
  const rgb = new Uint8Array(n * n * 3);
  for (let py = 0; py < n; py++) {
    for (let px = 0; px < n; px++) {
      const acc = [0, 0, 0];
      for (let sy = 0; sy < ss; sy++) {
        for (let sx = 0; sx < ss; sx++) {
          const x = ((px + (sx + 0.5) / ss) / n) * 2 - 1;
          const y = ((py + (sy + 0.5) / ss) / n) * 2 - 1;
          const r = Math.hypot(x, y) / 0.94;
          let c = [255, 255, 255];
          if (r <= 1) {
            const v = special.besselJ(0, z3 * r);
            c = Array.from(plot.colorize([v], [-0.4, 0.4], "bluered").pixels);
          }
          for (let k = 0; k < 3; k++) acc[k] += c[k];
        }
      }
      for (let k = 0; k < 3; k++) rgb[3 * (py * n + px) + k] = Math.round(acc[k] / (ss * ss));
    }
  }
  fs.writeFileSync(path.join(out, `logo-${n}x${n}.png`), plot.encodePng(n, n, rgb, 3));
}

// SVG: the same disk as concentric rings, one annulus per 1/24 of the radius, coloured by J0
// at the annulus's middle radius.
const rings = [];
const N = 24;
for (let i = N - 1; i >= 0; i--) {
  const r = (i + 0.5) / N;
  const c = plot.colorize([special.besselJ(0, z3 * r)], [-0.4, 0.4], "bluered").pixels;
  const hex = "#" + Array.from(c, (b) => b.toString(16).padStart(2, "0")).join("");
  rings.push(`<circle cx="32" cy="32" r="${((30 * (i + 1)) / N).toFixed(3)}" fill="${hex}"/>`);
}
const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64" viewBox="0 0 64 64">` +
  `<title>besselbook: J0 drum mode</title>${rings.join("")}</svg>\n`;
fs.writeFileSync(path.join(out, "logo-svg.svg"), svg);
console.log(`wrote ${path.relative(root, out)}/logo-32x32.png, logo-64x64.png, logo-svg.svg`);
