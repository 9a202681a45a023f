import { z } from 'zod';

/** The datasource provisioned by infra/grafana/provisioning/datasources/prometheus.yml. */
export const PROMETHEUS_DATASOURCE = { type: 'prometheus', uid: 'prometheus' } as const;

/** Variables Grafana defines itself; any other `$name` in a query must be a template variable. */
export const GRAFANA_BUILTIN_VARIABLES = ['__rate_interval', '__range', '__interval'] as const;

export const PANEL_TYPES = ['timeseries', 'stat', 'table', 'row', 'gauge', 'text'] as const;

/** Grafana's grid is 24 columns wide. */
const GRID_COLUMNS = 24;

const DataSourceRefSchema = z.strictObject({
  type: z.literal(PROMETHEUS_DATASOURCE.type),
  uid: z.literal(PROMETHEUS_DATASOURCE.uid),
});

const GridPosSchema = z
  .strictObject({
    x: z.int().nonnegative(),
    y: z.int().nonnegative(),
    w: z.int().min(1).max(GRID_COLUMNS),
    h: z.int().min(1),
  })
  .refine((g) => g.x + g.w <= GRID_COLUMNS, `must end within the ${GRID_COLUMNS} columns (x + w ≤ ${GRID_COLUMNS})`);

// Strict, so a misspelt key (`exp`, `legendFromat`) fails here instead of being ignored by Grafana.
const TargetSchema = z.strictObject({
  refId: z.string().min(1),
  expr: z.string().trim().min(1, 'must not be empty'),
  legendFormat: z.string().optional(),
  instant: z.boolean().optional(),
  range: z.boolean().optional(),
  format: z.enum(['time_series', 'table', 'heatmap']).optional(),
  datasource: DataSourceRefSchema.optional(),
  interval: z.string().optional(),
  hide: z.boolean().optional(),
  editorMode: z.enum(['code', 'builder']).optional(),
  exemplar: z.boolean().optional(),
});

const ThresholdsSchema = z.strictObject({
  mode: z.enum(['absolute', 'percentage']),
  steps: z
    .array(z.strictObject({ value: z.number().nullable(), color: z.string().min(1) }))
    .min(1)
    .superRefine((steps, ctx) => {
      // Grafana treats the first step as the base (−∞); a number there is silently ignored.
      if (steps[0]?.value !== null)
        ctx.addIssue({ code: 'custom', path: [0, 'value'], message: 'must be null (the base)' });
      let previous = Number.NEGATIVE_INFINITY;
      steps.slice(1).forEach((step, i) => {
        if (step.value === null || step.value <= previous) {
          ctx.addIssue({ code: 'custom', path: [i + 1, 'value'], message: 'must be a number above the step before' });
        } else previous = step.value;
      });
    }),
});

const FieldConfigSchema = z.strictObject({
  defaults: z.looseObject({
    unit: z.string().min(1).optional(),
    decimals: z.int().nonnegative().optional(),
    min: z.number().optional(),
    max: z.number().optional(),
    thresholds: ThresholdsSchema.optional(),
  }),
  overrides: z.array(
    z.strictObject({
      matcher: z.looseObject({ id: z.string().min(1) }),
      properties: z.array(z.looseObject({ id: z.string().min(1) })),
    }),
  ),
});

const panelCommon = {
  id: z.int().positive(),
  title: z.string(),
  description: z.string().optional(),
  gridPos: GridPosSchema,
  transparent: z.boolean().optional(),
  repeatDirection: z.enum(['h', 'v']).optional(),
  links: z.array(z.unknown()).optional(),
  pluginVersion: z.string().optional(),
};

const DataPanelSchema = z.strictObject({
  ...panelCommon,
  type: z.enum(['timeseries', 'stat', 'table', 'gauge']),
  datasource: DataSourceRefSchema,
  targets: z
    .array(TargetSchema)
    .min(1, 'a panel needs at least one query')
    .refine((ts) => new Set(ts.map((t) => t.refId)).size === ts.length, 'refIds must be unique within a panel'),
  fieldConfig: FieldConfigSchema.optional(),
  options: z.record(z.string(), z.unknown()).optional(),
  transformations: z.array(z.looseObject({ id: z.string().min(1), options: z.unknown() })).optional(),
  interval: z.string().optional(),
  maxDataPoints: z.int().positive().optional(),
});

const TextPanelSchema = z.strictObject({
  ...panelCommon,
  type: z.literal('text'),
  options: z.looseObject({ content: z.string() }),
});

const RowPanelSchema = z
  .strictObject({
    ...panelCommon,
    type: z.literal('row'),
    collapsed: z.boolean(),
    panels: z.array(DataPanelSchema),
    datasource: DataSourceRefSchema.optional(),
  })
  // An open row's panels sit after it at the top level; Grafana expects `panels` filled only when collapsed.
  .refine((row) => row.collapsed || row.panels.length === 0, 'an open row keeps its panels at the top level');

