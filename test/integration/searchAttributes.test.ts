/** @cluster */
// hookstep's search attributes exist from the start, with their types, on the dev server and on the cluster (where
// scripts/cluster registers them), so runs can set them.
import { temporal as proto } from '@temporalio/proto';
import { SEARCH_ATTRIBUTES } from '../../src/contract';
import { connectClient } from '../helpers/temporal';

test('the server (dev or cluster) has every hookstep search attribute with its type', async () => {
  const temporal = await connectClient();
  try {
    const { customAttributes } = await temporal.client.connection.operatorService.listSearchAttributes({
      namespace: 'default',
    });
    const registered = Object.fromEntries(
      Object.entries(customAttributes ?? {}).map(([name, type]) => [name, proto.api.enums.v1.IndexedValueType[type]]),
    );
    for (const key of SEARCH_ATTRIBUTES) {
      expect([key.name, registered[key.name]]).toEqual([key.name, `INDEXED_VALUE_TYPE_${key.type}`]);
    }
  } finally {
    await temporal.close();
  }
});
