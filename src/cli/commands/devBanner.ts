// What `hookstep dev` prints once everything serves: where Temporal, the Web UI, the codec server and the API are,
// with the API key made for this start; never the codec token or a payload key.
import type { PayloadKeyring } from '../../codec';
import type { DevServer } from '../../worker';
import type { Config } from '../../worker/config';
import type { ApiServer } from './api';
import { PAGE_PATH } from '../../api';
import { DEV_CODEC_TOKEN_FILE } from './devKeys';

export interface BannerFacts {
  server: DevServer;
  config: Config;
  state: string | undefined;
  keyring: PayloadKeyring;
  generated: boolean;
  codecUrl: string;
  /** Whether the codec token is in DEV_CODEC_TOKEN_FILE (else HOOKSTEP_CODEC_TOKEN). */
  tokenInFile: boolean;
  api: ApiServer;
  registry: string;
}

export function banner(f: BannerFacts): string {
  const tokenFrom = f.tokenInFile ? `$(cat ${DEV_CODEC_TOKEN_FILE})` : '$HOOKSTEP_CODEC_TOKEN';
  const allowed = f.config.HOOKSTEP_ALLOWED_NETWORKS.map(([net, bits]) => `${net.toString()}/${bits}`).join(',');
  return [
    'hookstep dev is running',
    `  Temporal address  ${f.server.address}`,
    `  Web UI            ${f.server.uiUrl}`,
    `  namespace         ${f.config.TEMPORAL_NAMESPACE}`,
    `  task queue        ${f.config.HOOKSTEP_TASK_QUEUE}`,
    `  state             ${f.state ?? 'in memory (--ephemeral)'}`,
    f.generated
      ? `  payload key       generated ${f.keyring.currentId} in ${f.keyring.source} (keep it: runs encrypted with it need it)`
      : `  payload key       ${f.keyring.currentId} from ${f.keyring.source}`,
    `  codec server      ${f.codecUrl} (the Web UI decodes through it; temporal --codec-endpoint ${f.codecUrl} --codec-auth "Bearer ${tokenFrom}")`,
    `  API               ${f.api.url}  (registry: ${f.registry})`,
    f.api.generatedKey
      ? `  API key           ${f.api.generatedKey}  (new at each start; HOOKSTEP_API_KEY sets one)`
      : '  API key           HOOKSTEP_API_KEY',
    `  webhooks page     ${f.api.url}${PAGE_PATH}  (sign in with the API key)`,
    allowed
      ? `  allowed networks  ${allowed}`
      : '  private, loopback and metadata destinations are refused (HOOKSTEP_ALLOWED_NETWORKS allows some)',
    'Press Ctrl-C to stop.',
  ].join('\n');
}
