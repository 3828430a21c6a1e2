#!/usr/bin/python3
"""Build the shipped molecular data set data/molecules/*.json (MD17-style, ours).

For each molecule: SMILES -> RDKit ETKDG embedding (fixed seed) + MMFF pre-optimisation ->
GFN2-xTB geometry optimisation (xtb --opt) -> GFN2-xTB Born-Oppenheimer MD (xtb --md, NVT at
T_MD, 0.5 fs step, real hydrogen mass, no SHAKE so X-H bonds vibrate) -> every dumped frame after
the equilibration part gets a GFN2-xTB single point with gradient (xtb --grad), giving energy
and forces for exactly the stored coordinates. Stress cases (linear CO2, planar benzene,
tetrahedral CH4) ship their optimised geometry plus a short MD.

Units written: positions in angstrom, energies in eV (total GFN2-xTB energy), forces in eV/angstrom
(F = -dE/dx). Needs Debian's xtb, python3-rdkit. Run from the repo root:
    /usr/bin/python3 data/build-molecules.py
xtb's MD draws its initial velocities itself, so a rebuild gives a statistically equivalent,
not byte-identical, set: the sha256 of the shipped files are in data/molecules/MANIFEST.json.
"""
import hashlib, json, os, shutil, subprocess, sys, tempfile, time

from rdkit import Chem
from rdkit.Chem import AllChem

HARTREE_EV = 27.211386245988          # CODATA 2018
BOHR_ANG = 0.529177210903             # CODATA 2018
T_MD = 500.0                           # K, above room temperature like MD17's 500 K runs
STEP_FS = 0.5
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "molecules")

# name, SMILES, frames kept, dump interval (fs), equilibration frames dropped
MOLECULES = [
    ("ethanol", "CCO", 600, 10.0, 50),
    ("malonaldehyde", "O=CC=CO", 600, 10.0, 50),
    ("aspirin", "CC(=O)Oc1ccccc1C(=O)O", 400, 10.0, 50),
    ("co2", "O=C=O", 40, 10.0, 10),
    ("benzene", "c1ccccc1", 40, 10.0, 10),
    ("methane", "C", 40, 10.0, 10),
]
ENV = dict(os.environ, OMP_NUM_THREADS="1", OMP_STACKSIZE="200M")


def xtb(args, cwd):
    r = subprocess.run(["xtb", *args], cwd=cwd, env=ENV, capture_output=True, text=True)
    if r.returncode != 0:
        sys.stderr.write(r.stdout[-3000:] + r.stderr[-3000:])
        raise SystemExit(f"xtb {' '.join(args)} failed in {cwd}")
    return r.stdout


def write_xyz(path, symbols, pos, comment=""):
    with open(path, "w") as f:
        f.write(f"{len(symbols)}\n{comment}\n")
        for s, p in zip(symbols, pos):
            f.write(f"{s} {p[0]:.10f} {p[1]:.10f} {p[2]:.10f}\n")


def read_xyz_frames(path):
    frames = []
    with open(path) as f:
        lines = f.read().splitlines()
    k = 0
    while k < len(lines) and lines[k].strip():
        n = int(lines[k]); body = lines[k + 2:k + 2 + n]
        frames.append(([l.split()[0] for l in body], [[float(x) for x in l.split()[1:4]] for l in body]))
        k += n + 2
    return frames


def read_gradient(path, n):
    """Turbomole-style `gradient` file: energy (Eh) and dE/dx (Eh/bohr) of the last cycle."""
    lines = open(path).read().splitlines()
    cyc = [i for i, l in enumerate(lines) if "cycle" in l][-1]
    energy = float(lines[cyc].split("=")[2].split()[0])
    g = [[float(x.replace("D", "E")) for x in l.split()] for l in lines[cyc + 1 + n:cyc + 1 + 2 * n]]
    return energy, g


