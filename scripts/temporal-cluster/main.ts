// `scripts/cluster up|down|status|build`: a production-shaped Temporal cluster (the server on PostgreSQL) on this
// machine, on 127.0.0.1. Exit codes: 0 done (status: everything runs), 1 failed, 2 bad flag or variable, 3 status:
// not (fully) running.
import { Command } from 'commander';
import { ConfigError } from '../../src/contract';
import { down, status, up, type ClusterStatus } from './cluster';
import { loadClusterEnv } from './env';
import { ensureTools } from './tools';

const log = (line: string) => console.error(`cluster: ${line}`);

function describe(s: ClusterStatus): string {
  if (!s.address) return `no cluster in ${s.dir} (scripts/cluster up starts one)`;
  const pg = s.postgres.running ? `running, pid ${s.postgres.pid}` : 'stopped';
  const server = s.server.running
    ? `running, pid ${s.server.pid}, ${s.server.serving ? 'SERVING' : 'not serving'}`
    : 'stopped';
  return [
    `directory    ${s.dir}`,
    `postgresql   ${pg}, 127.0.0.1:${s.postgres.port}`,
    `temporal     ${s.server.version}: ${server}`,
    `frontend     ${s.address}${s.tlsEnv ? ' (TLS, client certificate required)' : ''}`,
    ...Object.entries(s.tlsEnv ?? {}).map(([k, v]) => `  ${k}=${v}`),
  ].join('\n');
}

async function main(): Promise<number> {
  let code = 0;
  const program = new Command('cluster')
    .description('A Temporal server on PostgreSQL on this machine (state in HOOKSTEP_CLUSTER_DIR)')
    .exitOverride();
  program
    .command('up')
    .description('build what is missing, start PostgreSQL and the server, print the frontend address')
    .action(async () => {
      const state = await up(loadClusterEnv(), log);
      log(`ready: namespace default, search attributes registered; logs in ${state.dir}`);
      console.log(state.address);
    });
  program
    .command('down')
    .description('stop the server and PostgreSQL and delete the directory')
    .option('--keep-data', 'keep the directory (a later `up` resumes with the same data)')
    .action(async (flags: { keepData?: boolean }) => {
      const dir = loadClusterEnv().HOOKSTEP_CLUSTER_DIR;
      if (!(await down(dir, flags.keepData ?? false, log))) log(`no cluster in ${dir}`);
    });
  program
    .command('status')
    .description('what runs, and where; exit 3 unless PostgreSQL and a serving server both run')
    .option('--json', 'as one JSON object')
    .action(async (flags: { json?: boolean }) => {
      const s = await status(loadClusterEnv().HOOKSTEP_CLUSTER_DIR);
      console.log(flags.json ? JSON.stringify(s) : describe(s));
      if (!(s.postgres.running && s.server.serving)) code = 3;
    });
  program
    .command('build')
    .description('build the server and temporal-sql-tool when missing, and find PostgreSQL')
    .action(async () => {
      const tools = await ensureTools(log);
      for (const [name, path] of Object.entries(tools)) console.log(`${name.padEnd(10)} ${path}`);
    });
  await program.parseAsync();
  return code;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    const e = err as { code?: string; exitCode?: number; message?: string };
    if (e.code?.startsWith('commander.')) process.exit(e.code === 'commander.helpDisplayed' ? 0 : 2);
    console.error(`cluster: ${e.message ?? String(err)}`);
    process.exit(err instanceof ConfigError ? 2 : 1);
  },
);
