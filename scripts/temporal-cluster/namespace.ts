// What a fresh server lacks before hookstep can run on it: the namespace, and exactly the search attributes in the
// contract (SEARCH_ATTRIBUTES), registered through the operator API as `temporal operator` would.
import { status } from '@grpc/grpc-js';
import { Connection, isGrpcServiceError, type TLSConfig } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { temporal } from '@temporalio/proto';
import { SEARCH_ATTRIBUTES } from '../../src/contract';
import { NAMESPACE, NAMESPACE_RETENTION_HOURS } from './settings';

const { IndexedValueType } = temporal.api.enums.v1;

/** Registers the namespace and the search attributes, then waits until the frontend lists runs in it. */
export async function setUpNamespace(target: { address: string; tls?: TLSConfig }): Promise<void> {
  const connection = await Connection.connect(target);
  try {
    await connection.workflowService
      .registerNamespace({
        namespace: NAMESPACE,
        workflowExecutionRetentionPeriod: msToTs(`${NAMESPACE_RETENTION_HOURS}h`),
      })
      .catch((err: unknown) => {
        if (!(isGrpcServiceError(err) && err.code === status.ALREADY_EXISTS)) throw err;
      });
    // A new namespace reaches the other services' caches within seconds; until then they answer NOT_FOUND.
    const { customAttributes } = await untilFound(() =>
      connection.operatorService.listSearchAttributes({ namespace: NAMESPACE }),
    );
    const missing = SEARCH_ATTRIBUTES.filter((key) => customAttributes?.[key.name] === undefined);
    if (missing.length > 0) {
      await untilFound(() =>
        connection.operatorService.addSearchAttributes({
          namespace: NAMESPACE,
          searchAttributes: Object.fromEntries(missing.map((key) => [key.name, indexedType(key.type)])),
        }),
      );
    }
    await checkSearchAttributes(connection);
    await untilFound(() => connection.workflowService.listWorkflowExecutions({ namespace: NAMESPACE, pageSize: 1 }));
  } finally {
    await connection.close();
  }
}

/** Every attribute of the contract with its type; one registered earlier with another type is an error to fix. */
async function checkSearchAttributes(connection: Connection): Promise<void> {
  const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace: NAMESPACE });
  const wrong = SEARCH_ATTRIBUTES.filter((key) => customAttributes?.[key.name] !== indexedType(key.type));
  if (wrong.length > 0) {
    throw new Error(
      `search attributes missing or of another type in namespace ${NAMESPACE}: ` +
        wrong.map((key) => `${key.name} (want ${key.type})`).join(', '),
    );
  }
}

const indexedType = (type: string) => IndexedValueType[`INDEXED_VALUE_TYPE_${type}` as keyof typeof IndexedValueType];

async function untilFound<T>(call: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      return await call();
    } catch (err) {
      if (!(isGrpcServiceError(err) && err.code === status.NOT_FOUND) || Date.now() > deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}
