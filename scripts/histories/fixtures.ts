// The recorded histories under test/fixtures/histories, read as History objects for Worker.runReplayHistories.
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import * as proto from '@temporalio/proto';
import { patchProtobufRoot } from '@temporalio/proto/lib/patch-protobuf-root';

export const FIXTURES_DIR = resolve(__dirname, '../../test/fixtures/histories');

type History = proto.temporal.api.history.v1.IHistory;

// @temporalio/common's historyFromJSON parses with protobufjs's protojson from its own copy of protobufjs; npm nests
// one copy under @temporalio/common and another under @temporalio/proto (the top level holds protobufjs 7), so its
// `instanceof Type` check fails on proto's types ("type must be a Type"). Parse with the copy proto's types come from.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { fromJson } = require(
  require.resolve('protobufjs/ext/protojson', { paths: [dirname(require.resolve('@temporalio/proto'))] }),
) as { fromJson: (type: unknown, json: unknown, options: { ignoreUnknownFields: boolean }) => History };
const historyType = (patchProtobufRoot(proto) as unknown as { lookupType(name: string): unknown }).lookupType(
  'temporal.api.history.v1.History',
);

export interface Fixture {
  /** The file name without .json or .json.gz. */
  name: string;
  /** The run's workflow ID, recorded beside its history (replay needs it: an automation's child IDs are made from it). */
  workflowId: string;
  history: History;
}

/** Every fixture, in name order; `.json.gz` ones gunzipped. */
export function readFixtures(dir = FIXTURES_DIR): Fixture[] {
  return readdirSync(dir)
    .filter((file) => /\.json(\.gz)?$/.test(file))
    .sort()
    .map((file) => {
      const bytes = readFileSync(join(dir, file));
      const text = file.endsWith('.gz') ? gunzipSync(bytes).toString('utf8') : bytes.toString('utf8');
      const { workflowId, events } = JSON.parse(text) as { workflowId: string; events: unknown[] };
      return {
        name: file.replace(/\.json(\.gz)?$/, ''),
        workflowId,
        history: fromJson(historyType, { events }, { ignoreUnknownFields: true }),
      };
    });
}