const PanelSchema = z.discriminatedUnion('type', [DataPanelSchema, TextPanelSchema, RowPanelSchema]);

const VariableSchema = z.looseObject({
  type: z.enum(['query', 'custom', 'constant', 'interval', 'textbox', 'datasource', 'adhoc']),
  name: z.string().regex(/^\w+$/, 'must be letters, digits and underscores'),
  query: z.union([z.string(), z.record(z.string(), z.unknown())]).optional(),
  datasource: DataSourceRefSchema.optional(),
  multi: z.boolean().optional(),
  includeAll: z.boolean().optional(),
  allValue: z.string().optional(),
});

/** `$name`, `${name}`, `${name:format}` and the deprecated `[[name]]`. */
const VARIABLE_REFERENCE = /\$(\w+)|\$\{(\w+)(?::[^}]*)?\}|\[\[(\w+)(?::[^\]]*)?\]\]/g;

/** The template variables an expression refers to, by name. */
export function referencedVariables(expr: string): string[] {
  return [...expr.matchAll(VARIABLE_REFERENCE)].map((m) => m[1] ?? m[2] ?? m[3] ?? '');
}

type GridPos = z.infer<typeof GridPosSchema>;
const overlaps = (a: GridPos, b: GridPos) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;

/**
 * The classic (schemaVersion ≥ 39) dashboard JSON model, as far as cdrflow
 * uses it: Prometheus panels on the provisioned datasource. Stricter than
 * Grafana, which loads almost anything and shows the mistake as an empty or
 * misplaced panel; here it fails a test instead.
 */
export const GrafanaDashboardSchema = z
  .strictObject({
    uid: z.string().regex(/^[\w-]{1,40}$/, 'must be 1 to 40 letters, digits, hyphens or underscores'),
    title: z.string().min(1),
    description: z.string().optional(),
    tags: z.array(z.string()).optional(),
    schemaVersion: z.int().min(39),
    time: z.strictObject({ from: z.string().min(1), to: z.string().min(1) }),
    timezone: z.string().optional(),
    refresh: z.string().optional(),
    editable: z.boolean().optional(),
    graphTooltip: z.union([z.literal(0), z.literal(1), z.literal(2)]).optional(),
    fiscalYearStartMonth: z.int().min(0).max(11).optional(),
    templating: z.strictObject({ list: z.array(VariableSchema).optional() }),
    annotations: z.strictObject({ list: z.array(z.unknown()).optional() }),
    links: z.array(z.looseObject({ title: z.string(), type: z.enum(['link', 'dashboards']) })).optional(),
    panels: z.array(PanelSchema).min(1),
  })
  .superRefine((dashboard, ctx) => {
    const nested = dashboard.panels.flatMap((p) => (p.type === 'row' ? p.panels : []));
    const ids = new Map<number, string>();
    for (const panel of [...dashboard.panels, ...nested]) {
      const other = ids.get(panel.id);
      if (other !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['panels'],
          message: `"${panel.title}" and "${other}" share id ${panel.id}`,
        });
      }
      ids.set(panel.id, panel.title);
    }
    dashboard.panels.forEach((a, i) => {
      dashboard.panels.slice(0, i).forEach((b) => {
        if (overlaps(a.gridPos, b.gridPos)) {
          ctx.addIssue({
            code: 'custom',
            path: ['panels', i, 'gridPos'],
            message: `"${a.title}" overlaps "${b.title}"`,
          });
        }
      });
    });
    const list = dashboard.templating.list ?? [];
    const declared = new Set<string>([...GRAFANA_BUILTIN_VARIABLES, ...list.map((v) => v.name)]);
    if (declared.size !== GRAFANA_BUILTIN_VARIABLES.length + list.length) {
      ctx.addIssue({ code: 'custom', path: ['templating', 'list'], message: 'declares a variable twice' });
    }
    const queried = dashboard.panels.flatMap((panel, i) =>
      panel.type === 'row'
        ? panel.panels.map((inner, k) => ({ panel: inner, path: ['panels', i, 'panels', k] }))
        : panel.type === 'text'
          ? []
          : [{ panel, path: ['panels', i] }],
    );
    for (const { panel, path } of queried) {
      panel.targets.forEach((target, j) => {
        for (const name of referencedVariables(target.expr)) {
          if (!declared.has(name)) {
            ctx.addIssue({
              code: 'custom',
              path: [...path, 'targets', j, 'expr'],
              message: `refers to $${name}, which is neither a template variable nor a Grafana built-in`,
            });
          }
        }
      });
    }
  });

export type GrafanaDashboard = z.infer<typeof GrafanaDashboardSchema>;