def embed(smiles):
    m = Chem.AddHs(Chem.MolFromSmiles(smiles))
    if AllChem.EmbedMolecule(m, randomSeed=20261129) != 0:
        raise SystemExit(f"RDKit could not embed {smiles}")
    AllChem.MMFFOptimizeMolecule(m)
    c = m.GetConformer()
    return [a.GetSymbol() for a in m.GetAtoms()], [list(c.GetAtomPosition(i)) for i in range(m.GetNumAtoms())]


def build(name, smiles, frames, dump, skip):
    t0 = time.time()
    work = tempfile.mkdtemp(prefix=f"mol-{name}-")
    symbols, pos = embed(smiles)
    write_xyz(os.path.join(work, "start.xyz"), symbols, pos)
    xtb(["start.xyz", "--gfn", "2", "--opt", "tight"], work)
    opt = read_xyz_frames(os.path.join(work, "xtbopt.xyz"))[0][1]
    write_xyz(os.path.join(work, "opt.xyz"), symbols, opt)
    total_fs = (frames + skip) * dump
    with open(os.path.join(work, "md.inp"), "w") as f:
        f.write(f"$md\n   temp={T_MD}\n   time={total_fs / 1000.0}\n   dump={dump}\n   step={STEP_FS}\n"
                "   hmass=1\n   shake=0\n   nvt=true\n$end\n")
    xtb(["opt.xyz", "--gfn", "2", "--md", "--input", "md.inp"], work)
    traj = read_xyz_frames(os.path.join(work, "xtb.trj"))[skip:skip + frames]
    if len(traj) < frames:
        raise SystemExit(f"{name}: MD gave {len(traj)} frames after equilibration, wanted {frames}")
    P, E, F = [], [], []
    sp = os.path.join(work, "sp")
    for k, (_, x) in enumerate(traj):
        shutil.rmtree(sp, ignore_errors=True); os.mkdir(sp)
        write_xyz(os.path.join(sp, "f.xyz"), symbols, x)
        xtb(["f.xyz", "--gfn", "2", "--grad", "--acc", "0.2"], sp)
        e, g = read_gradient(os.path.join(sp, "gradient"), len(symbols))
        P.append(x); E.append(e * HARTREE_EV)
        F.append([[-gi * HARTREE_EV / BOHR_ANG for gi in row] for row in g])
    shutil.rmtree(work)
    Z = [Chem.GetPeriodicTable().GetAtomicNumber(s) for s in symbols]
    out = {
        "name": name, "smiles": smiles, "symbols": symbols, "Z": Z,
        "method": "GFN2-xTB (xtb 6.5.1, Debian), single point with gradient, --acc 0.2",
        "sampling": f"xtb --md NVT {T_MD} K, step {STEP_FS} fs, hmass 1, no SHAKE, dump every {dump} fs, "
                    f"first {skip} dumps dropped, from the GFN2-xTB optimised geometry",
        "units": {"pos": "angstrom", "energy": "eV", "forces": "eV/angstrom"},
        "equilibrium": [[round(v, 6) for v in p] for p in opt],
        "pos": [round(v, 6) for fr in P for p in fr for v in p],
        "energy": [round(e, 6) for e in E],
        "forces": [round(v, 6) for fr in F for p in fr for v in p],
        "frames": len(E),
    }
    path = os.path.join(OUT, f"{name}.json")
    with open(path, "w") as f:
        json.dump(out, f, separators=(",", ":"))
    print(f"{name}: {len(E)} frames, {len(symbols)} atoms, {time.time() - t0:.0f} s", flush=True)


def main():
    os.makedirs(OUT, exist_ok=True)
    only = sys.argv[1:]
    for spec in MOLECULES:
        if not only or spec[0] in only:
            build(*spec)
    manifest = {}
    for fn in sorted(os.listdir(OUT)):
        if fn.endswith(".json") and fn != "MANIFEST.json":
            manifest[fn] = hashlib.sha256(open(os.path.join(OUT, fn), "rb").read()).hexdigest()
    with open(os.path.join(OUT, "MANIFEST.json"), "w") as f:
        json.dump(manifest, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
