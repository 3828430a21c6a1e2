/**
 * Loader for the shipped molecular data set (data/molecules/, built by data/build-molecules.py;
 * provenance, method and units in data/molecules/PROVENANCE.md). MD17-style: configurations of one
 * small molecule from a GFN2-xTB molecular-dynamics run, each with the GFN2-xTB energy and forces
 * of exactly those coordinates. Units: Å, eV, eV/Å.
 *
 * Every load checks the SHA-256 recorded in MANIFEST.json and the array lengths, so a corrupt or
 * hand-edited file fails with a FormatError instead of training on noise.
 *
 *   const eth = data.loadMolecule("ethanol");           // 600 frames × 9 atoms
 *   const { clouds, targets } = data.moleculeFrames(eth, { elements: ["H", "C", "O"] });
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { FormatError, domainError } from "../errors";

/** The molecules shipped (data/molecules/<name>.json). */
export const MOLECULES = [
  "ethanol",
  "malonaldehyde",
  "aspirin",
  "co2",
  "benzene",
  "methane",
] as const;
export type MoleculeName = (typeof MOLECULES)[number];

export interface MoleculeSet {
  name: string;
  smiles: string;
  /** Element symbol and atomic number per atom [A]. */
  symbols: string[];
  Z: Int32Array;
  atoms: number;
  frames: number;
  /** Coordinates [frames·A·3] (Å), energies [frames] (eV), forces [frames·A·3] (eV/Å). */
  pos: Float64Array;
  energy: Float64Array;
  forces: Float64Array;
  /** GFN2-xTB optimised geometry [A·3] (Å), the MD's starting point. */
  equilibrium: Float64Array;
  method: string;
  sampling: string;
  sha256: string;
}

/** <repo>/data/molecules (found from this file: lib/dist/data → ../../../data). */
export function defaultMoleculesDir(): string {
  return resolve(__dirname, "..", "..", "..", "data", "molecules");
}

function numbers(raw: unknown, n: number, what: string, path: string): Float64Array {
  if (!Array.isArray(raw) || raw.length !== n)
    throw new FormatError(
      path,
      `${what}: expected ${n} numbers, got ${Array.isArray(raw) ? raw.length : typeof raw}`,
    );
  const out = Float64Array.from(raw as number[]);
  for (let k = 0; k < n; k++)
    if (!Number.isFinite(out[k]))
      throw new FormatError(path, `${what}[${k}] is not a finite number`);
  return out;
}

/** Load one molecule's frames (validated against MANIFEST.json). */
export function loadMolecule(name: string, opts: { dir?: string } = {}): MoleculeSet {
  if (!(MOLECULES as readonly string[]).includes(name))
    domainError("loadMolecule", "name", JSON.stringify(name), `one of ${MOLECULES.join(", ")}`);
  const dir = resolve(opts.dir ?? defaultMoleculesDir());
  const path = join(dir, `${name}.json`);
  const mpath = join(dir, "MANIFEST.json");
  if (!existsSync(path))
    throw new FormatError(path, "missing (run /usr/bin/python3 data/build-molecules.py)");
  if (!existsSync(mpath)) throw new FormatError(mpath, "missing");
  const bytes = readFileSync(path);
  const sha256 = createHash("sha256").update(bytes).digest("hex");
  let manifest: Record<string, string>;
  try {
    manifest = JSON.parse(readFileSync(mpath, "utf8"));
  } catch (e) {
    throw new FormatError(mpath, `not JSON (${(e as Error).message})`);
  }
  if (manifest[`${name}.json`] !== sha256)
    throw new FormatError(
      path,
      `SHA-256 ${sha256} does not match MANIFEST.json (${manifest[`${name}.json`]})`,
    );
  const d = JSON.parse(bytes.toString("utf8"));
  const A = Array.isArray(d.Z) ? d.Z.length : 0,
    F = d.frames;
  if (!(A >= 1) || !Array.isArray(d.symbols) || d.symbols.length !== A)
    throw new FormatError(path, "Z and symbols must list the same atoms");
  if (!(Number.isInteger(F) && F >= 1)) throw new FormatError(path, `frames = ${F}`);
  return {
    name: d.name,
    smiles: d.smiles,
    symbols: d.symbols,
    Z: Int32Array.from(d.Z),
    atoms: A,
    frames: F,
    pos: numbers(d.pos, F * A * 3, "pos", path),
    energy: numbers(d.energy, F, "energy", path),
    forces: numbers(d.forces, F * A * 3, "forces", path),
    equilibrium: numbers(d.equilibrium?.flat?.(), A * 3, "equilibrium", path),
    method: d.method,
    sampling: d.sampling,
    sha256,
  };
}

/** One configuration as a point cloud: coordinates and species index per atom. */
export interface MoleculeFrame {
  pos: Float64Array;
  types: Int32Array;
}

/**
 * Frames `indices` (default all) of a set as clouds with species indices into `elements`
 * (default ["H", "C", "O"]) and their targets: energy (eV), forces (eV/Å).
 */
export function moleculeFrames(
  m: MoleculeSet,
  opts: { elements?: readonly string[]; indices?: ArrayLike<number> } = {},
): { clouds: MoleculeFrame[]; energy: number[]; forces: Float64Array[] } {
  const elements = opts.elements ?? ["H", "C", "O"];
  const types = Int32Array.from(m.symbols, (s) => {
    const t = elements.indexOf(s);
    if (t < 0)
      domainError(
        "moleculeFrames",
        "elements",
        JSON.stringify(elements),
        `a list containing ${s} (in ${m.name})`,
      );
    return t;
  });
  const idx = opts.indices ?? Array.from({ length: m.frames }, (_, k) => k);
  const A = m.atoms,
    clouds: MoleculeFrame[] = [],
    energy: number[] = [],
    forces: Float64Array[] = [];
  for (let n = 0; n < idx.length; n++) {
    const k = idx[n];
    if (!(Number.isInteger(k) && k >= 0 && k < m.frames))
      domainError("moleculeFrames", `indices[${n}]`, k, `an integer in [0, ${m.frames - 1}]`);
    clouds.push({ pos: m.pos.slice(3 * A * k, 3 * A * (k + 1)), types });
    energy.push(m.energy[k]);
    forces.push(m.forces.slice(3 * A * k, 3 * A * (k + 1)));
  }
  return { clouds, energy, forces };
}
