// `hookstep codec-server`: the codec server for the Web UI and `temporal --codec-endpoint`, with the keys of this
// environment, until SIGINT/SIGTERM. The token comes from HOOKSTEP_CODEC_TOKEN only, which keeps it out of `ps`.
import type { Command } from 'commander';
import { z } from 'zod';
import { EncryptionCodec, loadKeyring, startCodecServer } from '../../codec';
import { ConfigError } from '../../contract';
import { isOrigin, loadConfig } from '../../worker/config';
import { EXIT, collect, parseFlags, setExit } from '../shared';

export const DEFAULT_CODEC_PORT = 8089;

const CodecFlagsSchema = z.object({
  port: z
    .string()
    .regex(/^\d{1,5}$/, { error: '--port must be a port number' })
    .transform(Number)
    .refine((port) => port <= 65535, { error: '--port must be at most 65535' }),
  host: z.string().min(1, { error: '--host must not be empty' }),
  uiOrigin: z
    .array(z.string().refine(isOrigin, { error: '--ui-origin must be an origin such as http://127.0.0.1:8233' }))
    .optional(),
});
export type CodecFlags = z.input<typeof CodecFlagsSchema>;

export async function codecServer(raw: CodecFlags): Promise<number> {
  const config = loadConfig();
  const flags = parseFlags(CodecFlagsSchema, raw);
  if (!config.HOOKSTEP_CODEC_TOKEN) throw new ConfigError(['HOOKSTEP_CODEC_TOKEN is required: the token callers send']);
  const keyring = loadKeyring();
  if (!keyring)
    throw new ConfigError(['a codec server needs keys: set HOOKSTEP_PAYLOAD_KEYS or HOOKSTEP_PAYLOAD_KEY_FILE']);
  const origins = flags.uiOrigin ?? config.HOOKSTEP_CODEC_ORIGINS;
  const server = await startCodecServer({
    codec: new EncryptionCodec(keyring),
    token: config.HOOKSTEP_CODEC_TOKEN,
    port: flags.port,
    host: flags.host,
    allowedOrigins: origins,
  });
  console.log(
    `hookstep codec server on ${server.url} with ${keyring.keys.size} key(s) from ${keyring.source}; ` +
      `browsers allowed from ${origins.length ? origins.join(', ') : 'no origin'}; Ctrl-C stops it`,
  );
  await new Promise<void>((resolve) => {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => resolve());
  });
  await server.close();
  console.log('hookstep codec server stopped');
  return EXIT.ok;
}

export function codecServerCommand(cli: Command): void {
  cli
    .command('codec-server')
    .description('serve /encode and /decode for the Web UI and temporal --codec-endpoint (token: HOOKSTEP_CODEC_TOKEN)')
    .option('--port <port>', 'port to listen on', String(DEFAULT_CODEC_PORT))
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--ui-origin <origin>', 'Web UI origin browsers call from (repeatable; or HOOKSTEP_CODEC_ORIGINS)', collect)
    .action(async (flags: CodecFlags) => setExit(await codecServer(flags)));
}
