// Request bodies are read by Fastify's own JSON parser, and a body holding a
// number a double would change is refused: a 400 naming each such number, never an order id silently rounded and
// published (issue 18). An ordinary body pays only the pre-check for it.
import type { FastifyInstance } from 'fastify';
import { inexactNumbersIn, type JsonPath } from '../contract';
import { jsonPointer } from './validation';

/** A request body with numbers a double cannot hold exactly; `paths` locate them in the body. */
export class InexactNumbersError extends Error {
  readonly statusCode = 400;
  constructor(readonly paths: JsonPath[]) {
    super(`the body holds ${paths.length} number(s) a double cannot hold exactly`);
  }
}

export function refuseInexactNumbers(app: FastifyInstance): void {
  // As the server is made (server.ts): "__proto__" and "constructor" stay plain keys, and the shape check refuses a
  // "__proto__" naming its field rather than calling the body not JSON.
  const parse = app.getDefaultJsonParser('ignore', 'ignore');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = body as string;
    void parse(request, text, (err, value) => {
      if (err) return done(err, undefined);
      const paths = inexactNumbersIn(text);
      if (paths.length > 0) return done(new InexactNumbersError(paths), undefined);
      done(null, value);
    });
  });
}

/** `body/data/orderId`: a JSON pointer (RFC 6901) into the body, as the API names every field. */
export function bodyPointer(path: JsonPath): string {
  return `body${jsonPointer(path)}`;
}
