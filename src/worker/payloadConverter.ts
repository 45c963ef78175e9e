// The worker's payload converter (loaded in the workflow sandbox and beside the activities): Temporal's default, but
// JSON input whose numbers a double would change (an int64 a Go or Java client sends) decodes with each such number
// as an inexact-number mark, which step and automation validation refuse by name: InvalidStep, nothing sent. It never
// throws on such input: a converter that throws in a workflow task makes the task retry forever.
import {
  BinaryPayloadConverter,
  CompositePayloadConverter,
  JsonPayloadConverter,
  UndefinedPayloadConverter,
  ValueError,
  type Payload,
} from '@temporalio/common';
import { decode } from '@temporalio/common/lib/encoding';
import { parseJsonMarkingInexact } from '../contract/numbers';

class ExactJsonPayloadConverter extends JsonPayloadConverter {
  override fromPayload<T>(content: Payload): T {
    if (content.data === undefined || content.data === null) throw new ValueError('Got payload with no data');
    return parseJsonMarkingInexact(decode(content.data)) as T;
  }
}

export const payloadConverter = new CompositePayloadConverter(
  new UndefinedPayloadConverter(),
  new BinaryPayloadConverter(),
  new ExactJsonPayloadConverter(),
);
