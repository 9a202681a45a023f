import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ENV_OVERRIDES, loadConfig } from '@cdrflow/config';

/**
 * No Docker engine runs on the build machines, so docker-compose.yml and the
 * Dockerfile are checked for what can be checked without one: they parse,
 * images are pinned, every service's environment is one the config accepts,
 * and the commands are the README's.
 */
const repo = join(import.meta.dirname, '..', '..');
const read = (file: string) => readFileSync(join(repo, file), 'utf8');

interface ComposeService {
  image?: string;
  build?: string;
  command?: string[];
  environment?: Record<string, string>;
  volumes?: string[];
  ports?: string[];
}
const compose = parse(read('docker-compose.yml')) as { services: Record<string, ComposeService> };

/** `${VAR:-default}` and `${VAR:?message}` as compose would resolve them with VAR set to `value`. */
function interpolate(text: string, value: string): string {
  return text.replace(/\$\{[A-Z_]+(?::[-?][^}]*)?\}/g, value);
}

describe('docker-compose.yml', () => {
  it('pins every image to a version', () => {
    for (const [name, service] of Object.entries(compose.services)) {
      if (service.build !== undefined) continue;
      expect(service.image, name).toMatch(/^[\w./-]+:v?\d[\w.-]*$/);
    }
  });

  it('runs the collector and aggregator with the commands and environment the config accepts', () => {
    const configFile = join(repo, 'infra', 'docker', 'cdrflow.yaml');
    for (const name of ['collector', 'aggregator']) {
      const service = compose.services[name]!;
      expect(service.build).toBe('.');
      expect(service.command).toEqual([name]);
      const env = Object.fromEntries(
        Object.entries(service.environment ?? {}).map(([k, v]) => [
          k,
          interpolate(String(v), 'secret-value-0123456789'),
        ]),
      );
      for (const key of Object.keys(env)) {
        expect([...Object.keys(ENV_OVERRIDES), 'CDRFLOW_CONFIG'], `${name}: ${key}`).toContain(key);
      }
      expect(env.CDRFLOW_CONFIG).toBe('/etc/cdrflow/cdrflow.yaml');
      expect(service.volumes).toContain('./infra/docker/cdrflow.yaml:/etc/cdrflow/cdrflow.yaml:ro');
      const config = loadConfig({ file: configFile, env });
      expect(config.kafka?.brokers).toEqual(['kafka:9092']);
      if (name === 'aggregator') expect(config.clickhouse.url).toBe('http://clickhouse:8123');
      if (name === 'collector') expect(config.callerKey).toBe('secret-value-0123456789');
    }
  });

  it('mounts the inboxes where the config reads them', () => {
    const config = loadConfig({ file: join(repo, 'infra', 'docker', 'cdrflow.yaml'), env: {} });
    const mounts = (compose.services.collector!.volumes ?? []).map((v) => v.split(':')[1]!);
    for (const source of config.sources) {
      expect(
        mounts.some((m) => source.inbox.startsWith(m)),
        source.inbox,
      ).toBe(true);
      expect(
        mounts.some((m) => source.archive.startsWith(m)),
        source.archive,
      ).toBe(true);
    }
  });
});

describe('monitoring in docker-compose.yml', () => {
  /** A service's bind mounts of this repository's files: container path → repository path. */
  const mountsOf = (name: string) =>
    new Map(
      (compose.services[name]!.volumes ?? [])
        .filter((v) => v.startsWith('./infra/'))
        .map((v) => [v.split(':')[1]!, v.split(':')[0]!.slice(2)] as const),
    );
  /** The repository path a container path lands on, through the service's mounts. */
  const hostPath = (name: string, containerPath: string): string => {
    for (const [target, source] of mountsOf(name)) {
      if (containerPath === target || containerPath.startsWith(`${target}/`)) {
        return source + containerPath.slice(target.length);
      }
    }
    throw new Error(`${name}: ${containerPath} is not inside any mount of this repository`);
  };

  it('mounts only files and folders that exist in the repository', () => {
    for (const name of Object.keys(compose.services)) {
      for (const source of mountsOf(name).values())
        expect(existsSync(join(repo, source)), `${name}: ${source}`).toBe(true);
    }
  });

  it('gives Prometheus the committed alert rules and scrapes the collector and every aggregator replica on their metrics port', () => {
    const prometheus = parse(read('infra/prometheus/prometheus.yml')) as {
      rule_files: string[];
      scrape_configs: Array<{
        job_name: string;
        static_configs?: Array<{ targets: string[] }>;
        dns_sd_configs?: Array<{ names: string[]; port: number }>;
      }>;
    };
    const ruleFiles = prometheus.rule_files.flatMap((glob) => {
      const dir = hostPath('prometheus', glob.slice(0, glob.lastIndexOf('/')));
      return readdirSync(join(repo, dir)).filter((f) => f.endsWith('.yml'));
    });
    expect(ruleFiles.sort()).toEqual(['call-handling.yml', 'pipeline.yml']);

    const port = loadConfig({ file: null, env: {} }).metrics.port;
    const jobs = new Map(prometheus.scrape_configs.map((c) => [c.job_name, c]));
    expect([...jobs.keys()].sort()).toEqual(['cdrflow-aggregator', 'cdrflow-collector']);
    expect(jobs.get('cdrflow-collector')?.static_configs).toEqual([{ targets: [`collector:${port}`] }]);
    expect(jobs.get('cdrflow-aggregator')?.dns_sd_configs).toEqual([{ names: ['aggregator'], type: 'A', port }]);
  });

  it('provisions Grafana with the Prometheus datasource and the committed dashboards', () => {
    const datasources = parse(read('infra/grafana/provisioning/datasources/prometheus.yml')) as {
      datasources: Array<{ type: string; url: string; uid: string }>;
    };
    expect(datasources.datasources.map((d) => [d.type, d.url])).toEqual([['prometheus', 'http://prometheus:9090']]);
    expect(compose.services.prometheus!.ports).toContain('9090:9090');
    expect(hostPath('grafana', '/etc/grafana/provisioning/datasources/prometheus.yml')).toBe(
      'infra/grafana/provisioning/datasources/prometheus.yml',
    );
    const providers = parse(read('infra/grafana/provisioning/dashboards/cdrflow.yml')) as {
      providers: Array<{ options: { path: string } }>;
    };
    const dashboardsDir = hostPath('grafana', providers.providers[0]!.options.path);
    expect(
      readdirSync(join(repo, dashboardsDir))
        .filter((f) => f.endsWith('.json'))
        .sort(),
    ).toEqual(['cdrflow-live.json', 'cdrflow-overview.json', 'cdrflow-pipeline.json']);
  });
});

