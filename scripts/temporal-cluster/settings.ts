// What hookstep's production-shaped Temporal server is, in one place: `scripts/cluster` writes its config from this,
// and test/unit/compose.test.ts checks that docker-compose.yml says the same.
import { DEFAULT_NAMESPACE, SEARCH_ATTRIBUTES } from '../../src/contract';
import { DEV_SERVER_DYNAMIC_CONFIG } from '../../src/worker/devServer';

/** The server release built, run and tested here; compose's images carry the same tag. */
export const TEMPORAL_SERVER_VERSION = '1.29.1';
export const SERVER_MODULE = 'go.temporal.io/server';

export const SQL_PLUGIN = 'postgres12';
/** The two databases and the schema directory (under schema/postgresql/v12/) each is migrated from. */
export const DATABASES = [
  { name: 'temporal', schema: 'temporal' },
  { name: 'temporal_visibility', schema: 'visibility' },
] as const;

/** Fixed for the life of the database: changing it needs a fresh one (docs/self-hosting.md). */
export const NUM_HISTORY_SHARDS = 4;
export const NAMESPACE = DEFAULT_NAMESPACE;
/** How long closed runs (and their results) stay queryable. */
export const NAMESPACE_RETENTION_HOURS = 72;

/**
 * Dynamic config: the dev server's settings, shared so that what is measured and tested on `hookstep dev` is what
 * runs in production (eager activity dispatch, and the ID length limit SQL persistence can store).
 */
export const SERVER_DYNAMIC_CONFIG = DEV_SERVER_DYNAMIC_CONFIG;

/** The file format the server reads: each key holds a list of constrained values; ours apply everywhere. */
export function dynamicConfigDocument(
  config: Readonly<Record<string, string | number | boolean>> = SERVER_DYNAMIC_CONFIG,
): Record<string, { value: string | number | boolean }[]> {
  return Object.fromEntries(Object.entries(config).map(([key, value]) => [key, [{ value }]]));
}

/** The type names `temporal operator search-attribute create --type` takes, from the SDK's enum names. */
const CLI_TYPES: Record<string, string> = {
  TEXT: 'Text',
  KEYWORD: 'Keyword',
  INT: 'Int',
  DOUBLE: 'Double',
  BOOL: 'Bool',
  DATETIME: 'Datetime',
  KEYWORD_LIST: 'KeywordList',
};

/** hookstep's search attributes as `Name=CliType`, the form compose's namespace job loops over. */
export function searchAttributePairs(): string[] {
  return SEARCH_ATTRIBUTES.map((key) => `${key.name}=${CLI_TYPES[key.type]}`);
}
