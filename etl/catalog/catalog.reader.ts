/**
 * Reads and validates the catalog: the indicator registry (`indicators.yaml`) and one file per
 * plan (`plans/<plan-id>.yaml`). Every rule is checked on every entry and all findings are thrown
 * together as one `CatalogError`, each as "rule, but got value at file, line".
 */
import { access, readdir } from 'node:fs/promises';
import { join } from 'node:path';

import { readAdminUnitValidity } from './admin-unit-validity.ts';
import { CatalogError, type CatalogFinding } from './catalog-error.ts';
import type { Catalog, Indicator, Plan } from './catalog.types.ts';
import { readIndicators } from './indicator.rules.ts';
import { PLANS_DIR, readPlan, type Registry } from './plan.rules.ts';
import { Checker, parseYamlFile, show } from './yaml-checker.ts';

export type {
  AreaRef,
  Catalog,
  CatalogLocation,
  Comparator,
  Indicator,
  IndicatorKind,
  MeasureOperand,
  Operand,
  PopulationOperand,
  Plan,
  Quote,
  SourceRef,
  Target,
  Topic,
} from './catalog.types.ts';
export { CatalogError, type CatalogFinding } from './catalog-error.ts';

/** Options of `readCatalog`. */
export interface ReadCatalogOptions {
  /** The admin-unit reference; defaults to `warehouse/reference/admin-units-2025.csv`. */
  readonly adminUnitsPath?: string | URL;
}

const DEFAULT_ADMIN_UNITS = new URL(
  '../../warehouse/reference/admin-units-2025.csv',
  import.meta.url,
);
const INDICATORS_FILE = 'indicators.yaml';

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Reads and validates the catalog in `dir` (relative to the working directory): required fields,
 * closed vocabularies, indicator formulas, comparator/value consistency, area codes valid on the
 * plan's date, NFC quotes found word for word in their source files, unique ids.
 *
 * @throws CatalogError listing every finding when any rule fails.
 */
export async function readCatalog(
  dir = 'catalog',
  options: ReadCatalogOptions = {},
): Promise<Catalog> {
  const findings: CatalogFinding[] = [];
  const units = await readAdminUnitValidity(options.adminUnitsPath ?? DEFAULT_ADMIN_UNITS);

  let indicators: Indicator[] = [];
  const indicatorFile = await parseYamlFile(dir, INDICATORS_FILE, findings);
  if (indicatorFile) {
    const c = new Checker(indicatorFile.yaml);
    indicators = readIndicators(c, indicatorFile.value);
    findings.push(...c.findings);
  }
  const registry: Registry = {
    dir,
    units,
    indicators: new Map(indicators.map((i) => [i.code, i])),
    aliases: new Map(indicators.flatMap((i) => i.aliases.map((a) => [a, i.code] as const))),
    sourceTexts: new Map(),
  };

  const planFiles = (await exists(join(dir, PLANS_DIR)))
    ? (await readdir(join(dir, PLANS_DIR))).filter((f) => f.endsWith('.yaml')).sort()
    : [];
  if (planFiles.length === 0) {
    findings.push({
      rule: `the catalog must have at least one plan in ${PLANS_DIR}/*.yaml`,
      value: 'nothing',
      file: PLANS_DIR,
      line: null,
      context: null,
    });
  }
  const plans: Plan[] = [];
  for (const name of planFiles) {
    const parsed = await parseYamlFile(dir, `${PLANS_DIR}/${name}`, findings);
    if (!parsed) continue;
    const c = new Checker(parsed.yaml);
    const plan = await readPlan(c, parsed.value, registry);
    findings.push(...c.findings);
    if (plan) plans.push(plan);
  }

  const planIds = new Set<string>();
  for (const plan of plans) {
    const at = { file: plan.location.file, line: plan.location.line, context: `plan '${plan.id}'` };
    if (planIds.has(plan.id)) {
      findings.push({ rule: 'plan ids must be unique', value: show(plan.id), ...at });
    }
    planIds.add(plan.id);
  }
  for (const plan of plans) {
    for (const ref of plan.implements) {
      if (ref === plan.id || !planIds.has(ref)) {
        findings.push({
          rule: '`implements` must list ids of other plans in the catalog',
          value: show(ref),
          file: plan.location.file,
          line: plan.location.line,
          context: `plan '${plan.id}'`,
        });
      }
    }
  }

  const targetKeys = new Set(plans.flatMap((p) => p.targets.map((t) => `${p.id}/${t.id}`)));
  for (const plan of plans) {
    for (const w of plan.wordings) {
      if (!targetKeys.has(`${w.ofPlanId}/${w.ofTargetId}`)) {
        findings.push({
          rule: 'a wording must name a target of the catalog in `of` (target-id or plan-id/target-id)',
          value: show(`${w.ofPlanId}/${w.ofTargetId}`),
          file: w.location.file,
          line: w.location.line,
          context: `wording '${w.id}'`,
        });
      }
    }
  }

  if (findings.length > 0) throw new CatalogError(findings);
  return { indicators, plans };
}