describe('Dockerfile', () => {
  const dockerfile = read('Dockerfile');
  /** The stages, each from its FROM line to the next. */
  const stages = dockerfile.split(/^(?=FROM )/m).filter((s) => s.startsWith('FROM '));
  const runStage = stages.at(-1) ?? '';
  const buildStage = stages.find((s) => /^FROM \S+ AS build$/m.test(s)) ?? '';

  it('runs the cdrflow command the README documents, with chDB left out for a server deployment', () => {
    expect(dockerfile).toMatch(/^FROM node:20\.\d+/m);
    for (const stage of stages) expect(stage).toMatch(/^FROM node:20\.\d+/);
    expect(runStage).toContain('npm ci --omit=optional --omit=dev');
    const readme = read('README.md');
    for (const command of ['cdrflow collector', 'cdrflow aggregator', 'cdrflow report']) {
      expect(readme, command).toContain(command);
    }
  });

  it('runs the built JavaScript with node as PID 1: an exec-form ENTRYPOINT, no TypeScript at run time', () => {
    const entrypoints = runStage.match(/^ENTRYPOINT .*$/gm) ?? [];
    expect(entrypoints).toHaveLength(1);
    // Exec form (a JSON array), not shell form: no `sh -c` in between to swallow docker stop's SIGTERM.
    const argv = JSON.parse(entrypoints[0]!.slice('ENTRYPOINT '.length)) as unknown;
    expect(argv).toEqual(['node', 'packages/cli/dist/main.js']);
    // The bundle the build stage makes (scripts/build.js) is what the run stage copies and runs.
    expect(buildStage).toMatch(/^RUN npm ci [^\n]*&& npm run build$/m);
    expect(runStage).toMatch(/^COPY --from=build \/opt\/cdrflow\/packages\/cli\/dist \.\/packages\/cli\/dist$/m);
    for (const service of ['collector', 'aggregator']) {
      expect(runStage).toContain(`COPY --from=build /opt/cdrflow/services/${service}/dist ./services/${service}/dist`);
    }
    expect(runStage).not.toMatch(/\btsx\b|\.ts\b/);
    expect(runStage).not.toMatch(/^COPY (?!--from=build)[^\n]*\b(packages|services)\b/m);
    const manifest = JSON.parse(read('package.json')) as {
      dependencies?: Record<string, string>;
      devDependencies: Record<string, string>;
    };
    expect(Object.keys(manifest.dependencies ?? {})).not.toContain('tsx');
    expect(Object.keys(manifest.devDependencies)).toEqual(expect.arrayContaining(['tsx', 'esbuild', 'typescript']));
  });

  it('copies what the services need at run time', () => {
    for (const path of ['packages', 'services', 'infra/clickhouse', 'package-lock.json']) {
      expect(dockerfile).toMatch(new RegExp(`COPY [^\\n]*${path.replace('/', '\\/')}`));
    }
    // Read beside the bundles through import.meta.url: the migrations and the sample's config.
    expect(runStage).toMatch(/^COPY infra\/clickhouse /m);
    expect(runStage).toMatch(/^COPY fixtures\/sample\/cdrflow\.yaml /m);
  });

  it('keeps the bundles out of the build context, so the build stage builds them from source', () => {
    const ignored = read('.dockerignore').split('\n');
    expect(ignored).toEqual(expect.arrayContaining(['**/node_modules', '**/dist']));
  });
});

describe('npx cdrflow', () => {
  it('runs the built CLI in its own process: no TypeScript loader, no child process', () => {
    const bin = read('packages/cli/bin/cdrflow.js');
    expect(bin).toMatch(/^import '\.\.\/dist\/main\.js';$/m);
    expect(bin).not.toMatch(/child_process|spawn|tsx/);
  });
});

describe('infra/kafka/topics.yaml', () => {
  it('lists exactly the topics the bus creates', async () => {
    const { topicSpecs } = await import('@cdrflow/bus');
    const documented = parse(read('infra/kafka/topics.yaml')) as {
      topics: Array<{ name: string; partitions: unknown }>;
    };
    expect(documented.topics.map((t) => t.name)).toEqual(topicSpecs(4).map((t) => t.name));
    expect(documented.topics.find((t) => t.name.includes('rejects'))?.partitions).toBe(1);
  });
});
