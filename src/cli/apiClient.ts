// The API client the `webhooks` and `events` commands share: HOOKSTEP_API_URL and HOOKSTEP_API_KEY from the
// environment, and one way to print what the API answered.
import { createApiClient, type ApiClient } from '../client/api';
import { ConfigError } from '../contract';
import { loadConfig } from '../worker/config';

export function apiClientFromEnv(): ApiClient {
  const config = loadConfig();
  if (!config.HOOKSTEP_API_KEY) {
    throw new ConfigError(['HOOKSTEP_API_KEY must be set (hookstep dev prints one) to reach the API']);
  }
  return createApiClient({ url: config.HOOKSTEP_API_URL, apiKey: config.HOOKSTEP_API_KEY });
}

export function print(value: unknown): void {
  console.log(JSON.stringify(value, null, 2));
}
