/**
 * Pins the control catalogue (house style: "one test pins the full list of rule ids so a dropped rule is loud"):
 * the control ids found under definitions/ must be exactly EXPECTED, every control file must default-export the
 * control its path names, and every control must have its own test under test/definitions/<unit>/.
 * Adding a control means adding its id here and writing its test.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isControl } from '../../src/compiler/compile-control.js';
import { UNITS } from '../../src/model.js';
import { repoRoot } from '../helpers/cli.js';

const EXPECTED: readonly string[] = [
  'ZT-HUB-01', 'ZT-HUB-03', 'ZT-HUB-04', 'ZT-HUB-05', 'ZT-HUB-06', 'ZT-HUB-07', 'ZT-HUB-11', 'ZT-HUB-12', 'ZT-HUB-13',
  'ZT-MDC-09',
  'ZT-SPK-01', 'ZT-SPK-02', 'ZT-SPK-03', 'ZT-SPK-04', 'ZT-SPK-05', 'ZT-SPK-06', 'ZT-SPK-07', 'ZT-SPK-12',
  'ZT-STG-02', 'ZT-STG-03', 'ZT-STG-04', 'ZT-STG-07',
  'ZT-VM-01', 'ZT-VM-03', 'ZT-VM-04', 'ZT-VM-05', 'ZT-VM-12', 'ZT-VM-13',
];

interface Found {
  file: string;
  unit: string;
  base: string;
  control: { name: string; controlId: string; unit: string };
}

async function loadControls(): Promise<Found[]> {
  const root = join(repoRoot, 'definitions');
  const found: Found[] = [];
  for (const unit of readdirSync(root, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort()) {
    for (const f of readdirSync(join(root, unit)).filter((x) => x.endsWith('.ts')).sort()) {
      const mod = (await import(pathToFileURL(join(root, unit, f)).href)) as { default: unknown };
      if (!isControl(mod.default)) throw new Error(`definitions/${unit}/${f} does not default-export a control (defineControl)`);
      found.push({ file: `definitions/${unit}/${f}`, unit, base: f.replace(/\.ts$/, ''), control: mod.default });
    }
  }
  return found;
}

describe('control catalogue', async () => {
  const controls = await loadControls();

  it('holds exactly the expected control ids (a dropped or unlisted control fails here)', () => {
    expect([...new Set(controls.map((c) => c.control.controlId))].sort()).toEqual([...EXPECTED].sort());
  });

  it('definition names are unique, and a control with several definitions names each after its id', () => {
    // A control may need more than one definition (ZT-SPK-04: the Modify and the audit of the priority clash).
    const names = controls.map((c) => c.control.name);
    expect(names.filter((n, i) => names.indexOf(n) !== i)).toEqual([]);
    for (const c of controls) expect(c.control.name.startsWith(`${c.control.controlId.toLowerCase()}-`)).toBe(true);
  });

  it('each file is named after its policy name and sits in its unit folder', () => {
    for (const c of controls) {
      expect({ file: c.file, name: c.control.name, unit: c.control.unit }).toEqual({ file: c.file, name: c.base, unit: c.unit });
    }
  });

  it('every control has a test file test/definitions/<unit>/<name>.test.ts', () => {
    const missing = controls.map((c) => `test/definitions/${c.unit}/${c.base}.test.ts`).filter((t) => !existsSync(join(repoRoot, t)));
    expect(missing).toEqual([]);
  });

  it('every unit has at least one control, except monitoring (its only control ZT-MON-01 is a built-in member)', () => {
    const units = new Set(controls.map((c) => c.unit));
    expect(UNITS.filter((u) => !units.has(u))).toEqual(['monitoring']);
  });
});
