// hookstep's search attributes on a namespace, read and added through the operator service: `hookstep setup` adds
// what is missing, and every worker checks them before it polls (a run's outcome upsert on a namespace without them
// is refused by the server, and its workflow task retried forever).
import { temporal } from '@temporalio/proto';
import { SEARCH_ATTRIBUTES, SearchAttributeTypeError, SearchAttributesMissingError } from '../contract';

const { IndexedValueType } = temporal.api.enums.v1;
type IndexedValueType = temporal.api.enums.v1.IndexedValueType;
const typeName = (t: IndexedValueType) => IndexedValueType[t].replace('INDEXED_VALUE_TYPE_', '');

/** What both the client's Connection and the worker's NativeConnection offer. */
export interface OperatorConnection {
  operatorService: Pick<
    temporal.api.operatorservice.v1.OperatorService,
    'listSearchAttributes' | 'addSearchAttributes'
  >;
}

export interface AttributeGaps {
  /** Absent from the namespace, with the type hookstep needs. */
  missing: Record<string, IndexedValueType>;
  /** There with the right type. */
  present: string[];
}

/**
 * Reads the namespace's custom search attributes and compares them with hookstep's. Throws SearchAttributeTypeError
 * when one of hookstep's names has another type (no run could set it; it must be removed first).
 */
export async function searchAttributeGaps(connection: OperatorConnection, namespace: string): Promise<AttributeGaps> {
  const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
  const existing = customAttributes ?? {};
  const missing: Record<string, IndexedValueType> = {};
  const present: string[] = [];
  const wrong: string[] = [];
  for (const key of SEARCH_ATTRIBUTES) {
    const wanted = IndexedValueType[`INDEXED_VALUE_TYPE_${key.type}`];
    const found = existing[key.name];
    if (found === undefined) missing[key.name] = wanted;
    else if (found === wanted) present.push(key.name);
    else wrong.push(`${key.name} is ${typeName(found)}, hookstep needs ${typeName(wanted)}`);
  }
  if (wrong.length) {
    throw new SearchAttributeTypeError(
      `search attributes of namespace ${namespace} have the wrong type: ${wrong.join('; ')}. ` +
        'Remove them (temporal operator search-attribute remove) and run hookstep setup again.',
    );
  }
  return { missing, present };
}

/** Adds what is missing; returns the names added and those already there. */
export async function registerSearchAttributes(
  connection: OperatorConnection,
  namespace: string,
): Promise<{ added: string[]; present: string[] }> {
  const { missing, present } = await searchAttributeGaps(connection, namespace);
  if (Object.keys(missing).length) {
    await connection.operatorService.addSearchAttributes({ namespace, searchAttributes: missing });
  }
  return { added: Object.keys(missing), present };
}

/**
 * Refuses a namespace without hookstep's search attributes (SearchAttributesMissingError, naming `hookstep setup`)
 * or with one of the wrong type (SearchAttributeTypeError). Called before a worker polls.
 */
export async function requireSearchAttributes(connection: OperatorConnection, namespace: string): Promise<void> {
  const { missing } = await searchAttributeGaps(connection, namespace);
  const names = Object.keys(missing);
  if (names.length) throw new SearchAttributesMissingError(namespace, names);
}
