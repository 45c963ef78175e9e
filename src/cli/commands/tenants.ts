// `hookstep tenants keys create <tenant>`: an operator makes a tenant's API key through the HTTP API; it is printed
// this once (the registry keeps only its hash). With the key, the CLI and the API act for that tenant only.
// `hookstep tenants sign-in-link <tenant>`: a one-time link to the webhooks page for the tenant.
import type { Command } from 'commander';
import { apiClientFromEnv, print } from '../apiClient';
import { EXIT, setExit } from '../shared';

export function tenantsCommand(cli: Command): void {
  const tenants = cli.command('tenants').description("tenants' API keys, through the HTTP API (an operator key)");
  tenants
    .command('sign-in-link <tenant>')
    .description('make a one-time link (15 minutes) that signs a browser in to the webhooks page as the tenant')
    .action(async (tenant: string) => {
      print(await apiClientFromEnv().tenants.signInLink(tenant));
      setExit(EXIT.ok);
    });
  tenants
    .command('keys')
    .description("a tenant's API keys")
    .command('create <tenant>')
    .description('make an API key of the tenant; printed once')
    .action(async (tenant: string) => {
      print(await apiClientFromEnv().tenants.keys.create(tenant));
      setExit(EXIT.ok);
    });
}
